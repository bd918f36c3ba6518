"""The respondent's pages through the server: start, answer an area, conditional
questions, conflicts, the summary, submitting and the result."""
from __future__ import annotations

import re

import pytest

from survey_engine.scoring import score_response
from survey_engine.services.questionnaires import parse_source
from tests.ui.ui_site import QUESTIONNAIRE



async def start(b, site, unit="kultur") -> int:
    await b.get("/mina-enkater")
    r = await b.post("/mina-enkater/starta", {"round": str(site.round_id), "unit": unit})
    assert r.status_code == 303, r.text
    r = await b.get(r.headers["location"])
    assert r.status_code == 303
    m = re.match(r"/svar/(\d+)/omrade/styrning", r.headers["location"])
    assert m, r.headers["location"]
    return int(m.group(1))


def revision_of(html: str) -> str:
    return re.search(r'name="revision" value="(\d+)"', html).group(1)


async def test_my_surveys_lists_own_units_only(browser, site):
    b = await browser("resp-kultur")
    r = await b.get("/mina-enkater")
    assert r.status_code == 200
    assert "Kulturförvaltningen" in r.text
    assert "Miljöförvaltningen" not in r.text
    assert 'lang="sv"' in r.text


async def test_answer_area_and_conditional_question(browser, site):
    b = await browser("resp-kultur")
    rid = await start(b, site)
    r = await b.get(f"/svar/{rid}/omrade/styrning")
    assert r.status_code == 200
    # the review question depends on the policy answer: hidden at first
    assert re.search(r'<section class="question" id="q-policy-oversyn"[^>]*hidden', r.text)
    assert "<legend" in r.text and "Vet ej" in r.text and "Ej tillämpligt" in r.text
    assert "<details class=\"guidance\">" in r.text
    r = await b.post(f"/svar/{rid}/omrade/styrning", {
        "revision": revision_of(r.text), "a:policy": "ja", "a:risk": "delvis", "c:policy": "Beslutad 2025",
    })
    assert r.status_code == 303 and r.headers["location"].endswith("?sparat=1")
    r = await b.get(r.headers["location"])
    assert "Sparat" in r.text
    assert re.search(r'value="ja" checked', r.text)
    assert "Beslutad 2025" in r.text
    # now shown without any script: the server evaluated the condition
    assert not re.search(r'<section class="question" id="q-policy-oversyn"[^>]*hidden', r.text)


