"""The comparison table's CSV and Excel downloads (issue 13, docs/web-pages.md
"Comparison export"): the same rows as the page (then the units that have not
started), Swedish Excel headers, the same
permission as the city export, an audit event, and neutralised cells."""
from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from tests.ui.test_ui_roles import answered_response


def _page_rows(html: str) -> list[tuple[str, str, str]]:
    """(unit, draft, level) of every row of the page's table, in order."""
    return re.findall(r'<tr data-unit="([^"]+)" data-status="[^"]+" data-draft="(true|false)" data-level="([^"]*)"', html)


async def test_comparison_downloads_hold_the_page_rows(browser, site):
    await answered_response(browser, site, "kultur", "resp-kultur", submit=True)
    await answered_response(browser, site, "miljo", "resp-miljo")  # a draft
    b = await browser("analytiker")
    page = await b.get(f"/analys/omgang/{site.round_id}/jamforelse?sort=-percent")
    assert page.status_code == 200
    expected = _page_rows(page.text)
    assert len(expected) == 2 and {d for _, d, _ in expected} == {"true", "false"}
    assert f'/analys/omgang/{site.round_id}/jamforelse/xlsx?sort=-percent' in page.text

    r = await b.get(f"/analys/omgang/{site.round_id}/jamforelse/csv?sort=-percent")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    head, body = rows[0], rows[1:]
    assert head[:4] == ["unit", "name", "status", "draft"] and "styrning.percent" in head
    assert [(x[0], x[3], x[4]) for x in body[:len(expected)]] == expected
    # then, after the page's rows, the unit that has not started (the page lists started ones)
    stage, counted = head.index("stage"), head.index("counted")
    assert [(x[0], x[2], x[3], x[4], x[stage], x[counted]) for x in body[len(expected):]] == [
        ("skola", "not_started", "false", "", "not_started", "false")]

    r = await b.get(f"/analys/omgang/{site.round_id}/jamforelse/xlsx?sort=-percent")
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    ws = load_workbook(io.BytesIO(r.content)).active
    sheet = [list(x) for x in ws.iter_rows(values_only=True)]
    assert sheet[0][:4] == ["Förvaltningskod", "Förvaltning", "Svarsstatus", "Utkast"]
    assert [x[0] for x in sheet[1:]] == [u for u, _, _ in expected] + ["skola"]
    assert [x[3] for x in sheet[1:]] == ["Ja" if d == "true" else "Nej" for _, d, _ in expected] + ["Nej"]
    assert [("" if x[4] is None else str(x[4])) for x in sheet[1:]] == [lv for _, _, lv in expected] + [""]
    assert "Inskickad" in [x[2] for x in sheet[1:]]
    assert sheet[-1][2] == "Ej påbörjad" and sheet[-1][sheet[0].index("Status")] == "Ej påbörjad"

    r = await b.get(f"/analys/omgang/{site.round_id}/jamforelse/pdf")
    assert r.status_code == 404
    admin = await browser("admin")
    log = await admin.get("/granskning/logg.csv")
    assert "report.compare" in log.text


async def test_comparison_download_is_refused_to_respondents_and_planners(browser, site):
    await answered_response(browser, site, "kultur", "resp-kultur", submit=True)
    b = await browser("resp-kultur")
    for fmt in ("csv", "xlsx"):
        r = await b.get(f"/analys/omgang/{site.round_id}/jamforelse/{fmt}")
        assert r.status_code == 403, fmt
    # planners read the comparison but exports are left to analysts (services/policy.py)
    p = await browser("planerare")
    page = await p.get(f"/analys/omgang/{site.round_id}/jamforelse")
    assert page.status_code == 200 and "compare-downloads" not in page.text
    r = await p.get(f"/analys/omgang/{site.round_id}/jamforelse/csv")
    assert r.status_code == 403
