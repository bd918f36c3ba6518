"""Families of versions: continuity, the family checks, diff and the show/diff commands."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.questionnaire.qhelpers import base_data, dump
from survey_engine.cli import main
from survey_engine.questionnaire.continuity import (check_continuity, continuity_map, diff,
                                                    successor_map)
from survey_engine.questionnaire.errors import QuestionnaireError
from survey_engine.questionnaire.load import check_family, load_family, parse_questionnaire


def newer_data() -> dict:
    """2026.1: styr-policy renamed, styr-andel's meaning changed, inc-text removed,
    inc-nytt added, inc-rutin moved up a level, inc-samlad merges two old questions."""
    d = base_data()
    d["version"] = "2026.1"
    d["previous"] = "2025.1"
    styr = d["areas"][0]["questions"]
    inc = d["areas"][1]["questions"]
    styr[0]["id"] = "styr-riktlinje"
    styr[0]["previous_ids"] = ["styr-policy"]
    inc[0]["show_if"]["question"] = "styr-riktlinje"
    styr[2]["comparable"] = False
    inc[0]["level"] = 2
    inc[1]["id"] = "inc-samlad"
    inc[1]["previous_ids"] = ["inc-ovning", "styr-kommentar"]
    del styr[3]  # styr-kommentar is merged into inc-samlad
    inc[2] = {"id": "inc-nytt", "type": "choice", "text": {"sv": "Ny?", "en": "New?"}, "level": 1,
              "scale": "yesno"}
    return d


OLD = parse_questionnaire(dump(base_data()), "2025.1.yaml")
NEW = parse_questionnaire(dump(newer_data()), "2026.1.yaml")


def test_continuity_map_and_successors():
    assert continuity_map(NEW, OLD) == {
        "styr-riktlinje": ["styr-policy"],
        "styr-typer": ["styr-typer"],
        "inc-rutin": ["inc-rutin"],
        "inc-samlad": ["inc-ovning", "styr-kommentar"],
    }
    succ = successor_map(NEW, OLD)
    assert succ["styr-policy"] == "styr-riktlinje" and succ["styr-kommentar"] == "inc-samlad"
    assert "styr-andel" not in succ and "inc-text" not in succ
    assert check_continuity(NEW, OLD) == []


def test_diff_lists_every_kind_of_change():
    result = diff(OLD, NEW)
    assert result.added == ["inc-nytt"]
    assert result.removed == ["inc-text"]
    assert result.continued == ["styr-typer", "inc-rutin"]
    assert [(r.id, r.previous_ids) for r in result.renamed] == [
        ("styr-riktlinje", ("styr-policy",)), ("inc-samlad", ("inc-ovning", "styr-kommentar"))]
    assert result.not_comparable == ["styr-andel"]
    changed = {c.id: c.fields for c in result.changed}
    assert changed["inc-rutin"] == ("level", "show_if")
    assert "styr-typer" not in changed
    assert result.successive
    assert result.to_dict()["new"] == {"id": "test-family", "version": "2026.1", "hash": NEW.hash}


def test_previous_ids_unknown_in_old_version():
    d = newer_data()
    d["areas"][0]["questions"][0]["previous_ids"] = ["styr-polisy"]
    new = parse_questionnaire(dump(d), "2026.1.yaml")
    [problem] = check_continuity(new, OLD)
    assert problem.path == "areas[0].questions[0].previous_ids[0]"
    assert "has no such question" in problem.message and problem.line is not None


@pytest.fixture
def family(tmp_path):
    folder = tmp_path / "test-family"
    folder.mkdir()
    (folder / "2025.1.yaml").write_text(dump(base_data()), encoding="utf-8")
    (folder / "2026.1.yaml").write_text(dump(newer_data()), encoding="utf-8")
    return folder


def test_family_loads_sorted(family):
    versions = load_family(family)
    assert [q.version for q in versions] == ["2025.1", "2026.1"]


def _validate(*paths):
    return CliRunner().invoke(main, ["questionnaire", "validate", *map(str, paths)])


def test_validate_family_ok(family):
    result = _validate(family)
    assert result.exit_code == 0, result.output
    assert result.output.count("OK  ") == 2


def test_family_previous_ids_unknown(family):
    d = newer_data()
    d["areas"][1]["questions"][1]["previous_ids"] = ["inc-ovning", "gone"]
    (family / "2026.1.yaml").write_text(dump(d), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as info:
        load_family(family)
    [problem] = info.value.problems
    assert problem.path == "areas[1].questions[1].previous_ids[1]"
    result = _validate(family)
    assert result.exit_code == 2 and "'gone'" in result.output and "Traceback" not in result.output
    assert "OK  " in result.output and "2025.1.yaml" in result.output  # the sound file is still OK


def test_family_previous_missing_and_file_name(family):
    d = newer_data()
    d["previous"] = "2024.3"
    (family / "2026.1.yaml").write_text(dump(d), encoding="utf-8")
    (family / "2027.1.yaml").write_text(dump({**base_data(), "version": "2027.2"}), encoding="utf-8")
    loaded, problems = check_family(family)
    messages = "\n".join(str(p) for p in problems)
    assert "previous is 2024.3, but that version is not in the folder" in messages
    assert "should be named 2027.2.yaml" in messages
    assert _validate(family).exit_code == 2


def test_family_mixed_ids_and_duplicate_versions(family):
    (family / "other.yaml").write_text(dump({**base_data(), "id": "other"}), encoding="utf-8")
    messages = "\n".join(str(p) for p in check_family(family)[1])
    assert "differs from 'test-family'" in messages
    assert "version 2025.1 is already in" in messages


def test_family_broken_file_reported_with_others(family):
    (family / "2026.1.yaml").write_text("format: 1\nid: [\n", encoding="utf-8")
    result = _validate(family)
    assert result.exit_code == 2 and "YAML syntax error" in result.output
    assert "OK  " in result.output


def test_validate_missing_folder_or_empty(tmp_path):
    result = _validate(tmp_path / "nothing")
    assert result.exit_code == 2 and "does not exist" in result.output
    result = _validate(tmp_path)
    assert result.exit_code == 2 and "no .yaml files" in result.output


def test_show_command(family):
    result = CliRunner().invoke(main, ["questionnaire", "show", str(family / "2025.1.yaml"),
                                       "--lang", "en"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Test questionnaire" in out and "2025.1" in out and OLD.hash in out
    assert "Governance" in out and "Qualified" in out
    row = next(line for line in out.splitlines() if line.strip().startswith("styrning"))
    # weight 2, target 2, levels 1/2/3: 1 2 0, types choice/multi/number/text: 1 1 1 1, total 4
    assert row.split()[2:] == ["2", "2", "1", "2", "0", "1", "1", "1", "1", "4"]
    sv = CliRunner().invoke(main, ["questionnaire", "show", str(family / "2025.1.yaml")])
    assert "Styrning" in sv.output and "Testenkät" in sv.output


def test_show_bad_file(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("format: 1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["questionnaire", "show", str(path)])
    assert result.exit_code == 2 and "required key 'id' is missing" in result.output
    assert "Traceback" not in result.output


def test_diff_command_text_and_json(family):
    args = ["questionnaire", "diff", str(family / "2025.1.yaml"), str(family / "2026.1.yaml")]
    text = CliRunner().invoke(main, args)
    assert text.exit_code == 0, text.output
    assert "Added (1):\n  inc-nytt" in text.output
    assert "styr-riktlinje <- styr-policy" in text.output
    js = CliRunner().invoke(main, [*args, "--format", "json"])
    data = json.loads(js.output)
    assert data["not_comparable"] == ["styr-andel"] and data["removed"] == ["inc-text"]
    assert data["renamed"][0] == {"id": "styr-riktlinje", "previous_ids": ["styr-policy"]}


def test_diff_command_errors(family, tmp_path):
    new, old = family / "2026.1.yaml", family / "2025.1.yaml"
    result = CliRunner().invoke(main, ["questionnaire", "diff", str(new), str(old)])
    assert result.exit_code == 2 and "earlier version" in result.output
    result = CliRunner().invoke(main, ["questionnaire", "diff", str(old), str(tmp_path / "no.yaml")])
    assert result.exit_code == 2 and "does not exist" in result.output
    assert "Traceback" not in result.output
    other = tmp_path / "other.yaml"
    other.write_text(dump({**newer_data(), "id": "other"}), encoding="utf-8")
    result = CliRunner().invoke(main, ["questionnaire", "diff", str(old), str(other)])
    assert result.exit_code == 2 and "different questionnaire families" in result.output


def test_single_file_checked_against_previous_beside_it(family):
    d = newer_data()
    d["areas"][1]["questions"][1]["previous_ids"] = ["gone"]
    (family / "2026.1.yaml").write_text(dump(d), encoding="utf-8")
    result = _validate(family / "2026.1.yaml")
    assert result.exit_code == 2 and "'gone'" in result.output
    assert _validate(family / "2025.1.yaml").exit_code == 0


def test_validate_json(family, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(dump({**base_data(), "format": 3}), encoding="utf-8")
    result = CliRunner().invoke(main, ["questionnaire", "validate", "--format", "json",
                                       str(family), str(bad)])
    assert result.exit_code == 2
    data = json.loads(result.output)
    assert [o["version"] for o in data["ok"]] == ["2025.1", "2026.1"]
    assert data["problems"] == [{"file": str(bad), "path": "format", "line": 1,
                                 "message": data["problems"][0]["message"]}]
    assert "format 1" in data["problems"][0]["message"]
