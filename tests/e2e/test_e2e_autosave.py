"""Autosave that loses nothing (issue 13) and the per-question merge on the page (issue
15), in Chromium against a served app."""
from __future__ import annotations

from tests.e2e.test_e2e_browser import login, saved, start_survey


async def test_choice_then_area_link_200_ms_later_is_saved(browser_page, live):
    page = browser_page
    base, _ = live
    await login(page, base, "resp-kultur")
    rid = await start_survey(page, base)
    await page.locator("#q-risk").get_by_label("Delvis", exact=True).check()
    await page.wait_for_timeout(200)
    await page.get_by_role("link", name="Teknisk säkerhet och drift").click()
    await page.wait_for_url(f"{base}/svar/{rid}/omrade/drift")
    # a comment typed and the page left at once
    await page.locator("#q-kommentar-input").fill("skrivet strax före")
    await page.get_by_role("link", name="Ledning och styrning").click()
    await page.wait_for_url(f"{base}/svar/{rid}/omrade/styrning")
    await page.wait_for_timeout(500)  # the keepalive request may still be on its way
    await page.reload()
    assert await page.locator("#q-risk").get_by_label("Delvis", exact=True).is_checked()
    await page.goto(f"{base}/svar/{rid}/omrade/drift")
    assert await page.locator("#q-kommentar-input").input_value() == "skrivet strax före"


async def test_two_people_on_one_area_see_changed_by(browser_page, live):
    page = browser_page
    base, _ = live
    await login(page, base, "resp-kultur")
    rid = await start_survey(page, base)
    other = await page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        second = await other.new_page()
        await login(second, base, "admin")
        await second.goto(f"{base}/svar/{rid}/omrade/styrning")
        await page.locator("#q-risk").get_by_label("Nej", exact=True).check()
        await saved(page)
        await second.locator("#q-policy").get_by_label("Ja", exact=True).check()
        await saved(second)  # no conflict: different questions
        note = second.locator("#q-risk-changed")
        await note.wait_for(state="visible")
        assert "Ändrad av resp-kultur" in await note.inner_text()
        assert await second.locator("#q-risk").get_by_label("Nej", exact=True).is_checked()
        await page.reload()
        assert await page.locator("#q-policy").get_by_label("Ja", exact=True).is_checked()
        assert await page.locator("#q-risk").get_by_label("Nej", exact=True).is_checked()
    finally:
        await other.close()
