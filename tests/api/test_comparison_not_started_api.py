"""The comparison export through the API and the page's download links names the units
that have not started (docs/web-pages.md, "Comparison export"): stage `not_started`,
not counted, empty level; "Ej påbörjad" in the Excel file. The page itself lists the
started responses."""
from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from tests.helpers.auth import bearer_clients
from tests.helpers.not_started import seed_round_with_units_not_started


async def test_api_and_page_downloads_list_units_not_started(db):
    rid = await seed_round_with_units_not_started()
    async with bearer_clients() as client_as:
        analyst = await client_as("analyst")
        for url in (f"/api/v1/rounds/{rid}/comparison.csv", f"/analys/omgang/{rid}/jamforelse/csv"):
            r = await analyst.get(url, params={"sort": "-percent"})
            assert r.status_code == 200, (url, r.text)
            rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
            assert [(x["unit"], x["stage"], x["counted"], x["level"]) for x in rows[2:]] == [
                ("c", "not_started", "false", ""), ("a", "not_started", "false", "")], url

        for url in (f"/api/v1/rounds/{rid}/comparison.xlsx", f"/analys/omgang/{rid}/jamforelse/xlsx"):
            r = await analyst.get(url)
            assert r.status_code == 200, (url, r.text)
            sheet = [list(x) for x in load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True)]
            head = sheet[0]
            by_unit = {x[0]: x for x in sheet[1:]}
            assert len(by_unit) == 4, url
            for code in ("a", "c"):
                assert by_unit[code][head.index("Svarsstatus")] == "Ej påbörjad", url
                assert by_unit[code][head.index("Status")] == "Ej påbörjad", url
                assert by_unit[code][head.index("Räknas i stadens siffror")] == "Nej", url

        # the page keeps its rows: the started responses
        page = await analyst.get(f"/analys/omgang/{rid}/jamforelse")
        assert page.status_code == 200
        assert sorted(re.findall(r'<tr data-unit="([^"]+)"', page.text)) == ["b", "d"]

        # the permissions are unchanged: a planner reads the page but gets no file
        planner = await client_as("planner")
        r = await planner.get(f"/api/v1/rounds/{rid}/comparison.csv")
        assert r.status_code == 403 and "detail" in r.json()
