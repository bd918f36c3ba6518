"""Issue 13, the rest of "Autosave that cannot lose input" and "decimal comma": in
Chromium, each question shows its own saved/failed state in a status region (Swedish,
and English with ?lang=en); a number typed with a decimal comma is saved and shown
with a comma again; axe-core finds nothing serious at 1280 and 390 px with the badges
showing."""
from __future__ import annotations

import pytest

from tests.e2e.e2e_support import run_axe
from tests.e2e.test_e2e_browser import login, start_survey

pytestmark = pytest.mark.db


async def _settled(page) -> None:
    """Wait until the autosave has answered (saved, or an answer refused)."""
    await page.wait_for_selector("#area-form:is([data-save-state=saved], [data-save-state=invalid])",
                                 state="attached")


async def test_per_question_badges_and_decimal_comma(browser_page, live):
    page = browser_page
    base, _ = live
    await login(page, base, "resp-kultur")
    rid = await start_survey(page, base)
    risk = page.locator("#q-risk-save")
    assert await risk.get_attribute("role") == "status" and await risk.inner_text() == ""
    await page.locator("#q-risk").get_by_label("Delvis", exact=True).check()
    await _settled(page)
    await page.wait_for_function("(id) => document.getElementById(id).textContent === 'Sparat'", arg="q-risk-save")
    assert "is-saved" in (await risk.get_attribute("class"))
    assert await page.locator("#q-policy-save").inner_text() == ""  # untouched: no badge

    # an invalid number fails at its question only; a decimal comma is a number
    await page.goto(f"{base}/svar/{rid}/omrade/drift")
    await page.locator("#q-utbildade-input").fill("120")
    await page.locator("#q-ovningar").get_by_label("Krisövning").check()
    await page.wait_for_function(
        "(id) => document.getElementById(id).textContent === 'Inte sparat'", arg="q-utbildade-save")
    await page.wait_for_function(
        "(id) => document.getElementById(id).textContent === 'Sparat'", arg="q-ovningar-save")
    for width in (1280, 390):
        await page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
        found = await run_axe(page)
        assert not found, found
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.locator("#q-utbildade-input").fill("72,5")
    await page.wait_for_function(  # editing clears "Inte sparat" only once it is saved
        "(id) => document.getElementById(id).textContent === 'Sparat'", arg="q-utbildade-save")
    await page.reload()
    assert await page.locator("#q-utbildade-input").input_value() == "72,5"
    assert await page.locator("#q-ovningar").get_by_label("Krisövning").is_checked()

    # English
    await page.goto(f"{base}/svar/{rid}/omrade/drift?lang=en")
    await page.locator("#q-utbildade-input").fill("60.5")
    await page.wait_for_function("(id) => document.getElementById(id).textContent === 'Saved'", arg="q-utbildade-save")
    await page.reload()
    assert await page.locator("#q-utbildade-input").input_value() == "60.5"
    await page.goto(f"{base}/svar/{rid}/utskrift?lang=sv")
    assert "60,5" in await page.locator("[data-question=utbildade]").inner_text()
