"""Reports on the demo (Malmö stad, 13 förvaltningar and 2 bolag, rounds 2024 and 2026): every
figure read back out of the HTML, XLSX, CSV and JSON equals the engine's for the same
answers, computed here independently (answers read through the services and scored
with `score_response` / `rollup` / `priorities` / `area_follow_up`).

The demo takes about 10 s to load, so it is loaded once for this module (which
therefore uses no per-test `db` fixture: that would empty the tables)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import statistics

import pytest
from click.testing import CliRunner

from tests.reporting.reporting_helpers import data_values, engine_inputs, notes_of
from survey_engine.services.demo import DRAFT_2026, NOT_STARTED_2026, load_demo
from survey_engine.planning import area_follow_up, priorities
from survey_engine.services import reports as service
from survey_engine.reporting.city_report import build_city_report
from survey_engine.services.round_results import load_report_data
from survey_engine.reporting.render import render_html
from survey_engine.reporting.unit_report import build_unit_report
from survey_engine.scoring import rollup, score_response


TODAY = dt.date(2026, 11, 29)


class Engine:
    """The engine's figures for one round, computed without the reporting package."""

    def __init__(self, q, units, status, results, answers):
        self.q, self.units, self.status, self.results, self.answers = q, units, status, results, answers

    def submitted(self):
        return [u for u in self.units if self.status.get(u["code"]) == "submitted"]

    def rollup(self, method):
        units = self.submitted()
        return rollup(self.q, [self.results[u["code"]] for u in units], method=method,
                      weights=[u["weight"] for u in units])


async def engine_round(round_id: int) -> Engine:
    q, units, status, answers = await engine_inputs(round_id)
    results = {code: score_response(q, values) for code, values in answers.items()}
    return Engine(q, units, status, results, answers)


@pytest.fixture(scope="module")
async def demo(migrated_db):
    from tests.support import QUESTIONNAIRES, empty_database

    await empty_database()
    ids = (await load_demo(QUESTIONNAIRES, log=lambda *_: None))["rounds"]
    r24, r26 = ids
    yield {"r24": r24, "r26": r26, "e24": await engine_round(r24), "e26": await engine_round(r26)}
    await empty_database()


STATUS_SV = {"answered": "besvarad", "missing": "inte besvarad", "hidden": "visas inte (villkor)",
             "not_applicable": "ej tillämplig", "unscored": "ger inga poäng"}


def near(a, b):
    """Excel holds numbers rounded to 2 decimals for people."""
    if a is None or b is None:
        return a is None and b is None
    return a == pytest.approx(round(b, 2), abs=1e-9)


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return a == pytest.approx(b, rel=1e-12, abs=1e-12)


# ---------------------------------------------------------------- förvaltningsrapport

@pytest.mark.parametrize("code", ["SK", "GRF", "KUF"])  # submitted, draft, draft
async def test_unit_report_html_figures_are_the_engines(demo, code):
    e24, e26 = demo["e24"], demo["e26"]
    html = (await service.unit_report(demo["r26"], code, "html", today=TODAY))[0].decode()
    v = data_values(html)
    result = e26.results[code]

    assert v["unit.code"] == code
    assert v["unit.source"] == ("live" if code in DRAFT_2026 else "snapshot")
    for key in ("level", "percent", "completeness", "unknown_count"):
        assert close(v[f"overall.{key}"], getattr(result.overall, key)), key
    for a in result.areas:
        for key in ("level", "percent", "target_level", "gap", "next_level_progress"):
            assert close(v[f"areas.{a.id}.{key}"], getattr(a, key)), (a.id, key)
        levels = [e26.results[u["code"]].area(a.id) for u in e26.submitted()]
        levels = [x for x in levels if x.assessed]
        assert close(v[f"areas.{a.id}.city_median_level"], statistics.median(x.level for x in levels))
        assert close(v[f"areas.{a.id}.city_median_percent"], statistics.median(x.percent for x in levels))

    top = priorities(e26.q, result)[:10]
    shown = [k.split(".")[1] for k in v if k.startswith("priorities.") and k.endswith(".priority")]
    assert shown == [p.question for p in top]
    for p in top:
        assert close(v[f"priorities.{p.question}.priority"], p.priority)
        assert close(v[f"priorities.{p.question}.credit"], p.credit)

    follow = area_follow_up(e24.q, e24.results[code], e26.q, result)
    assert follow
    for f in follow:
        for key in ("level_before", "level_after", "percent_before", "percent_after", "comparable_share"):
            assert close(v[f"trend.{f.area}.{key}"], getattr(f, key)), (f.area, key)
    # what is missing for the next level: exactly the engine's unmet questions there
    for a in result.areas:
        if not a.assessed or a.next_level_progress is None:
            continue
        unmet = [x.id for x in result.questions if x.area == a.id and x.included and not x.met
                 and e26.q.question(x.id).level == a.level + 1]
        for qid in unmet:
            assert close(v[f"missing.{qid}.credit"], result.question(qid).credit)


