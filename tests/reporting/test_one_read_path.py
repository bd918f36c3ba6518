"""One read path for round results (issue 12, item 3): on the demo round 2026 the
comparison page, the förvaltning pages, the city report (HTML, XLSX, JSON, PDF), the
overview API and the plan sources show the same units and the same levels, and every
draft is marked as a draft. All of them read through services/round_results.py: a
submitted response's score snapshot, a draft scored now.

The demo is loaded once for the module (as in test_reporting_demo.py)."""
from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from litestar.testing import AsyncTestClient

from tests.helpers.auth import make_token, test_app
from tests.reporting.reporting_helpers import data_values
from survey_engine.services import plans
from survey_engine.services import reports as service
from survey_engine.services.demo import DRAFT_2026, NOT_STARTED_2026, load_demo
from survey_engine.services.round_results import load_round

TODAY = dt.date(2026, 11, 29)
ROW = re.compile(r'<tr data-unit="([^"]+)" data-status="(\w+)" data-draft="(true|false)" data-level="(\d*)"[^>]*>')


@pytest.fixture(scope="module")
async def demo(migrated_db):
    from tests.support import QUESTIONNAIRES, empty_database

    await empty_database()
    r24, r26 = (await load_demo(QUESTIONNAIRES, log=lambda *_: None))["rounds"]
    token = await make_token("analyst", username="jamfor-analytiker")
    data = await load_round(r26, with_notes=False)
    yield {"r26": r26, "token": token, "data": data}
    await empty_database()


async def test_pages_reports_and_plans_agree_on_units_and_levels(demo):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    data, r26 = demo["data"], demo["r26"]
    started = {u.code: u for u in data.units if u.started}
    submitted = {c for c, u in started.items() if u.submitted}
    drafts = set(started) - submitted
    assert drafts == DRAFT_2026 and not set(started) & NOT_STARTED_2026 and len(submitted) == 8  # one returned (sign-off)
    levels = {c: u.result.overall.level for c, u in started.items()}

    async with AsyncTestClient(app=test_app()) as client:
        client.headers["Authorization"] = f"Bearer {demo['token']}"
        # the comparison page: every started unit with its level; drafts marked, and
        # the heat map counts only the submitted ones, as the city report does
        page = await client.get(f"/analys/omgang/{r26}/jamforelse")
        assert page.status_code == 200, page.text
        rows = {code: (status, draft == "true", int(level) if level else None)
                for code, status, draft, level in ROW.findall(page.text)}
        assert set(rows) == set(started)
        assert {c for c, r in rows.items() if r[1]} == drafts
        assert {c: r[2] for c, r in rows.items()} == levels
        assert re.search(rf'data-counted="{len(submitted)}" data-drafts="{len(drafts)}"', page.text)
        # the units that have not started are named below the table, as the overview does
        waiting = re.search(r'<p id="not-started" data-count="(\d+)">(.*?)</p>', page.text, re.S)
        assert waiting, "the comparison page names the units that have not started"
        assert set(re.findall(r'<span data-unit="([^"]+)">', waiting.group(2))) == NOT_STARTED_2026
        assert int(waiting.group(1)) == len(NOT_STARTED_2026)
        for code in drafts:
            assert re.search(rf'data-unit="{code}".*?\((Utkast|Öppnad igen)\)', page.text, re.S)

        # each förvaltning's page shows the same level; a draft says it is a draft
        for code, unit in started.items():
            r = await client.get(f"/analys/omgang/{r26}/enhet/{code}")
            assert r.status_code == 200, r.text
            shown = re.search(r'data-testid="overall-level" data-level="(\d*)"', r.text).group(1)
            assert shown == ("" if levels[code] is None else str(levels[code])), code
            assert ('id="draft-note"' in r.text) == (code in drafts), code

        # the overview API says the same, with `draft` set on the drafts
        body = (await client.get(f"/api/v1/rounds/{r26}/overview")).json()
        overview = {u["unit"]: u for u in body["units"] if u["status"] != "not_started"}
        assert {c: u["level"] for c, u in overview.items()} == levels
        assert {c for c, u in overview.items() if u["draft"]} == drafts

    # the city report, HTML: every started unit's level; the heat map holds the submitted
    html = (await service.city_report(r26, "html", today=TODAY))[0].decode()
    v = data_values(html)
    for code in started:
        assert v[f"units.{code}.level"] == levels[code], code
    heat = {k.split(".")[1] for k in v if re.fullmatch(r"units\.[^.]+\.areas\.[^.]+\.level", k)}
    assert heat == submitted
    # JSON: the units of the city figures
    doc = json.loads((await service.city_report(r26, "json", today=TODAY))[0])
    assert set(doc["rollup"]["units"]) == submitted
    # XLSX: the same levels per area, and which rows count in the city figures
    wb = load_workbook(io.BytesIO((await service.city_report(r26, "xlsx", today=TODAY))[0]))
    scores = list(wb["Poäng"].iter_rows(values_only=True))
    assert scores[0][-2:] == ("Status", "Räknas i stadens siffror")
    for name, code, _, area, level, *_, status, counted in scores[1:]:
        assert level == started[code].result.area(area).level
        # the spreadsheet speaks Swedish (issue 13, item 9): "ja"/"nej", "inskickad"
        assert counted == ("ja" if code in submitted else "nej")
        assert (status == "inskickad") == (code in submitted), (code, status)
    # PDF: every started unit in the response table, the drafts with their status
    pdf = (await service.city_report(r26, "pdf", today=TODAY))[0]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages[:3])
    flat = " ".join(text.split())
    for code, unit in started.items():
        at = flat.find(unit.name)
        assert at >= 0, unit.name
        cell = flat[at + len(unit.name):at + len(unit.name) + 20]  # the status cell follows the name
        assert cell.lstrip().startswith(("utkast", "öppnat igen") if code in drafts else ("inskickat",)), (code, cell)

    # the plan sources: a unit's plan starts from the level the pages show; the
    # city's from the same submitted units
    for code in submitted:
        source = await plans.load_source(r26, code)
        assert source.result.overall.level == levels[code]
    for code in drafts:
        with pytest.raises(Exception, match="inskickat"):
            await plans.load_source(r26, code)
    city = await plans.load_source(r26, None)
    assert set(city.units) == submitted
