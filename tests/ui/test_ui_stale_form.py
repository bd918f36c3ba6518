"""Issue 14, finding 11: an area form posted without `revision` overwrote the answers
without a conflict check. It is now treated as a stale copy (409, nothing saved)."""
from __future__ import annotations

from tests.ui.test_ui_respondent import revision_of, start


async def test_area_form_without_revision_is_a_conflict(browser, site):
    # Read the state through the pages only: the served app owns its database pool (on
    # PostgreSQL a service call from the test's own event loop would share it wrongly).
    b = await browser("resp-kultur")
    rid = await start(b, site)
    area = f"/svar/{rid}/omrade/styrning"
    page = await b.get(area)
    r = await b.post(area, {"revision": revision_of(page.text), "a:policy": "ja"})
    assert r.status_code in (200, 303), r.text
    before = revision_of((await b.get(area)).text)
    r = await b.post(area, {"a:policy": "nej"})
    assert r.status_code == 409, r.status_code
    # nothing saved: the response's revision did not move
    assert revision_of((await b.get(area)).text) == before
