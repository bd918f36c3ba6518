"""`survey-engine score | rollup | plan`: JSON contracts, text tables, exit 2 on bad input."""
from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Literal

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict

from survey_engine.cli import main
from tests.helpers.questionnaires import jdn_scale, questionnaire_yaml
from survey_engine.planning import make_plan, next_half_year, priorities
from survey_engine.questionnaire.answers import load_answers
from survey_engine.questionnaire.load import load_questionnaire, parse_questionnaire
from survey_engine.scoring import rollup, score_response
from survey_engine.scoring.synthetic import random_answers

QUESTIONNAIRE_YAML = questionnaire_yaml("cli-test", "2026.1", """
  - id: ledning
    title: {sv: Ledning, en: Management}
    target_level: 3
    questions:
      - {id: l1, type: choice, scale: jnd, level: 1, text: {sv: Finns en policy, en: Is there a policy}}
      - {id: l2, type: choice, scale: jnd, level: 2, weight: 2, statutory: true, effort: 3,
         text: {sv: Följs policyn upp, en: Is the policy followed up},
         show_if: {question: l1, in: [ja, delvis]}}
      - {id: l3, type: number, level: 3, min: 0, max: 100, unit: "%",
         bands: [{min: 90, credit: 1}, {min: 50, credit: 0.5}, {min: 0, credit: 0}],
         text: {sv: Andel utbildade, en: Share trained}}
      - {id: l4, type: text, required: false, text: {sv: Kommentar, en: Comment}}
  - id: incident
    title: {sv: Incidenthantering, en: Incident management}
    weight: 2
    questions:
      - {id: i1, type: multi, level: 1, effort: 4,
         options: [{value: a, label: {sv: A, en: A}}, {value: b, label: {sv: B, en: B}, weight: 3}],
         text: {sv: Vilka rutiner finns, en: Which routines exist}}
      - {id: i2, type: choice, scale: jnd, level: 2, required: false,
         text: {sv: Övas rutinerna, en: Are the routines practised},
         show_if: {any: [{question: i1, includes: b}, {question: l3, min: 50}]}}
""", target_level=2,
                                        scales=jdn_scale("jnd", not_applicable="na"))


class QuestionnaireShape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    id: str
    version: str
    hash: str


class AreaShape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    id: str
    assessed: bool
    level: int | None
    percent: float | None
    target_level: int
    gap: int | None
    next_level_progress: float | None


class OverallShape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    level: int | None
    percent: float | None
    completeness: float
    unknown_count: int


class QuestionShape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    id: str
    area: str
    status: Literal["answered", "missing", "hidden", "not_applicable", "unscored"]
    included: bool
    credit: float | None
    met: bool | None
    unknown: bool


class ScoreShape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    questionnaire: QuestionnaireShape
    overall: OverallShape
    areas: list[AreaShape]
    questions: list[QuestionShape]


class RollupOverallShape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    level: int | None
    percent: float | None


class RollupQuestionShape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    id: str
    area: str
    included: bool
    credit: float | None
    met: bool | None


class RollupShape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    questionnaire: QuestionnaireShape
    overall: RollupOverallShape
    areas: list[AreaShape]
    questions: list[RollupQuestionShape]


class PriorityShape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    question: str
    area: str
    level: int
    credit: float
    priority: float
    kind: Literal["improve", "investigate"]


class PeriodShape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    period: str
    effort: int
    actions: list[str]


class PlanShape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    priorities: list[PriorityShape]
    periods: list[PeriodShape]
    backlog: list[str]


QUESTIONNAIRE = parse_questionnaire(QUESTIONNAIRE_YAML, "cli-test.yaml")


