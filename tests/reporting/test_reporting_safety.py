"""Hostile text in unit names, comments and evidence: escaped in HTML and PDF,
neutralised in XLSX and CSV. Plus empty rounds and draft-only rounds."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from click.testing import CliRunner

from tests.reporting.reporting_helpers import attribute_names, data_values, service_actor, tag_names
from survey_engine.services.demo import UNITS, answers_for
from survey_engine.services import reports as service
from survey_engine.scoring import score_response
from survey_engine.errors import Invalid, NotFound
from survey_engine.services import questionnaires, responses, rounds, units
from survey_engine.services.units import UnitInput

ACTOR = service_actor()

XSS_NAME = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
FORMULA_NAME = '=HYPERLINK("http://evil.example","klicka")'
FORMULA_COMMENT = "=1+2*cmd|' /C calc'!A0"
FORMULA_EVIDENCE = "@SUM(A1:A9)"
XSS_COMMENT = "<b onmouseover=alert(2)>hej</b>"
TODAY = dt.date(2026, 11, 29)


async def _setup(questionnaires_dir, submit: bool = True):
    path = questionnaires_dir / "mcf-cybersakerhet" / "2026.1.yaml"
    await questionnaires.publish_questionnaire(path.read_text(encoding="utf-8"), actor=ACTOR, source=str(path))
    _, q = await questionnaires.get_questionnaire("mcf-cybersakerhet", "2026.1")
    await units.import_units([UnitInput("XSS", XSS_NAME, 10.0), UnitInput("FORM", FORMULA_NAME, 30.0),
                              UnitInput("NONE", "Ej påbörjad", 5.0)], actor=ACTOR)
    rnd = await rounds.create_round("Test <2026>", "mcf-cybersakerhet", "2026.1", ["XSS", "FORM", "NONE"], actor=ACTOR)
    await rounds.open_round(rnd.id, actor=ACTOR)
    results = {}
    for code, demo_unit in (("XSS", UNITS[0]), ("FORM", UNITS[7])):
        state, _ = await responses.start_response(rnd.id, code, actor=ACTOR)
        values, _, _ = answers_for(q, demo_unit, 2026, demo_unit.maturity)
        first = next(iter(k for k in values if q.question(k).type == "choice"))
        state = await responses.save_answers(
            state.id, state.revision, values,
            comments={first: FORMULA_COMMENT if code == "FORM" else XSS_COMMENT},
            evidence={first: FORMULA_EVIDENCE}, actor=ACTOR)
        if submit:
            await responses.submit_response(state.id, actor=ACTOR, revision=state.revision)
        results[code] = score_response(q, values)
    return rnd.id, q, results


async def test_xss_in_names_and_comments_is_escaped_in_html(db, questionnaires_dir):
    rid, q, results = await _setup(questionnaires_dir)
    for content, _, _ in (await service.city_report(rid, "html", today=TODAY),
                          await service.unit_report(rid, "XSS", "html", today=TODAY)):
        html = content.decode()
        assert "<script" not in html and "<img" not in html and "onerror=alert(1)>" not in html
        assert "&lt;script&gt;" in html  # the name is shown, as text
        assert not {"script", "img", "b"} & tag_names(html)
        assert not {"onerror", "onmouseover"} & attribute_names(html)
        assert "Test &lt;2026&gt;" in html
    v = data_values((await service.unit_report(rid, "XSS", "html", today=TODAY))[0].decode())
    assert v["overall.percent"] == results["XSS"].overall.percent


async def test_formulas_are_neutralised_in_xlsx_and_csv(db, questionnaires_dir):
    from openpyxl import load_workbook

    rid, q, _ = await _setup(questionnaires_dir)
    wb = load_workbook(io.BytesIO((await service.city_report(rid, "xlsx", today=TODAY))[0]))
    texts = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "'" + FORMULA_NAME in texts and "'" + FORMULA_COMMENT in texts and "'" + FORMULA_EVIDENCE in texts
    assert XSS_COMMENT in texts  # plain text in a spreadsheet: kept as it is
    assert not any(t.startswith(("=", "+", "-", "@")) for t in texts)
    # no cell is stored as a formula
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
    for table in ("scores", "answers"):
        text = (await service.city_report(rid, "csv", today=TODAY, csv_table=table))[0].decode()
        cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
        assert "'" + FORMULA_NAME in cells
        assert not any(c.startswith(("=", "+", "@")) for c in cells)
    unit_csv = (await service.unit_report(rid, "FORM", "csv", today=TODAY, csv_table="answers"))[0].decode()
    assert "'" + FORMULA_COMMENT in [c for row in csv.reader(io.StringIO(unit_csv)) for c in row]


async def test_pdf_with_hostile_text_is_made(db, questionnaires_dir):
    from pypdf import PdfReader

    rid, _, _ = await _setup(questionnaires_dir)
    content = (await service.unit_report(rid, "XSS", "pdf", today=TODAY))[0]
    reader = PdfReader(io.BytesIO(content))
    assert '<script>alert("x")</script>' in reader.pages[0].extract_text()
    assert reader.outline[0].title == "Sammantaget"


async def test_anonymised_export_leaves_names_and_notes_out(db, questionnaires_dir, monkeypatch):
    monkeypatch.setenv("MIN_GROUP_SIZE", "2")  # two units here; tests/security covers the limit
    rid, _, _ = await _setup(questionnaires_dir)
    text = (await service.anonymised(rid))[0].decode()
    for secret in ("script", "HYPERLINK", "cmd|", "SUM(A1", "onmouseover", '"XSS"', '"FORM"', "Test <2026>"):
        assert secret not in text
    assert json.loads(text)["units_combined"] == 2


async def test_draft_only_round_needs_include_drafts(db, questionnaires_dir):
    rid, q, results = await _setup(questionnaires_dir, submit=False)
    with pytest.raises(Invalid, match="include-drafts"):
        await service.city_report(rid, "html", today=TODAY)
    with pytest.raises(Invalid):
        await service.anonymised(rid)
    doc = json.loads((await service.city_report(rid, "json", include_drafts=True, today=TODAY))[0])
    assert doc["rollup"]["units"] == ["XSS", "FORM"]
    unit = json.loads((await service.unit_report(rid, "XSS", "json", today=TODAY))[0])
    assert unit["unit"]["source"] == "live" and unit["scores"] == results["XSS"].to_dict()
    assert "inte inskickat" in unit["unit"]["source_text"]


async def test_empty_round_and_unknown_things(db, questionnaires_dir):
    path = questionnaires_dir / "mcf-cybersakerhet" / "2026.1.yaml"
    await questionnaires.publish_questionnaire(path.read_text(encoding="utf-8"), actor=ACTOR, source=str(path))
    await units.import_units([UnitInput("A", "Enhet A", 1.0)], actor=ACTOR)
    rnd = await rounds.create_round("Tom", "mcf-cybersakerhet", "2026.1", ["A"], actor=ACTOR)
    with pytest.raises(Invalid, match="inga inskickade svar"):
        await service.city_report(rnd.id, "html")
    with pytest.raises(Invalid, match="har inte börjat svara"):
        await service.unit_report(rnd.id, "A", "html")
    with pytest.raises(NotFound):
        await service.unit_report(rnd.id, "B", "html")
    with pytest.raises(NotFound):
        await service.city_report(rnd.id + 100, "html")
    with pytest.raises(Invalid, match="format"):
        await service.city_report(rnd.id, "docx")
    with pytest.raises(Invalid, match="språk"):
        await service.city_report(rnd.id, "html", lang="de")


def test_cli_empty_round_exits_2(db, tmp_path):
    # the database is empty here: no rounds at all
    from survey_engine.cli import main

    r = CliRunner().invoke(main, ["report", "all", "--round", "1", "--out", str(tmp_path)])
    assert r.exit_code == 2 and "Traceback" not in r.output and "not found" in r.output


async def test_reports_by_role(db, questionnaires_dir, monkeypatch):
    monkeypatch.setenv("MIN_GROUP_SIZE", "2")  # two units here
    from survey_engine.errors import PermissionDenied
    from survey_engine.services.policy import Principal, Role

    rid, _, _ = await _setup(questionnaires_dir)
    respondent = Principal("r", Role.RESPONDENT, frozenset({"XSS"}))
    planner = Principal("p", Role.PLANNER)
    analyst = Principal("a", Role.ANALYST)
    assert (await service.unit_report(rid, "XSS", "xlsx", actor=respondent))[0]
    with pytest.raises(PermissionDenied):
        await service.unit_report(rid, "FORM", "html", actor=respondent)
    for fmt in ("html", "json"):
        with pytest.raises(PermissionDenied):
            await service.city_report(rid, fmt, actor=respondent)
    with pytest.raises(PermissionDenied):
        await service.anonymised(rid, actor=respondent)
    assert (await service.city_report(rid, "html", actor=planner))[0]
    with pytest.raises(PermissionDenied):
        await service.city_report(rid, "xlsx", actor=planner)
    with pytest.raises(PermissionDenied):
        await service.anonymised(rid, actor=planner)
    assert (await service.city_report(rid, "xlsx", actor=analyst))[0]
    assert (await service.anonymised(rid, actor=analyst))[0]
    skipped = []
    made = [code async for code, _ in service.unit_reports(rid, "json", actor=respondent,
                                                            on_skip=lambda c, why: skipped.append((c, why)))]
    assert made == ["XSS"] and ("FORM", "not_allowed") in skipped


async def test_unreadable_snapshot_falls_back_to_live_scores(db, questionnaires_dir):
    from survey_engine.store.tables import ScoreSnapshot

    rid, _, results = await _setup(questionnaires_dir)
    await ScoreSnapshot.update({ScoreSnapshot.result: json.dumps({"old": "shape"})}, force=True)
    doc = json.loads((await service.unit_report(rid, "XSS", "json"))[0])
    assert doc["unit"]["source"] == "live" and "sparade poängen" in doc["unit"]["source_text"]
    assert doc["scores"] == results["XSS"].to_dict()
