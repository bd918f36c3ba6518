"""The reports as they leave through the API and the pages' downloads list a provider's
evidence files under the served unit, marked with the provider (docs/evidence.md, "In
the reports"; docs/shared-answers.md): the city report (HTML by the API, Excel by the
page) and a served unit's own report, read by its respondent."""
from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from tests.helpers.auth import bearer_clients
from tests.helpers.provided_evidence import SECRET, SF, seed_shared_evidence


def _underlag(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content))["Underlag"].iter_rows(values_only=True))


async def test_city_and_unit_reports_name_the_provider_of_a_file(db):
    rid = await seed_shared_evidence()
    async with bearer_clients() as client_as:
        analyst = await client_as("analyst")
        r = await analyst.get(f"/api/v1/rounds/{rid}/city-report.html", params={"include_drafts": "true"})
        assert r.status_code == 200, r.text
        html = r.text
        assert re.search(r'data-key="evidence.total" data-value="7"', html)
        assert re.search(r'data-key="evidence.provided" data-value="3"', html)
        assert re.search(r'data-key="evidence.b.provided" data-value="2"', html)
        assert f'<td>Driftrutin.pdf <span class="note">(från {SF})</span></td>' in html
        assert SECRET not in html

        r = await analyst.get(f"/analys/omgang/{rid}/rapport/xlsx")
        assert r.status_code == 200, r.text
        rows = _underlag(r.content)
        assert rows[0][-1] == "Från förvaltning"
        assert sorted((x[0], x[4], x[-1]) for x in rows[1:] if x[-1]) == [
            ("a", "Driftrutin.pdf", SF), ("b", "Driftrutin.pdf", SF), ("b", "Patchrutin.txt", SF)]

        # the served unit's respondent: its own report lists the provider's file, marked
        own = await client_as("respondent", ["a"])
        r = await own.get(f"/analys/omgang/{rid}/enhet/a/rapport/xlsx")
        assert r.status_code == 200, r.text
        rows = _underlag(r.content)
        assert [(x[2], x[4], x[-1]) for x in rows[1:]] == [("backup", "Driftrutin.pdf", SF),
                                                           ("policy", "Vår policy.pdf", None)]
        r = await own.get(f"/analys/omgang/{rid}/enhet/a/rapport/html")
        assert r.status_code == 200 and f"(från {SF})" in r.text and "Patchrutin.txt" not in r.text
        # ...and cannot read another served unit's report
        r = await own.get(f"/analys/omgang/{rid}/enhet/b/rapport/xlsx")
        assert r.status_code == 403