def write_files(folder: Path, answer_sets: list[dict]) -> tuple[str, list[str]]:
    qpath = folder / "q.yaml"
    qpath.write_text(QUESTIONNAIRE_YAML, encoding="utf-8")
    paths = []
    for i, answers in enumerate(answer_sets):
        p = folder / f"a{i}.json"
        p.write_text(json.dumps({"questionnaire": "cli-test", "version": "2026.1", "answers": answers}),
                     encoding="utf-8")
        paths.append(str(p))
    return str(qpath), paths


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    # a crash would surface as an exception other than SystemExit
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


answer_sets = st.randoms(use_true_random=False).map(
    lambda rng: random_answers(QUESTIONNAIRE, rng, p_missing=rng.choice([0.0, 0.3, 0.7])))
CLI_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@CLI_SETTINGS
@given(answer_sets)
def test_score_json_round_trips_through_the_documented_shape(answers):
    with tempfile.TemporaryDirectory() as tmp:
        qpath, (apath,) = write_files(Path(tmp), [answers])
        result = run("score", qpath, apath, "--format", "json")
        assert result.exit_code == 0, result.output
        printed = json.loads(result.stdout)
        ScoreShape.model_validate(printed)
        q = load_questionnaire(qpath)
        assert printed == score_response(q, load_answers(apath, q)).to_dict()
        assert printed["questionnaire"]["hash"] == q.hash and q.hash.startswith("sha256:")


@CLI_SETTINGS
@given(st.lists(answer_sets, min_size=1, max_size=3), st.sampled_from(["weakest", "mean"]))
def test_rollup_json_round_trips(answers_list, method):
    weights = [str(i + 1) for i in range(len(answers_list))]
    with tempfile.TemporaryDirectory() as tmp:
        qpath, paths = write_files(Path(tmp), answers_list)
        result = run("rollup", qpath, *paths, "--method", method, "--weights", ",".join(weights),
                     "--format", "json")
        assert result.exit_code == 0, result.output
        printed = json.loads(result.stdout)
        RollupShape.model_validate(printed)
        q = load_questionnaire(qpath)
        expected = rollup(q, [score_response(q, load_answers(p, q)) for p in paths], method,
                          [float(w) for w in weights])
        assert printed == expected.to_dict()


@CLI_SETTINGS
@given(answer_sets, st.integers(1, 6), st.integers(0, 12))
def test_plan_json_round_trips(answers, periods, capacity):
    with tempfile.TemporaryDirectory() as tmp:
        qpath, (apath,) = write_files(Path(tmp), [answers])
        result = run("plan", qpath, apath, "--start", "2026H2", "--periods", str(periods),
                     "--capacity", str(capacity), "--format", "json")
        assert result.exit_code == 0, result.output
        printed = json.loads(result.stdout)
        PlanShape.model_validate(printed)
        q = load_questionnaire(qpath)
        r = score_response(q, load_answers(apath, q))
        assert printed == make_plan(q, priorities(q, r), "2026H2", periods, capacity).to_dict()
        assert len(printed["periods"]) == periods


def test_plan_default_start_is_the_next_half_year(tmp_path):
    qpath, (apath,) = write_files(tmp_path, [{"l1": "nej"}])
    printed = json.loads(run("plan", qpath, apath, "--format", "json").stdout)
    assert printed["periods"][0]["period"] == next_half_year(date.today())
    assert len(printed["periods"]) == 4


def test_text_output_in_swedish_and_english(tmp_path):
    qpath, (apath,) = write_files(tmp_path, [{"l1": "ja", "l2": "ja", "l3": 40, "i1": ["a"]}])
    sv = run("score", qpath, apath).stdout
    assert "Ledning" in sv and "2 Systematiskt" in sv and "Incidenthantering" in sv
    assert "Mål" in sv and "0 Ingen nivå" in sv
    en = run("score", qpath, apath, "--format", "text", "--lang", "en").stdout
    assert "Management" in en and "2 Systematic" in en and "Target" in en
    plan = run("plan", qpath, apath, "--start", "2026H1", "--lang", "en").stdout
    assert "2026H1" in plan and "2027H2" in plan and "i1" in plan and "backlog" in plan
    roll = run("rollup", qpath, apath, apath, "--method", "mean").stdout
    assert "Sammanvägning av 2 enheter" in roll


