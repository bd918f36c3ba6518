"""Decimal comma on Swedish pages (issue 13): typed "72,5" is saved as 72.5 and shown
with a comma on Swedish pages, with a point on English ones; the area form has a status
region per question only where it can be edited."""
from __future__ import annotations

import pytest

from tests.ui.test_ui_respondent import revision_of, start

pytestmark = pytest.mark.db


async def test_decimal_comma_typed_saved_and_shown(browser, site):
    b = await browser("resp-kultur")
    rid = await start(b, site, "kultur")
    page = await b.get(f"/svar/{rid}/omrade/drift")
    assert 'id="q-utbildade-save" role="status"' in page.text
    r = await b.post(f"/svar/{rid}/omrade/drift", {"revision": revision_of(page.text), "a:utbildade": "72,5",
                                                   "a:ovningar": ["kris"]})
    assert r.status_code == 303, r.text
    page = await b.get(f"/svar/{rid}/omrade/drift")
    assert 'value="72,5"' in page.text
    page = await b.get(f"/svar/{rid}/omrade/drift?lang=en")
    assert 'value="72.5"' in page.text
    r = await b.get(f"/svar/{rid}/utskrift?lang=sv")
    assert "72,5" in r.text
    r = await b.client.get(f"/api/v1/responses/{rid}")
    assert r.json()["answers"]["utbildade"]["value"] == 72.5  # the API keeps the number
    # a reader sees the answer without a form: no save state there
    analyst = await browser("analytiker")
    page = await analyst.get(f"/svar/{rid}/omrade/drift")
    assert page.status_code == 200 and "72,5" in page.text and "q-utbildade-save" not in page.text
