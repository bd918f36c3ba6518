"""Indicators through the command line and the services on a real database: the
three commands of docs/indicators.md §3 on a fresh database, all-or-nothing imports,
no person identifier anywhere, lagging units, acting on them, and measured answers."""
from __future__ import annotations

import json
import logging

import pytest
from click.testing import CliRunner

from tests.indicators.indicator_samples import ADMIN, ANALYST, AUDITOR, FLAGSHIP, PERSON_IDS, PERSONS_CSV, PLANNER, SMALL, UNITS_CSV
from survey_engine.cli import main
from survey_engine.errors import Conflict, Invalid, NotFound, PermissionDenied
from survey_engine.services import indicators
from survey_engine.services.policy import Principal, Role
from tests.helpers.auth import ensure_units


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_the_three_commands_on_a_fresh_database(db, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    (tmp_path / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    assert run("units", "import", tmp_path / "units.csv").exit_code == 0
    r = run("indicators", "publish", FLAGSHIP)
    assert r.exit_code == 0 and "utbildning-grund" in r.output, r.output
    # aggregate file: March; person rows: February (semicolons, the documented example)
    agg = "unit,period,numerator,denominator\nKF,2026-03,540,600\nMF,2026-03,300,350\nSF1,2026-03,400,700\nSF2,2026-03,600,700\n"
    (tmp_path / "agg.csv").write_text(agg, encoding="utf-8")
    (tmp_path / "persons.csv").write_text(PERSONS_CSV, encoding="utf-8")
    r = run("indicators", "import", tmp_path / "agg.csv", "--indicator", "utbildning-grund")
    assert r.exit_code == 0, r.output
    r = run("indicators", "import", tmp_path / "persons.csv", "--indicator", "utbildning-grund", "--period", "2026-03")
    assert r.exit_code == 0, r.output  # replaces KF and MF of March
    r = run("indicators", "show", "utbildning-grund", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert set(data) == {"indicator", "kind", "direction", "target", "series"}
    assert (data["indicator"], data["kind"], data["direction"], data["target"]) == ("utbildning-grund", "share", "up", 0.9)
    assert [e["period"] for e in data["series"]] == ["2026-03"]
    units = data["series"][0]["units"]
    expected = {"KF": (1, 4), "MF": (1, 1), "SF1": (400, 700), "SF2": (600, 700)}
    assert {c: (u["numerator"], u["denominator"]) for c, u in units.items()} == expected
    for u in units.values():
        assert abs(u["value"] - u["numerator"] / u["denominator"]) < 1e-6
    num, den = sum(n for n, _ in expected.values()), sum(d for _, d in expected.values())
    total = data["series"][0]["total"]
    assert (total["numerator"], total["denominator"]) == (num, den)
    assert abs(total["value"] - num / den) < 1e-6
    # no person identifier in the output, the logs or the audit log
    import asyncio

    everything = r.output + caplog.text + asyncio.run(_dump_database())
    assert "indicator.import" in everything  # the audit events are in the dump
    for pid in PERSON_IDS:
        assert pid not in everything


async def _dump_database() -> str:
    """Every row of every table as text."""
    from piccolo.conf.apps import Finder

    out = []
    for table in Finder().get_table_classes():
        for row in await table.select():
            out.append(json.dumps(row, default=str, ensure_ascii=False))
    return "\n".join(out)


async def _setup():
    from tests.indicators.indicator_samples import setup_units

    await setup_units()
    await indicators.publish(SMALL, actor=ADMIN, source="small.yaml")


async def test_no_person_id_in_database_logs_or_audit(db, caplog):
    from survey_engine.services import audit

    caplog.set_level(logging.DEBUG)
    await _setup()
    await indicators.import_measurements("kurs", PERSONS_CSV.encode(), actor=ADMIN, period="2026-03")
    with pytest.raises(Invalid) as info:
        await indicators.import_measurements("kurs", PERSONS_CSV + "XX;anv-0950;2025-01-01\n", actor=ADMIN, period="2026-03")
    events = await audit.list_events()
    assert {e.action for e in events} >= {"indicator.import", "indicator.import.rejected"}
    text = await _dump_database() + caplog.text + json.dumps(info.value.to_dict(), ensure_ascii=False) + \
        json.dumps([e.details for e in events], ensure_ascii=False)
    for pid in PERSON_IDS:
        assert pid not in text
    assert any(e.details.get("rows") == 2 for e in events if e.action == "indicator.import")


async def test_import_is_all_or_nothing_and_replaces(db):
    from survey_engine.store.indicator_tables import IndicatorImport, IndicatorMeasurement

    await _setup()
    good = "unit,period,numerator,denominator\nKF,2026-01,5,10\nMF,2026-01,6,10\n"
    summary = await indicators.import_measurements("kurs", good, actor=ADMIN)
    assert summary.rows == 2 and summary.replaced == 0
    before = await IndicatorMeasurement.select().order_by(IndicatorMeasurement.id)
    bad = "unit,period,numerator,denominator\nKF,2026-01,9,10\nMF,2026-02,6,10\nSF,2026-02,11,10\nQQ,2026-02,1,1\n"
    with pytest.raises(Invalid) as info:
        await indicators.import_measurements("kurs", bad, actor=ADMIN)
    assert [e["line"] for e in info.value.errors] == [4, 5]
    assert info.value.status_code == 422
    assert await IndicatorMeasurement.select().order_by(IndicatorMeasurement.id) == before
    assert await IndicatorImport.count() == 1
    again = "unit,period,numerator,denominator\nKF,2026-01,9,10\n"
    summary = await indicators.import_measurements("kurs", again, actor=ADMIN)
    assert summary.replaced == 1
    shown = await indicators.show("kurs", actor=ADMIN)
    assert shown.series[0].units["KF"].numerator == 9
    assert shown.series[0].total.to_dict() == {"numerator": 15, "denominator": 20, "value": 0.75}


async def test_counts_days_and_wrong_layouts(db):
    await _setup()
    await indicators.import_measurements("incidenter", "unit;period;value\nKF;2025;3\nSF1;2025;4\nSF2;2025;5\n", actor=ADMIN)
    shown = await indicators.show("incidenter", actor=ADMIN)
    assert shown.series[0].total.to_dict() == {"value": 12.0}
    await indicators.import_measurements("patchdagar", "unit;period;value\nKF;2026-01;10\nMF;2026-01;20\nSF;2026-01;12\n",
                                         actor=ADMIN)
    assert (await indicators.show("patchdagar", actor=ADMIN)).series[0].total.value == pytest.approx(14.0)
    with pytest.raises(Invalid) as info:
        await indicators.import_measurements("incidenter", PERSONS_CSV, actor=ADMIN, period="2025")
    assert info.value.errors[0]["line"] == 1
    with pytest.raises(NotFound):
        await indicators.import_measurements("finns-inte", "unit,period,value\n", actor=ADMIN)


async def test_publish_rules_and_permissions(db):
    await _setup()
    summary, created = await indicators.publish(SMALL, actor=ADMIN)
    assert not created and "kurs" in summary.indicators
    with pytest.raises(Conflict):
        await indicators.publish(SMALL.replace("target: 0.9", "target: 0.8"), actor=ADMIN)
    newer, created = await indicators.publish(SMALL.replace('"2026.1"', '"2026.2"').replace("target: 0.9", "target: 0.8"),
                                              actor=ADMIN)
    assert created and (await indicators.get_definition("kurs")).target == 0.8
    with pytest.raises(Conflict):  # an id of another family
        await indicators.publish(SMALL.replace("id: test-indikatorer", "id: andra"), actor=ADMIN)
    with pytest.raises(Invalid) as info:
        await indicators.publish(SMALL.replace("kind: share\n    direction: up", "kind: share\n    direction: upp"),
                                 actor=ADMIN)
    assert info.value.errors[0]["line"] > 1
    for who in (PLANNER, AUDITOR, Principal("r", Role.RESPONDENT, frozenset({"KF"}))):
        with pytest.raises(PermissionDenied):
            await indicators.publish(SMALL, actor=who)
        with pytest.raises(PermissionDenied):
            await indicators.import_measurements("kurs", "unit,period,numerator,denominator\nKF,2026-01,1,2\n", actor=who)
    await indicators.import_measurements("kurs", "unit,period,numerator,denominator\nKF,2026-01,1,2\nMF,2026-01,1,2\n",
                                         actor=ANALYST)
    mine = await indicators.show("kurs", actor=Principal("r", Role.RESPONDENT, frozenset({"KF"})))
    assert set(mine.series[0].units) == {"KF"} and mine.series[0].total.denominator == 4
    with pytest.raises(PermissionDenied):
        await indicators.lagging_units("kurs", actor=Principal("r", Role.RESPONDENT, frozenset({"KF"})))


def test_cli_errors_exit_2_with_lines(db, tmp_path):
    (tmp_path / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    run("units", "import", tmp_path / "units.csv")
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text(SMALL.replace("target: 0.9", "target: nio"), encoding="utf-8")
    r = run("indicators", "publish", bad_yaml)
    assert r.exit_code == 2 and "rad/line" in r.output and "target" in r.output
    (tmp_path / "small.yaml").write_text(SMALL, encoding="utf-8")
    assert run("indicators", "publish", tmp_path / "small.yaml").exit_code == 0
    (tmp_path / "bad.csv").write_text("unit,period,numerator,denominator\nKF,2026-1,1,2\n", encoding="utf-8")
    r = run("indicators", "import", tmp_path / "bad.csv", "--indicator", "kurs")
    assert r.exit_code == 2 and "period (rad/line 2)" in r.output
    r = run("indicators", "import", tmp_path / "missing.csv", "--indicator", "kurs")
    assert r.exit_code == 2 and "Traceback" not in r.output
    r = run("indicators", "show", "okand", "--format", "json")
    assert r.exit_code == 2


async def test_lagging_units_and_acting_on_them(db):
    from tests.plans.plan_samples import setup_rounds
    from survey_engine.services import plans, users
    from survey_engine.services.views import Contact

    ids = await setup_rounds()  # units K > A, B, C (questionnaire family planfam)
    await indicators.publish(SMALL, actor=ADMIN)
    await ensure_units("A")
    await users.create_user("tests", "rut", Role.RESPONDENT, units=("A",), email="rut@example.se", display_name="Rut A")
    await indicators.import_measurements("kurs", "unit,period,numerator,denominator\nA,2026-01,50,100\nB,2026-01,95,100\n"
                                         "C,2026-01,80,100\nA,2026-02,60,100\n", actor=ADMIN)
    lag = await indicators.lagging_units("kurs", actor=PLANNER)
    assert lag.period == "2026-02"  # the latest: only A measured
    assert [u.code for u in lag.units] == ["A"]
    jan = await indicators.lagging_units("kurs", actor=PLANNER, period="2026-01")
    assert [(u.code, round(u.gap, 6)) for u in jan.units] == [("A", 0.4), ("C", 0.1)]
    assert jan.units[0].contacts == (Contact("rut", "Rut A", "rut@example.se"),)
    with pytest.raises(Conflict) as info:  # no plan for A yet
        await indicators.act_on_lagging("kurs", "A", actor=PLANNER)
    assert "plan" in info.value.message
    plan = await plans.create_plan(ADMIN, ids["r24"], "A", start="2024H2")
    out = await indicators.act_on_lagging("kurs", "A", actor=PLANNER, owner="Förvaltningschefen")
    assert out.plan_id == plan.id
    action = next(a for a in out.plan.actions if a.id == out.action_id)
    assert "60,0 %" in action.title and action.owner == "Förvaltningschefen"
    with pytest.raises(Conflict):  # B meets the target in January
        await indicators.act_on_lagging("kurs", "B", actor=PLANNER, period="2026-01")
    with pytest.raises(PermissionDenied):
        await indicators.act_on_lagging("kurs", "A", actor=AUDITOR)


async def test_measured_value_prefills_and_button(db):
    from tests.survey_samples import setup_round
    from survey_engine.services import responses

    rnd = await setup_round(units=("a", "b"))
    await indicators.publish(SMALL, actor=ADMIN)
    await indicators.import_measurements("kurs", "unit,period,numerator,denominator\na,2026-01,170,200\n", actor=ADMIN)
    state, created = await responses.start_response(rnd.id, "a", actor=ADMIN)
    assert created
    answer = state.answers.get("antal")
    assert answer is not None and answer.value == 85
    assert "Lärplattformen" in answer.evidence and "2026-01" in answer.evidence
    history, _ = await responses.answer_history(state.id, "antal", actor=ADMIN)
    assert history[0].actor == "indikator:kurs@2026-01" and history[0].new_value == 85
    # the respondent may change it; the button fetches the newer figure later
    state = await responses.save_answers(state.id, state.revision, {"antal": 40}, actor=ADMIN)
    await indicators.import_measurements("kurs", "unit,period,numerator,denominator\na,2026-02,181,200\n", actor=ADMIN)
    state = await responses.fill_measured_value(state.id, "antal", actor=ADMIN)
    assert state.answers["antal"].value == 90.5 and "2026-02" in state.answers["antal"].evidence
    with pytest.raises(NotFound):
        await responses.fill_measured_value(state.id, "risk", actor=ADMIN)
    other, _ = await responses.start_response(rnd.id, "b", actor=ADMIN)  # no data for b
    assert other.answers.get("antal") is None or other.answers["antal"].value is None


async def test_city_report_shows_the_measured_indicators(db):
    from tests.plans.plan_samples import setup_rounds
    from survey_engine.services import reports

    ids = await setup_rounds()  # units K > A, B, C
    await indicators.publish(SMALL, actor=ADMIN)
    await indicators.import_measurements("kurs", "unit,period,numerator,denominator\nA,2026-01,50,100\nB,2026-01,95,100\n",
                                         actor=ADMIN)
    content, _, _ = await reports.city_report(ids["r24"], "json", actor=ADMIN)
    model = json.loads(content)
    row = next(r for r in model["indicators"] if r["indicator"]["id"] == "kurs")
    assert row["period"] == "2026-01" and row["total"] == {"numerator": 145, "denominator": 200, "value": 0.725}
    assert [u["code"] for u in row["below"]] == ["A"]
    html, _, _ = await reports.city_report(ids["r24"], "html", actor=ADMIN)
    text = html.decode()
    assert 'id="indicators"' in text and "72,5" in text and "Enhet A 50,0" in text