async def test_unit_report_json_is_the_engines_result(demo):
    e26 = demo["e26"]
    doc = json.loads((await service.unit_report(demo["r26"], "HVOF", "json", today=TODAY))[0])
    assert doc["scores"] == e26.results["HVOF"].to_dict()
    assert [p["question"] for p in doc["priorities"]] == [p.question for p in priorities(e26.q, e26.results["HVOF"])[:10]]
    assert doc["trend"]["available"] is True
    assert doc["unit"]["source"] == "snapshot"


async def test_unit_report_without_previous_round_says_so(demo):
    html = (await service.unit_report(demo["r24"], "SK", "html", today=TODAY))[0].decode()
    assert "ingen tidigare omgång" in html
    assert 'data-key="trend.' not in html


async def test_unit_xlsx_and_csv_figures(demo):
    from openpyxl import load_workbook

    e26 = demo["e26"]
    result = e26.results["SK"]
    content = (await service.unit_report(demo["r26"], "SK", "xlsx", today=TODAY))[0]
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["Svar", "Poäng", "Prioriteringar", "Underlag"]  # Underlag: evidence files
    rows = list(wb["Poäng"].iter_rows(values_only=True))
    by_area = {r[3]: r for r in rows[1:] if r[3]}
    for a in result.areas:
        r = by_area[a.id]
        assert (r[4], r[6], r[7]) == (a.level, a.target_level, a.gap)
        assert near(r[5], a.percent) and near(r[8], a.next_level_progress)
    answers = list(wb["Svar"].iter_rows(values_only=True))[1:]
    assert len(answers) == len(result.questions)
    for row in answers:
        outcome = result.question(row[3])
        assert row[8] == STATUS_SV[outcome.status] and near(row[9], outcome.credit)
        assert row[10] == (None if outcome.met is None else ("ja" if outcome.met else "nej"))
    prio = list(wb["Prioriteringar"].iter_rows(values_only=True))[1:]
    assert [(r[1], r[6]) for r in prio] == [(p.question, round(p.priority, 2)) for p in priorities(e26.q, result)[:10]]
    assert rows[0][1] == "Förvaltningskod" and rows[0][3] == "Områdeskod"

    text = (await service.unit_report(demo["r26"], "SK", "csv", today=TODAY))[0].decode()
    rows = list(csv.reader(io.StringIO(text)))
    for r in rows[1:]:
        if r[3]:
            assert close(float(r[5]), result.area(r[3]).percent)


# ---------------------------------------------------------------- stadsrapport

async def test_city_report_html_figures_are_the_engines(demo):
    e24, e26 = demo["e24"], demo["e26"]
    html = (await service.city_report(demo["r26"], "html", today=TODAY))[0].decode()
    v = data_values(html)
    n = len(e26.units)
    assert v["response.participating"] == n == 15
    assert v["response.submitted"] == n - len(DRAFT_2026) - len(NOT_STARTED_2026)
    assert v["response.draft"] == len(DRAFT_2026)
    assert v["response.not_started"] == len(NOT_STARTED_2026)
    for method in ("weakest", "mean"):
        r = e26.rollup(method)
        assert close(v[f"rollup.{method}.overall.level"], r.overall.level)
        assert close(v[f"rollup.{method}.overall.percent"], r.overall.percent)
        for a in r.areas:
            for key in ("level", "percent", "gap"):
                assert close(v[f"rollup.{method}.{a.id}.{key}"], getattr(a, key)), (method, a.id, key)
        prev = e24.rollup(method)
        for f in area_follow_up(e24.q, prev, e26.q, r):
            for key in ("level_before", "level_after", "percent_before", "percent_after", "comparable_share"):
                assert close(v[f"trend.{method}.{f.area}.{key}"], getattr(f, key)), (method, f.area, key)
    for u in e26.units:
        code = u["code"]
        if code in e26.results:
            assert close(v[f"units.{code}.level"], e26.results[code].overall.level)
            assert close(v[f"units.{code}.percent"], e26.results[code].overall.percent)
        else:
            assert v[f"units.{code}.level"] is None
    # heat map table and distribution: submitted units only
    submitted = [u["code"] for u in e26.submitted()]
    for code in submitted:
        for a in e26.results[code].areas:
            assert v[f"units.{code}.areas.{a.id}.level"] == a.level
    for area in e26.q.areas:
        levels = [e26.results[c].area(area.id).level for c in submitted]
        for lv in range(0, e26.q.max_level + 1):
            assert v[f"distribution.{area.id}.{lv}"] == sum(1 for x in levels if x == lv)
    # city priorities from the mean roll-up
    mean = e26.rollup("mean")
    for p in priorities(e26.q, mean)[:15]:
        assert close(v[f"priorities.{p.question}.priority"], p.priority)
    # förvaltningar that reach no level
    zero = {c for c in submitted if e26.results[c].overall.level == 0}
    shown = {k.split(".")[1] for k in v if k.startswith("no_level.")}
    assert shown == zero


