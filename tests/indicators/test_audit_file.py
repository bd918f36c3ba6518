"""Audit files (docs/indicators.md §4, D9): every problem with its YAML line."""
import datetime as dt
from pathlib import Path

import pytest

from survey_engine.indicators.audit import AuditFileError, load_audit_text, validate_recommendation

DEMO = Path(__file__).resolve().parents[2] / "questionnaires" / "audits" / "granskning-it-sakerhet-2024.yaml"

GOOD = """format: 1
id: test-2024
title: {sv: Granskning, en: Audit}
auditor: Stadsrevisionen
date: 2024-11-20
recommendations:
  - id: utbildning
    text: {sv: Utbilda alla, en: Train everyone}
    responsible: Kommunstyrelsen
    family: mcf-cybersakerhet
    areas: [utbildning]
    indicators: [utbildning-grund]
  - id: policy
    text: Ta fram en policy
"""


def test_good_file_reads():
    a = load_audit_text(GOOD, "g.yaml")
    assert a.id == "test-2024" and a.title == "Granskning" and a.date == dt.date(2024, 11, 20)
    assert [r.id for r in a.recommendations] == ["utbildning", "policy"]
    assert a.recommendations[0].indicators == ("utbildning-grund",) and a.recommendations[1].text_en == ""


def test_demo_audit_file_is_valid():
    a = load_audit_text(DEMO.read_text(encoding="utf-8"), str(DEMO))
    assert len(a.recommendations) == 4


def problems(text):
    with pytest.raises(AuditFileError) as info:
        load_audit_text(text, "bad.yaml")
    return {(p.path, p.line) for p in info.value.problems}, info.value.problems


def test_every_problem_with_its_line():
    bad = GOOD.replace("format: 1", "format: 2").replace("date: 2024-11-20", "date: 2024-13-40") \
        .replace("  - id: policy", "  - id: Policy!").replace("    areas: [utbildning]", "    areas: [utbildning]\n    colour: red")
    where, probs = problems(bad)
    assert ("format", 1) in where and ("date", 5) in where
    assert ("recommendations[0].colour", 12) in where
    assert ("recommendations[1].id", 14) in where
    assert all(p.file == "bad.yaml" and " / " in p.message for p in probs)


def test_duplicate_ids_and_family_required():
    text = GOOD.replace("  - id: policy", "  - id: utbildning").replace("    family: mcf-cybersakerhet\n", "")
    where, _ = problems(text)
    assert ("recommendations[1].id", 12) in where  # the family line was removed
    assert any(p == "recommendations[0].family" for p, _ in where)


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "format: 1\nid: [\n", "a: 1\na: 2\n", "format: 1\nid: x\n"])
def test_broken_files_never_raise_anything_else(text):
    with pytest.raises(AuditFileError) as info:
        load_audit_text(text, "x.yaml")
    assert info.value.problems


def test_control_characters_and_long_text_refused():
    with pytest.raises(AuditFileError):
        validate_recommendation({"id": "a", "text": "bad\x07bell"})
    with pytest.raises(AuditFileError):
        validate_recommendation({"id": "a", "text": "x" * 5000})
    assert validate_recommendation({"id": "a", "text": {"sv": " Text "}}).text_sv == "Text"
