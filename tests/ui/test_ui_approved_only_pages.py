"""The "only approved responses" toggle (`?godkanda=1`, docs/sign-off.md) on the round
overview and the förvaltning page, on the demo round 2026: 8 submitted responses, 5 of
them approved, one returned and some drafts. With the toggle the pages count the 5
approved units (the city's level on the overview, the city median on the unit page),
still list every unit and mark each one that does not count, say that the toggle is
on, and carry it on their links and report downloads. Without it they count the 8
submitted ones. Permissions are those of the pages without the toggle.

The demo is loaded once for the module (as in reporting/test_one_read_path.py)."""
from __future__ import annotations

import re
import statistics

import pytest
from litestar.testing import AsyncTestClient

from tests.helpers.auth import make_token, test_app
from survey_engine.services import signoff_demo
from survey_engine.services.access import system_actor
from survey_engine.services.demo import DRAFT_2026, NOT_STARTED_2026, load_demo
from survey_engine.services.overview import city_results
from survey_engine.services.round_results import load_round

ROW = re.compile(r'<tr data-unit="([^"]+)" data-counted="(true|false)">(.*?)</tr>', re.S)
MEDIAN = re.compile(r'<tr data-area="([^"]+)" data-median-level="([^"]*)" data-median-units="(\d+)">')
STATE = "Visar bara godkända svar"


@pytest.fixture(scope="module")
async def demo(migrated_db):
    from tests.support import QUESTIONNAIRES, empty_database

    await empty_database()
    _, r26 = (await load_demo(QUESTIONNAIRES, log=lambda *_: None))["rounds"]
    data = await load_round(r26, with_notes=False)
    submitted = {u.code for u in data.units if u.submitted}
    approved = {u.code for u in data.units if u.submitted and u.approved}
    tokens = {"analyst": await make_token("analyst", username="godkanda-analytiker"),
              "sk": await make_token("respondent", units=["SK"], username="godkanda-resp-sk")}
    yield {"r26": r26, "data": data, "submitted": submitted, "approved": approved, "tokens": tokens}
    await empty_database()


def _rows(html: str) -> dict[str, tuple[bool, str]]:
    table = html.split('id="unit-status"', 1)[1].split("</tbody>", 1)[0]
    return {code: (counted == "true", re.sub(r"<[^>]+>", " ", cells)) for code, counted, cells in ROW.findall(table)}


async def test_overview_counts_only_approved_units_with_the_toggle(demo):
    r26, submitted, approved = demo["r26"], demo["submitted"], demo["approved"]
    # the demo as the module says: the toggle has something to leave out
    assert approved == set(signoff_demo.APPROVED_2026) and len(submitted) == 8 and approved < submitted
    waiting = submitted - approved
    everyone = {u.code for u in demo["data"].units}

    async with AsyncTestClient(app=test_app()) as client:
        client.headers["Authorization"] = f"Bearer {demo['tokens']['analyst']}"
        plain = await client.get(f"/analys/omgang/{r26}")
        assert plain.status_code == 200, plain.text
        rows = _rows(plain.text)
        assert set(rows) == everyone
        assert {c for c, (counted, _) in rows.items() if counted} == submitted
        assert f'id="counted-count" data-counted="{len(submitted)}"' in plain.text
        assert 'id="godkanda" name="godkanda" value="1">' in plain.text  # the toggle, off
        assert STATE not in plain.text and "godkanda=1" not in plain.text
        assert f'href="/analys/omgang/{r26}/enhet/SK"' in plain.text

        page = await client.get(f"/analys/omgang/{r26}?godkanda=1")
        assert page.status_code == 200, page.text
        rows = _rows(page.text)
        assert set(rows) == everyone  # nobody dropped: the units that do not count are marked
        assert {c for c, (counted, _) in rows.items() if counted} == approved
        assert f'id="counted-count" data-counted="{len(approved)}"' in page.text
        for code in waiting:
            assert "Nej, inte godkänt" in rows[code][1], code
        for code in DRAFT_2026:
            assert "Nej, utkast" in rows[code][1], code
        for code in NOT_STARTED_2026:
            assert not rows[code][0]
        assert 'id="godkanda" name="godkanda" value="1" checked' in page.text and STATE in page.text
        assert f'<a href="/analys/omgang/{r26}">Räkna alla inskickade svar</a>' in page.text  # the way back
        assert 'data-approved-only="true"' in page.text
        # the toggle goes on through the page's links and downloads
        assert f'href="/analys/omgang/{r26}/enhet/SK?godkanda=1"' in page.text
        assert f'href="/analys/omgang/{r26}/jamforelse?godkanda=1"' in page.text
        assert f'href="/analys/omgang/{r26}/rapport/pdf?godkanda=1"' in page.text
        assert 'href="/analys/trender?godkanda=1"' in page.text

        # the city's level is the one the city figures have with the same choice
        for query, only in (("", False), ("?godkanda=1", True)):
            html = (await client.get(f"/analys/omgang/{r26}{query}")).text
            shown = re.search(r'id="city-level" data-level="(\d*)"', html).group(1)
            figures = await city_results(r26, actor=system_actor("tests"), approved_only=only)
            assert figures["counted"] == len(approved if only else submitted)
            assert shown == str(figures["city"]["mean"]["level"])

        # the comparison says the same and its way back keeps the sort
        compare = (await client.get(f"/analys/omgang/{r26}/jamforelse?godkanda=1&sort=-percent")).text
        assert STATE in compare and f'<a href="/analys/omgang/{r26}/jamforelse?sort=-percent">Räkna alla' in compare
        assert f'href="/analys/omgang/{r26}?godkanda=1"' in compare

        # a value other than 1 is the page without the toggle
        assert _rows((await client.get(f"/analys/omgang/{r26}?godkanda=ja")).text) == _rows(plain.text)