async def test_city_report_json_and_xlsx(demo):
    from openpyxl import load_workbook

    e26 = demo["e26"]
    doc = json.loads((await service.city_report(demo["r26"], "json", today=TODAY))[0])
    for method in ("weakest", "mean"):
        assert doc["rollup"][method]["scores"] == e26.rollup(method).to_dict()
    assert doc["rollup"]["units"] == [u["code"] for u in e26.submitted()]

    wb = load_workbook(io.BytesIO((await service.city_report(demo["r26"], "xlsx", today=TODAY))[0]))
    assert wb.sheetnames == ["Svar", "Poäng", "Stadens svar", "Prioriteringar", "Underlag"]
    scores = list(wb["Poäng"].iter_rows(values_only=True))[1:]
    assert {r[1] for r in scores} == set(e26.results)
    for r in scores:
        a = e26.results[r[1]].area(r[3])
        assert r[4] == a.level and near(r[5], a.percent) and r[7] == a.gap
    city = list(wb["Stadens svar"].iter_rows(values_only=True))[1:]
    for r in city:
        res = e26.rollup({"svagaste förvaltningen": "weakest", "medelvärde": "mean"}[r[0]])
        figures = res.area(r[2]) if r[2] else res.overall
        assert r[3] == figures.level and near(r[4], figures.percent)
    answers = list(wb["Svar"].iter_rows(values_only=True))[1:]
    assert len(answers) == len(e26.results) * len(e26.results["SK"].questions)


async def test_city_report_with_drafts_rolls_up_drafts_too(demo):
    e26 = demo["e26"]
    doc = json.loads((await service.city_report(demo["r26"], "json", include_drafts=True, today=TODAY))[0])
    codes = [u["code"] for u in e26.units if u["code"] in e26.results]
    assert doc["rollup"]["units"] == codes
    expected = rollup(e26.q, [e26.results[c] for c in codes], method="mean",
                      weights=[u["weight"] for u in e26.units if u["code"] in e26.results])
    assert doc["rollup"]["mean"]["scores"] == expected.to_dict()


# ---------------------------------------------------------------- PDF, determinism, language

async def test_pdfs_open_with_the_expected_pages(demo):
    from pypdf import PdfReader

    for fmt_call, outline, min_images in (
        (service.unit_report(demo["r26"], "SK", "pdf", today=TODAY),
         ["Sammantaget", "Områden", "Det här saknas för nästa nivå", "Prioriteringar",
          "Utveckling sedan förra omgången", "Bifogade underlag"], 3),
        (service.city_report(demo["r26"], "pdf", today=TODAY),
         ["Svarsfrekvens", "Stadens samlade svar", "Nivå per förvaltning och område", "Fördelning av nivåer",
          "Största gapen i staden", "Utveckling sedan förra omgången", "Bifogade underlag"], 6),
    ):
        content, media, name = await fmt_call
        assert media == "application/pdf" and content.startswith(b"%PDF-") and name.endswith(".pdf")
        reader = PdfReader(io.BytesIO(content))
        assert [o.title for o in reader.outline] == outline
        # each section starts on its own page, in order, with its title on that page
        starts = [reader.get_destination_page_number(o) for o in reader.outline]
        assert starts == sorted(set(starts))
        for title, page in zip(outline, starts):
            assert title in reader.pages[page].extract_text()
        assert sum(len(p.images) for p in reader.pages) >= min_images
        assert len(reader.pages) >= len(outline)