@pytest.mark.parametrize("command", ["score", "plan", "rollup"])
def test_invalid_questionnaire_exits_2_naming_the_problem(tmp_path, command):
    bad = tmp_path / "bad.yaml"
    bad.write_text(QUESTIONNAIRE_YAML.replace("scale: jnd, level: 1, text: {sv: Finns",
                                              "scale: nosuch, level: 1, text: {sv: Finns"), encoding="utf-8")
    _, (apath,) = write_files(tmp_path, [{}])
    result = run(command, str(bad), apath, "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "bad.yaml" in result.stderr and "nosuch" in result.stderr
    assert "areas[0].questions[0].scale" in result.stderr


@pytest.mark.parametrize("answers, needle", [
    ({"nosuch": "ja"}, "nosuch"),
    ({"l1": "kanske"}, "l1"),
    ({"l3": 1000}, "l3"),
    ({"i1": ["a", "a"]}, "i1"),
])
def test_invalid_answers_exit_2_naming_the_question(tmp_path, answers, needle):
    qpath, (apath,) = write_files(tmp_path, [answers])
    for command in (["score", qpath, apath], ["plan", qpath, apath], ["rollup", qpath, apath, apath]):
        result = run(*command)
        assert result.exit_code == 2
        assert needle in result.stderr and "a0.json" in result.stderr


def test_answers_for_another_version_and_broken_json(tmp_path):
    qpath, (apath,) = write_files(tmp_path, [{}])
    other = tmp_path / "other.json"
    other.write_text('{"questionnaire": "cli-test", "version": "2025.1", "answers": {}}', encoding="utf-8")
    result = run("score", qpath, str(other))
    assert result.exit_code == 2 and "2025.1" in result.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"questionnaire": "cli-test",\n "version": }', encoding="utf-8")
    result = run("score", qpath, str(broken))
    assert result.exit_code == 2 and "broken.json" in result.stderr and "JSON" in result.stderr
    result = run("score", str(tmp_path / "missing.yaml"), apath)
    assert result.exit_code == 2 and "missing.yaml" in result.stderr


@pytest.mark.parametrize("weights, needle", [
    ("1", "1 "),  # one weight for two files
    ("1,2,3", "3 "),
    ("1,x", "'x'"),
    ("1,-2", "-2"),
    ("1,0", "0"),
    ("1,nan", "nan"),
    ("1,", "''"),
])
def test_bad_weights_exit_2(tmp_path, weights, needle):
    qpath, paths = write_files(tmp_path, [{}, {}])
    result = run("rollup", qpath, *paths, "--weights", weights)
    assert result.exit_code == 2
    assert "--weights" in result.stderr and needle in result.stderr


@pytest.mark.parametrize("start", ["2026H3", "2026", "H1-2026", "2026h1"])
def test_bad_start_exits_2(tmp_path, start):
    qpath, (apath,) = write_files(tmp_path, [{}])
    result = run("plan", qpath, apath, "--start", start)
    assert result.exit_code == 2 and "--start" in result.stderr and start in result.stderr


def test_no_traceback_from_the_real_command(tmp_path):
    """The installed entry point, in a separate process, on a broken questionnaire."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nid: x\nareas: [\n", encoding="utf-8")
    answers = tmp_path / "a.json"
    answers.write_text("{}", encoding="utf-8")
    proc = subprocess.run([str(Path(sys.executable).parent / "survey-engine"), "score", str(bad),
                           str(answers)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "bad.yaml" in proc.stderr


def test_random_answers_are_valid_for_the_fixture():
    from survey_engine.questionnaire.answers import check_answers

    rng = random.Random(7)
    for _ in range(50):
        assert check_answers(QUESTIONNAIRE, random_answers(QUESTIONNAIRE, rng)) == []
