"""Shared answers in Chromium with axe-core (issue 17, item 1; docs/shared-answers.md):
the served unit's area page with the provider's answer read-only ("Besvaras av …"), the
toggle to answer itself with a required reason (the browser refuses an empty reason, the
server too), the page after the override and the way back; the configuration page.
1280 and 390 px, Swedish; no horizontal scroll. Screenshots in artifacts/screenshots/."""
from __future__ import annotations

import re

import pytest

from tests.e2e.e2e_support import run_axe, screenshot, sideways_scroll
from tests.e2e.test_e2e_browser import login

pytestmark = pytest.mark.db


async def _share(site) -> int:
    """skola answers the drift area for kultur and miljo (services, before any page)."""
    from survey_engine.services import provided, responses
    from survey_engine.services.policy import Principal, Role
    from tests.ui.ui_site import system

    def resp(unit):
        return Principal(f"{unit}.svar", Role.RESPONDENT, frozenset({unit}), via="cli")

    await provided.set_provider(site.round_id, "skola", "area:drift", ["kultur", "miljo"], actor=system())
    p, _ = await responses.start_response(site.round_id, "skola", actor=resp("skola"))
    await responses.save_answers(p.id, p.revision, {"utbildade": 85, "ovningar": ["kris", "phishing"]},
                                 comments={"utbildade": "Uppgift från lärplattformen, hela staden"},
                                 evidence={"ovningar": "Övningsrapport 2026-03, dnr SF 2026/118"}, actor=resp("skola"))
    mine, _ = await responses.start_response(site.round_id, "kultur", actor=resp("kultur"))
    return mine.id


async def test_served_unit_page_provided_answer_and_override(browser_page, live):
    page = browser_page
    base, site = live
    rid = await _share(site)
    problems: dict[str, list] = {}

    async def check(name: str) -> None:
        await page.wait_for_load_state("networkidle")
        found = await run_axe(page)
        if found:
            problems[name] = found
        assert await sideways_scroll(page) <= 0, name
        await screenshot(page, name)

    await login(page, base, "resp-kultur")
    await page.goto(f"{base}/svar/{rid}/omrade/drift")
    section = page.locator("#q-utbildade")
    await section.get_by_text("Besvaras av Skolförvaltningen").wait_for()
    assert "85 %" in await section.inner_text()
    assert "Övningsrapport 2026-03" in await page.locator("#q-ovningar").inner_text()
    await check("60-delat-svar")
    # the toggle opens the own-answer form; an empty reason is refused by the browser
    await section.get_by_text("Svara själva i stället").click()
    await section.get_by_label("Ert svar").fill("40")
    await section.get_by_role("button", name=re.compile("Spara eget svar")).click()
    assert page.url.endswith("/omrade/drift")
    assert await section.get_by_label(re.compile("Skäl till att ni svarar själva")).evaluate("e => !e.validity.valid")
    await check("61-delat-svar-eget-oppet")
    await section.get_by_label(re.compile("Skäl till att ni svarar själva")).fill(
        "Vi har egen personal som inte finns i lärplattformen")
    await section.get_by_role("button", name=re.compile("Spara eget svar")).click()
    await page.wait_for_url(re.compile(r"/omrade/drift\?ok="))
    note = page.locator("#q-utbildade-override")
    assert "egen personal" in await note.inner_text()
    assert await page.locator("#q-utbildade-input").input_value() == "40"
    await check("62-delat-svar-eget")
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.reload()
    await check("63-delat-svar-mobil")
    await page.set_viewport_size({"width": 1280, "height": 900})
    # back to the provider's answer
    await note.get_by_role("button", name=re.compile("Använd Skolförvaltningens svar")).click()
    await page.wait_for_url(re.compile(r"/omrade/drift\?ok="))
    await page.locator("#q-utbildade").get_by_text("Besvaras av Skolförvaltningen").wait_for()
    # the configuration page, as the analyst sees it
    context = page.context
    await context.clear_cookies()
    await login(page, base, "analytiker")
    await page.goto(f"{base}/delade-svar/{site.round_id}")
    await check("64-delade-svar-installning")
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.reload()
    await check("65-delade-svar-installning-mobil")
    assert not problems, problems


async def test_show_if_on_a_provided_question_in_the_browser(browser_page, live):
    """The page's script sees the provider's answer (there is no input for it): a question
    shown only when the provided `backup` is ja stays shown as the user answers the area."""
    from tests.helpers.provided import VILLKOR
    from survey_engine.services import provided, questionnaires, responses, rounds
    from survey_engine.services.policy import Principal, Role
    from tests.ui.ui_site import system

    def resp(unit):
        return Principal(f"{unit}.svar", Role.RESPONDENT, frozenset({unit}), via="cli")

    page = browser_page
    base, site = live
    await questionnaires.publish_questionnaire(VILLKOR, actor=system(), source="villkor.yaml")
    rnd = await rounds.create_round("Villkor 2026", "villkor", "2026.1", ["kultur", "skola"], actor=system())
    await rounds.open_round(rnd.id, actor=system())
    await provided.set_provider(rnd.id, "skola", "tag:it-drift", ["kultur"], actor=system())
    p, _ = await responses.start_response(rnd.id, "skola", actor=resp("skola"))
    p = await responses.save_answers(p.id, p.revision, {"backup": "ja"}, actor=resp("skola"))
    mine, _ = await responses.start_response(rnd.id, "kultur", actor=resp("kultur"))

    await login(page, base, "resp-kultur")
    await page.goto(f"{base}/svar/{mine.id}/omrade/drift")
    await page.wait_for_load_state("networkidle")
    dependent = page.locator("#q-aterlasning")
    assert await dependent.is_visible()  # the script kept it: backup is ja (skola's answer)
    await page.locator("#q-rutin").get_by_label("Ja", exact=True).check()  # any change runs the conditions again
    assert await dependent.is_visible()
    await dependent.get_by_label("Delvis", exact=True).check()
    assert await dependent.is_visible()
    # skola changes to nej: the question is hidden on the next load, and stays hidden
    await responses.save_answers(p.id, p.revision, {"backup": "nej"}, actor=resp("skola"))
    await page.reload()
    await page.wait_for_load_state("networkidle")
    assert not await dependent.is_visible()
    await page.locator("#q-rutin").get_by_label("Nej", exact=True).check()
    assert not await dependent.is_visible()
    assert await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