async def test_same_data_gives_identical_svg_html_and_pdf(demo):
    data = await load_report_data(demo["r26"])
    for build in (lambda: build_city_report(data, "sv", today=TODAY),
                  lambda: build_unit_report(data, "SK", "sv", today=TODAY)):
        first, second = build(), build()
        from survey_engine.charts import to_svg

        svgs1 = [to_svg(c) for _, c in first.build_charts()]
        svgs2 = [to_svg(c) for _, c in second.build_charts()]
        assert svgs1 == svgs2 and len(svgs1) >= 3
        assert render_html(first) == render_html(second)
    from survey_engine.reporting.pdf import render_pdf

    assert render_pdf(build_unit_report(data, "SK", today=TODAY)) == render_pdf(build_unit_report(data, "SK", today=TODAY))


async def test_html_is_accessible_and_self_contained(demo):
    html = (await service.city_report(demo["r26"], "html", lang="en", today=TODAY))[0].decode()
    assert '<html lang="en">' in html
    assert "The city&#39;s combined answer" in html or "The city's combined answer" in html
    assert html.count('role="img"') == html.count("<svg") >= 5
    assert html.count("<title id=\"chart-") == html.count("<svg")
    assert "@media print" in html
    assert "<script" not in html and "src=" not in html and "<link" not in html
    sv = (await service.unit_report(demo["r26"], "SK", "html", today=TODAY))[0].decode()
    assert '<html lang="sv">' in sv and "Förvaltningsrapport" in sv and "Vägledning" in sv


# ---------------------------------------------------------------- anonymised export

async def test_anonymised_export_has_no_names_comments_or_evidence(demo):
    from survey_engine.questionnaire.answers import parse_answers_document

    e26 = demo["e26"]
    content, media, name = await service.anonymised(demo["r26"])
    text = content.decode()
    doc = json.loads(text)
    for u in e26.units:
        assert u["name"] not in text
        assert f'"{u["code"]}"' not in text
    notes = await notes_of(demo["r26"])
    assert len(notes) > 10
    for note in notes:
        assert note not in text
    assert "Malmö" not in text
    for method in ("weakest", "mean"):
        assert doc["rollup"][method] == e26.rollup(method).to_dict()
    values = parse_answers_document(doc["answers"], e26.q, source="export")
    assert all(e26.q.question(k).scored for k in values)
    rescored = score_response(e26.q, values)
    weakest = e26.rollup("weakest")
    for x in weakest.questions:
        if x.id not in doc["answers_differ"]:
            assert rescored.question(x.id).credit == x.credit
    assert len(doc["answers_differ"]) < len(weakest.questions) / 2


# ---------------------------------------------------------------- command line

def test_cli_reports(demo, tmp_path):
    from survey_engine.cli import main

    runner = CliRunner()
    r = runner.invoke(main, ["report", "city", "--round", str(demo["r26"]), "--format", "json", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / f"stadsrapport-omgang{demo['r26']}.json").read_text())["kind"] == "city"
    r = runner.invoke(main, ["report", "unit", "--round", "Cybersäkerhetskollen 2024", "--unit", "SK",
                             "--format", "csv", "--lang", "en", "--out", str(tmp_path / "sk.csv")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "sk.csv").read_text().startswith("Department,unit_code,Area")
    r = runner.invoke(main, ["report", "export", "--round", str(demo["r24"]), "--anonymised", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / f"benchmark-omgang{demo['r24']}.json").read_text())["format"] == "survey-engine-benchmark/1"
    r = runner.invoke(main, ["report", "all", "--round", str(demo["r26"]), "--format", "json", "--out", str(tmp_path / "all")])
    assert r.exit_code == 0, r.output
    files = sorted(p.name for p in (tmp_path / "all").iterdir())
    assert len(files) == 15 - len(NOT_STARTED_2026)
    for code in NOT_STARTED_2026:
        assert code in r.output  # named as skipped


@pytest.mark.parametrize("args, message", [
    (["report", "city", "--round", "999"], "round 999 not found"),
    (["report", "city", "--round", "Ingen sådan omgång"], "not found"),
    (["report", "unit", "--round", "1", "--unit", "NOPE"], "does not take part"),
    (["report", "unit", "--round", "2", "--unit", "FRI"], "has not started"),
    (["report", "export", "--round", "2"], "--anonymised"),
])
def test_cli_errors_exit_2_without_traceback(demo, args, message):
    from survey_engine.cli import main

    args = [str(demo["r26"]) if a == "2" else str(demo["r24"]) if a == "1" else a for a in args]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2, r.output
    assert message in r.output
    assert "Traceback" not in r.output