async def test_autosave_json_and_conflict_keeps_input(browser, site):
    b = await browser("resp-kultur")
    rid = await start(b, site)
    r = await b.get(f"/svar/{rid}/omrade/styrning")
    rev = revision_of(r.text)
    r = await b.post(f"/svar/{rid}/omrade/styrning", {"revision": rev, "a:policy": "nej"}, headers={"X-Autosave": "1"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["revision"] == int(rev) + 1 and body["message"].startswith("Sparat ")
    # a second tab still has the old revision
    r = await b.post(f"/svar/{rid}/omrade/styrning", {"revision": rev, "a:policy": "ja"}, headers={"X-Autosave": "1"})
    assert r.status_code == 409
    assert r.json()["theirs"] == {"policy": "Nej"}
    # without JavaScript: the page again, the user's answer kept, the other value shown
    r = await b.post(f"/svar/{rid}/omrade/styrning", {"revision": rev, "a:policy": "ja"})
    assert r.status_code == 409
    assert "Någon annan har sparat ändringar" in r.text
    assert re.search(r'value="ja" checked', r.text)
    assert "Sparat av någon annan:" in r.text and "<strong>Nej</strong>" in r.text
    assert revision_of(r.text) == str(int(rev) + 1)


async def test_invalid_number_is_shown_on_its_field(browser, site):
    b = await browser("resp-kultur")
    rid = await start(b, site)
    r = await b.get(f"/svar/{rid}/omrade/drift")
    r = await b.post(f"/svar/{rid}/omrade/drift", {"revision": revision_of(r.text), "a:utbildade": "mycket"})
    assert r.status_code == 422
    assert 'aria-invalid="true"' in r.text
    assert re.search(r'aria-describedby="q-utbildade-hint q-utbildade-error"', r.text)
    assert 'value="mycket"' in r.text
    r = await b.post(f"/svar/{rid}/omrade/drift", {"revision": revision_of(r.text), "a:utbildade": "150"})
    assert r.status_code == 422 and 'id="q-utbildade-error"' in r.text


async def test_summary_submit_and_result_equal_engine(browser, site):
    b = await browser("resp-kultur")
    rid = await start(b, site)
    r = await b.get(f"/svar/{rid}/sammanfattning")
    assert r.status_code == 200
    assert f'href="/svar/{rid}/omrade/styrning#q-policy"' in r.text
    assert f'href="/svar/{rid}/omrade/drift#q-utbildade"' in r.text
    # submitting while incomplete: refused, the missing list shown
    r = await b.post(f"/svar/{rid}/skicka-in", {"confirm": "yes", "revision": "0"})
    assert r.status_code == 422 and "obligatoriska" in r.text
    page = await b.get(f"/svar/{rid}/omrade/styrning")
    await b.post(f"/svar/{rid}/omrade/styrning", {"revision": revision_of(page.text), "a:policy": "ja",
                                                  "a:policy-oversyn": "nej", "a:risk": "ja"})
    page = await b.get(f"/svar/{rid}/omrade/drift")
    r = await b.post(f"/svar/{rid}/omrade/drift", {"revision": revision_of(page.text), "a:utbildade": "85",
                                                   "a:ovningar": ["kris", "phishing"], "go": "summary"})
    assert r.headers["location"] == f"/svar/{rid}/sammanfattning"
    r = await b.get(f"/svar/{rid}/sammanfattning")
    assert "Alla obligatoriska frågor är besvarade" in r.text
    # the confirmation box is required
    r = await b.post(f"/svar/{rid}/skicka-in", {"revision": revision_of(r.text)})
    assert r.status_code == 422 and 'aria-describedby="confirm-error"' in r.text
    r = await b.post(f"/svar/{rid}/skicka-in", {"revision": revision_of(r.text), "confirm": "yes"})
    assert r.status_code == 303 and r.headers["location"] == f"/svar/{rid}/resultat"
    r = await b.get(f"/svar/{rid}/resultat")
    assert r.status_code == 200
    expected = score_response(parse_source(QUESTIONNAIRE), {
        "policy": "ja", "policy-oversyn": "nej", "risk": "ja", "utbildade": 85, "ovningar": ["kris", "phishing"],
    })
    assert re.search(r'data-testid="overall-level" data-level="(\d*)"', r.text).group(1) == str(expected.overall.level)
    for area in expected.areas:
        assert f'data-area="{area.id}" data-level="{area.level}"' in r.text
    assert '<svg role="img"' in r.text
    # what is missing for the next level, with guidance
    assert "Det här saknas för nästa nivå" in r.text
    assert "Ses policyn över minst en gång om året?" in r.text
    # submitted: the area page is read-only, and saving is refused
    r = await b.get(f"/svar/{rid}/omrade/styrning")
    assert "Svaret är inskickat" in r.text and 'type="radio"' not in r.text
    r = await b.post(f"/svar/{rid}/omrade/styrning", {"revision": "99", "a:policy": "nej"})
    assert r.status_code == 409


async def test_multi_none_of_these_and_english(browser, site):
    b = await browser("resp-kultur")
    rid = await start(b, site)
    r = await b.get(f"/svar/{rid}/omrade/drift?lang=en")
    assert 'lang="en"' in r.text and "None of these" in r.text and "Save" in r.text
    assert "lang=en" in r.headers.get("set-cookie", "")
    r = await b.post(f"/svar/{rid}/omrade/drift", {"revision": revision_of(r.text), "a:ovningar": "__none__"},
                     headers={"X-Autosave": "1"})
    assert r.status_code == 200 and r.json()["message"].startswith("Saved ")
    r = await b.get(f"/svar/{rid}/omrade/drift")  # the cookie keeps English
    assert 'lang="en"' in r.text
    assert re.search(r'value="__none__" data-none-of-these checked', r.text)
