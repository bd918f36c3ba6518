"""The shipped questionnaire families must always validate (and their diff must work)."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from survey_engine.cli import main
from survey_engine.questionnaire.continuity import check_continuity, diff
from survey_engine.questionnaire.load import check_family

ROOT = Path(__file__).resolve().parents[2] / "questionnaires"
# questionnaires/indicators and questionnaires/audits hold indicator definitions and audits
# (docs/indicators.md), not questionnaire families
FAMILIES = sorted(p for p in ROOT.iterdir() if p.is_dir() and p.name not in ("indicators", "audits")) \
    if ROOT.is_dir() else []


@pytest.mark.parametrize("folder", FAMILIES, ids=[p.name for p in FAMILIES])
def test_shipped_family_is_valid(folder):
    loaded, problems = check_family(folder)
    assert problems == [], "\n".join(map(str, problems))
    assert all(q.id == folder.name for q in loaded)
    for old, new in zip(loaded, loaded[1:]):
        if new.previous == old.version:
            assert check_continuity(new, old) == []
            result = diff(old, new)
            # every old question is accounted for exactly once as continued, renamed,
            # not comparable or removed
            accounted = (set(result.continued) | set(result.not_comparable) | set(result.removed)
                         | {pid for r in result.renamed for pid in r.previous_ids})
            assert accounted == {q.id for q in old.questions()}


def test_validate_command_on_shipped_questionnaires():
    if not FAMILIES:
        pytest.skip("no questionnaires folder")
    result = CliRunner().invoke(main, ["questionnaire", "validate", *map(str, FAMILIES)])
    assert result.exit_code == 0, result.output