def _medians(data, code: str, counted: set[str]) -> dict[str, float | None]:
    """The city median level per area over `counted`, worked out here from the read
    path's unit results (not through the page's helper)."""
    out = {}
    for area in data.questionnaire.areas:
        levels = [u.result.area(area.id).level for u in data.units if u.code in counted
                  and u.result.area(area.id) is not None and u.result.area(area.id).assessed]
        out[area.id] = float(statistics.median(levels)) if levels else None
    return out


async def test_unit_page_median_and_counted_follow_the_toggle(demo):
    r26, data, submitted, approved = demo["r26"], demo["data"], demo["submitted"], demo["approved"]
    waiting = sorted(submitted - approved)[0]
    draft = sorted(DRAFT_2026)[0]

    async with AsyncTestClient(app=test_app()) as client:
        client.headers["Authorization"] = f"Bearer {demo['tokens']['analyst']}"
        for code in ("SK", waiting):
            plain = await client.get(f"/analys/omgang/{r26}/enhet/{code}")
            assert plain.status_code == 200, plain.text
            assert 'id="unit-counted" class="muted" data-counted="true"' in plain.text
            assert f'data-units="{len(submitted)}"' in plain.text and STATE not in plain.text
            only = await client.get(f"/analys/omgang/{r26}/enhet/{code}?godkanda=1")
            assert only.status_code == 200, only.text
            assert f'data-units="{len(approved)}"' in only.text and STATE in only.text
            assert 'id="godkanda" name="godkanda" value="1" checked' in only.text
            for html, counted in ((plain.text, submitted), (only.text, approved)):
                expected = _medians(data, code, counted)
                shown = {area: (float(level) if level else None) for area, level, _ in MEDIAN.findall(html)}
                assert shown == expected, (code, shown, expected)
            # the links carry the toggle: the round, the report downloads
            assert f'href="/analys/omgang/{r26}?godkanda=1"' in only.text
            for fmt in ("html", "pdf", "xlsx"):
                assert f"/analys/omgang/{r26}/enhet/{code}/rapport/{fmt}?godkanda=1" in only.text
        only = (await client.get(f"/analys/omgang/{r26}/enhet/{waiting}?godkanda=1")).text
        assert 'data-counted="false"' in only and "inskickat men inte godkänt" in only
        assert 'data-counted="true"' in (await client.get(f"/analys/omgang/{r26}/enhet/SK?godkanda=1")).text
        only = (await client.get(f"/analys/omgang/{r26}/enhet/{draft}?godkanda=1")).text
        assert 'id="draft-note" data-counted="false"' in only and "räknas inte i stadens siffror" in only
        assert 'id="unit-counted"' not in only  # the draft note says it


async def test_toggle_changes_no_permission(demo):
    r26 = demo["r26"]
    async with AsyncTestClient(app=test_app()) as client:
        client.headers["Authorization"] = f"Bearer {demo['tokens']['sk']}"
        assert (await client.get(f"/analys/omgang/{r26}?godkanda=1")).status_code == 403
        assert (await client.get(f"/analys/omgang/{r26}/enhet/MF?godkanda=1")).status_code == 403
        own = await client.get(f"/analys/omgang/{r26}/enhet/SK?godkanda=1")
        assert own.status_code == 200 and STATE in own.text
