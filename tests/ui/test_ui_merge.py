"""The area page with per-question merge (issue 15) and an invalid answer that does not
block the rest of the area (issue 13): through the server, two logged-in browsers."""
from __future__ import annotations

import re

import pytest

from tests.ui.test_ui_respondent import revision_of, start

pytestmark = pytest.mark.db


async def test_two_people_on_one_area_both_saved_and_changed_by_shown(browser, site):
    anna = await browser("resp-kultur")
    rid = await start(anna, site)
    admin = await browser("admin")
    page_a = await anna.get(f"/svar/{rid}/omrade/styrning")
    page_b = await admin.get(f"/svar/{rid}/omrade/styrning")
    rev = revision_of(page_a.text)
    assert revision_of(page_b.text) == rev
    auto = {"X-Autosave": "1"}
    # both send the whole area, each having changed one question, from the same revision
    r = await anna.post(f"/svar/{rid}/omrade/styrning", {"revision": rev, "a:policy": "ja"}, headers=auto)
    assert r.status_code == 200, r.text
    r = await admin.post(f"/svar/{rid}/omrade/styrning", {"revision": rev, "a:risk": "nej"}, headers=auto)
    assert r.status_code == 200, r.text
    body = r.json()
    # the admin's page is told that policy changed, by whom, to put it into its form
    assert set(body["changed"]) == {"policy"}
    assert body["changed"]["policy"]["value"] == "ja" and body["changed"]["policy"]["by"] == "resp-kultur"
    page = await anna.get(f"/svar/{rid}/omrade/styrning")
    assert re.search(r'value="ja" checked', page.text)  # policy kept
    assert re.search(r'id="q-risk-changed">Ändrad av admin ', page.text)
    assert re.search(r'id="q-policy-changed" hidden>', page.text)  # her own change: no note
    # the same question from both, based on the same revision: one 409 naming it
    rev = revision_of(page.text)
    r1 = await anna.post(f"/svar/{rid}/omrade/styrning", {"revision": rev, "a:policy": "nej", "a:risk": "nej"},
                         headers=auto)
    r2 = await admin.post(f"/svar/{rid}/omrade/styrning", {"revision": rev, "a:policy": "delvis", "a:risk": "nej"},
                          headers=auto)
    assert (r1.status_code, r2.status_code) == (200, 409)
    assert set(r2.json()["theirs"]) == {"policy"}


async def test_invalid_number_does_not_stop_the_rest_of_the_area(browser, site):
    b = await browser("resp-kultur")
    rid = await start(b, site)
    page = await b.get(f"/svar/{rid}/omrade/drift")
    rev = revision_of(page.text)
    r = await b.post(f"/svar/{rid}/omrade/drift", {"revision": rev, "a:utbildade": "120", "a:ovningar": "kris",
                                                   "a:kommentar": "kvar"}, headers={"X-Autosave": "1"})
    assert r.status_code == 422, r.text
    body = r.json()
    assert set(body["errors"]) == {"utbildade"}
    assert body["questions"]["utbildade"] == "Hur stor andel av personalen har gått säkerhetsutbildningen?"
    assert body["revision"] == int(rev) + 1
    page = await b.get(f"/svar/{rid}/omrade/drift")
    assert re.search(r'value="kris" checked', page.text) and ">kvar</textarea>" in page.text
    assert 'id="q-utbildade-input" name="a:utbildade" type="text" inputmode="decimal" value=""' in page.text
    # without JavaScript: the page again with the error at the question, the rest saved
    r = await b.post(f"/svar/{rid}/omrade/drift", {"revision": revision_of(page.text), "a:utbildade": "mycket",
                                                   "a:ovningar": "phishing", "a:kommentar": "kvar"})
    assert r.status_code == 422 and 'id="q-utbildade-error"' in r.text
    page = await b.get(f"/svar/{rid}/omrade/drift")
    assert re.search(r'value="phishing" checked', page.text)
