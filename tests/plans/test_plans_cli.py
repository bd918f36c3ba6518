"""`survey-engine plans ...`: create, list, show, edit, followup, summary, report; bad
input exits 2 with a sentence, never a traceback."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.plans.plan_samples import EXPECTED_EFFECTS, setup_rounds
from survey_engine.cli import main



def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture
async def rounds(db):
    return await setup_rounds()


def test_plan_commands(rounds, tmp_path):
    r = run("plans", "create", "--round", "Plan 2024", "--unit", "A", "--start", "2024H2", "--capacity", 20, "--json")
    assert r.exit_code == 0, r.output
    plan = json.loads(r.output)
    assert {a["question"] for a in plan["actions"]} == set(EXPECTED_EFFECTS)
    ansvar = next(a for a in plan["actions"] if a["question"] == "s-ansvar")
    r = run("plans", "edit", plan["id"], ansvar["id"], "--revision", 0, "--status", "done", "--owner", "IT-chefen",
            "--period", "backlog")
    assert r.exit_code == 0 and "IT-chefen" in r.output and "klar" in r.output
    r = run("plans", "edit", plan["id"], ansvar["id"], "--revision", 0, "--owner", "x")
    assert r.exit_code == 2 and "revision 1" in r.output
    r = run("plans", "list")
    assert r.exit_code == 0 and "Plan 2024" in r.output and "done 1" in r.output
    r = run("plans", "show", plan["id"], "--lang", "en")
    assert r.exit_code == 0 and "Backlog" in r.output
    r = run("plans", "followup", plan["id"], "--json")
    assert r.exit_code == 0
    fu = json.loads(r.output)
    assert {a["question"]: a["effect"] for a in fu["actions"]} == EXPECTED_EFFECTS
    r = run("plans", "followup", plan["id"], "--lang", "en")
    assert r.exit_code == 0 and "⚑" in r.output and "not comparable" in r.output
    r = run("plans", "summary", "--round", "Plan 2024")
    assert r.exit_code == 0 and "Enhet A" in r.output
    out = tmp_path / "uppfoljning.html"
    r = run("plans", "summary", "--round", "Plan 2024", "--format", "html", "--out", out)
    assert r.exit_code == 0 and 'data-effect="met"' in out.read_text(encoding="utf-8")
    pdf = tmp_path / "plan.pdf"
    r = run("plans", "report", plan["id"], "--format", "pdf", "--out", pdf)
    assert r.exit_code == 0 and pdf.read_bytes().startswith(b"%PDF")
    xlsx = tmp_path / "fu.xlsx"
    r = run("plans", "report", plan["id"], "--format", "followup-xlsx", "--out", xlsx)
    assert r.exit_code == 0 and xlsx.stat().st_size > 0


def test_bad_input_exits_2(rounds):
    r = run("plans", "create", "--round", "Plan 2026", "--unit", "C")
    assert r.exit_code == 2 and "inskickat" in r.output
    r = run("plans", "create", "--round", "Ingen sådan", "--unit", "A")
    assert r.exit_code == 2 and "not found" in r.output
    r = run("plans", "create", "--round", "Plan 2024", "--unit", "A", "--start", "2024H9")
    assert r.exit_code == 2 and "start" in r.output
    r = run("plans", "show", 999)
    assert r.exit_code == 2 and "999" in r.output
    r = run("plans", "edit", 999, 1, "--revision", 0)
    assert r.exit_code == 2 and "ändra" in r.output
