"""Issue 14, finding 11: an area form posted without `revision` overwrote the answers
without a conflict check. It is now treated as a stale copy (409, nothing saved)."""
from __future__ import annotations

from survey_engine.services import responses
from test_ui_respondent import revision_of, start
from ui_site import system


async def test_area_form_without_revision_is_a_conflict(browser, site):
    b = await browser("resp-kultur")
    rid = await start(b, site)
    page = await b.get(f"/svar/{rid}/omrade/styrning")
    r = await b.post(f"/svar/{rid}/omrade/styrning", {"revision": revision_of(page.text), "a:policy": "ja"})
    assert r.status_code in (200, 303), r.text
    before = await responses.get_response(rid, actor=system())
    r = await b.post(f"/svar/{rid}/omrade/styrning", {"a:policy": "nej"})
    assert r.status_code == 409, r.status_code
    after = await responses.get_response(rid, actor=system())
    assert after["revision"] == before["revision"]
    assert after["answers"]["policy"]["value"] == "ja"
