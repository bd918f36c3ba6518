"""A real browser against a real server: a respondent answers, reloads, sees a
conditional question appear, is told what is missing, submits and sees the engine's
levels; an analyst finds the förvaltning in the comparison. axe-core checks every
page type; a question is answered with the keyboard alone. Screenshots go to
artifacts/screenshots/."""
from __future__ import annotations

import re

import pytest

from tests.e2e.e2e_support import run_axe, screenshot
from tests.ui.ui_site import PASSWORD, QUESTIONNAIRE



async def login(page, base: str, username: str) -> None:
    await page.goto(base + "/logga-in")
    await page.get_by_label("Användarnamn").fill(username)
    await page.get_by_label("Lösenord").fill(PASSWORD)
    await page.get_by_role("button", name="Logga in").click()
    await page.wait_for_load_state("networkidle")
    assert "/logga-in" not in page.url, await page.content()


async def saved(page) -> None:
    """Wait until the autosave has stored every change."""
    await page.wait_for_selector("#area-form[data-save-state=saved]", state="attached")


async def start_survey(page, base: str) -> int:
    await page.goto(base + "/mina-enkater")
    await page.get_by_role("button", name=re.compile("Börja svara")).click()
    await page.wait_for_url(re.compile(r"/svar/\d+/omrade/styrning"))
    return int(re.search(r"/svar/(\d+)/", page.url).group(1))


async def test_respondent_answers_submits_and_analyst_compares(browser_page, live):
    from survey_engine.scoring import score_response
    from survey_engine.services.questionnaires import parse_source

    page = browser_page
    base, site = live
    page.on("dialog", lambda dialog: dialog.accept())
    await login(page, base, "resp-kultur")
    assert page.url.endswith("/mina-enkater")
    rid = await start_survey(page, base)

    # a conditional question appears when the question it depends on is answered
    review = page.locator("#q-policy-oversyn")
    assert await review.is_hidden()
    await page.locator("#q-policy").get_by_label("Ja", exact=True).check()
    await review.wait_for(state="visible")
    await saved(page)
    await page.locator("#q-risk").get_by_label("Delvis", exact=True).check()
    await saved(page)
    await expect_text(page, "#save-status", "Sparat")

    # reload: the answers were kept on the server
    await page.reload()
    assert await page.locator("#q-policy").get_by_label("Ja", exact=True).is_checked()
    assert await page.locator("#q-risk").get_by_label("Delvis", exact=True).is_checked()
    assert await review.is_visible()

    # try to submit: what is missing is listed with links
    await page.goto(f"{base}/svar/{rid}/sammanfattning")
    await page.get_by_label(re.compile("Jag bekräftar")).check()
    await page.get_by_role("button", name="Skicka in svaret").click()
    await page.wait_for_load_state("networkidle")
    missing = page.locator("ul.missing")
    assert "Ses policyn över minst en gång om året?" in await missing.inner_text()
    assert "Hur stor andel av personalen" in await missing.inner_text()
    assert "saknar svar" in await page.locator(".notice-error").inner_text()
    await screenshot(page, "05-sammanfattning-saknas")

    # follow the link to a missing question and complete the survey
    await missing.get_by_role("link", name=re.compile("Ses policyn")).click()
    await page.wait_for_url(re.compile(r"/omrade/styrning#q-policy-oversyn"))
    await page.locator("#q-policy-oversyn").get_by_label("Ja", exact=True).check()
    await page.locator("#q-risk").get_by_label("Ja", exact=True).check()
    await saved(page)
    await page.get_by_role("button", name="Spara och gå till nästa område").click()
    await page.wait_for_url(re.compile(r"/omrade/drift"))
    await page.get_by_label(re.compile("Hur stor andel av personalen")).fill("85")
    await page.locator("#q-ovningar").get_by_label("Krisövning").check()
    await page.locator("#q-ovningar").get_by_label("Nätfiskeövning").check()
    await page.get_by_label("Övriga kommentarer").fill("Övning i maj.")
    await saved(page)
    await page.get_by_role("button", name="Spara och gå till sammanfattningen").click()
    await page.wait_for_url(re.compile(r"/sammanfattning$"))
    assert "Alla obligatoriska frågor är besvarade" in await page.content()
    await page.get_by_label(re.compile("Jag bekräftar")).check()
    await page.get_by_role("button", name="Skicka in svaret").click()
    await page.wait_for_url(re.compile(r"/resultat$"))
    await screenshot(page, "06-resultat")

    # the levels on the page are the engine's
    expected = score_response(parse_source(QUESTIONNAIRE), {
        "policy": "ja", "policy-oversyn": "ja", "risk": "ja", "utbildade": 85,
        "ovningar": ["kris", "phishing"], "kommentar": "Övning i maj.",
    })
    shown = await page.locator("[data-testid=overall-level]").get_attribute("data-level")
    assert shown == str(expected.overall.level)
    for area in expected.areas:
        row = page.locator(f"#area-levels tr[data-area='{area.id}']")
        assert await row.get_attribute("data-level") == str(area.level)
        assert str(area.target_level) in await row.inner_text()
    assert await page.locator("figure.chart svg[role=img]:visible").count() == 1

    # log out; the analyst finds the förvaltning in the comparison
    await page.get_by_role("button", name="Logga ut").click()
    await page.wait_for_url(re.compile(r"/logga-in"))
    await login(page, base, "analytiker")
    await page.get_by_role("link", name=re.compile("Jämförelse")).first.click()
    await page.wait_for_url(re.compile(r"/jamforelse"))
    row = page.locator("#compare-table tr[data-unit=kultur]")
    assert "Kulturförvaltningen" in await row.inner_text()
    assert f"{expected.overall.level}" in (await row.locator("td").first.inner_text())
    await screenshot(page, "08-jamforelse")


async def expect_text(page, selector: str, text: str) -> None:
    await page.wait_for_function(
        "([s, t]) => { const el = document.querySelector(s); return el && el.textContent.includes(t); }",
        arg=[selector, text])


async def test_keyboard_alone_answers_a_question(browser_page, live):
    page = browser_page
    base, _ = live
    await login(page, base, "resp-kultur")
    await start_survey(page, base)
    await page.reload()
    # Tab from the top of the page to the first answer control
    for _ in range(80):
        await page.keyboard.press("Tab")
        name = await page.evaluate("document.activeElement && document.activeElement.name")
        if name == "a:policy":
            break
    else:
        pytest.fail("Tab never reached the first question")
    # the focused control has a visible focus indicator
    outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    await page.keyboard.press("Space")
    assert await page.locator("#q-policy").get_by_label("Ja", exact=True).is_checked()
    await page.keyboard.press("ArrowDown")
    assert await page.locator("#q-policy").get_by_label("Delvis", exact=True).is_checked()
    await saved(page)
    await page.reload()
    assert await page.locator("#q-policy").get_by_label("Delvis", exact=True).is_checked()
    # the skip link is the first stop and moves to the main content
    await page.keyboard.press("Tab")
    assert (await page.evaluate("document.activeElement.className")) == "skip-link"
    await page.keyboard.press("Enter")
    assert await page.evaluate("location.hash") == "#main"


async def test_axe_on_every_page_type_and_screenshots(browser_page, live):
    page = browser_page
    base, site = live
    page.on("dialog", lambda dialog: dialog.accept())
    problems: dict[str, list] = {}

    async def check(name: str) -> None:
        await page.wait_for_load_state("networkidle")
        found = await run_axe(page)
        if found:
            problems[name] = found
        await screenshot(page, name)

    await page.goto(base + "/logga-in")
    await check("01-logga-in")
    await page.get_by_label("Användarnamn").fill("resp-kultur")
    await page.get_by_label("Lösenord").fill("fel-lösenord-123")
    await page.get_by_role("button", name="Logga in").click()
    await check("01b-logga-in-fel")
    await login(page, base, "resp-kultur")
    await check("02-mina-enkater")
    rid = await start_survey(page, base)
    await page.locator("#q-policy").get_by_label("Ja", exact=True).check()
    await saved(page)
    await check("03-omrade-styrning")
    await page.goto(f"{base}/svar/{rid}/omrade/drift")
    await page.get_by_label(re.compile("Hur stor andel av personalen")).fill("mycket")
    await page.get_by_role("button", name="Spara", exact=True).click()
    await page.wait_for_selector(".field-error")
    await check("04-omrade-drift-fel")
    await page.set_viewport_size({"width": 820, "height": 1180})  # a tablet held upright
    await page.goto(f"{base}/svar/{rid}/omrade/styrning")
    await check("04b-omrade-surfplatta")
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.goto(f"{base}/svar/{rid}/sammanfattning")
    await check("05b-sammanfattning")
    await page.goto(f"{base}/svar/{rid}/resultat")
    await check("06b-resultat-forhandsvisning")
    await page.goto(f"{base}/analys/omgang/{site.round_id}")
    await check("09-ingen-behorighet")
    await page.goto(f"{base}/mina-enkater?lang=en")
    await check("02b-my-surveys-en")
    await page.goto(f"{base}/mina-enkater?lang=sv")

    await page.get_by_role("button", name="Logga ut").click()
    await login(page, base, "analytiker")
    for name, url in (("07-omgangar", "/analys"), ("07b-oversikt", f"/analys/omgang/{site.round_id}"),
                      ("08b-jamforelse", f"/analys/omgang/{site.round_id}/jamforelse?sort=-percent"),
                      ("08c-forvaltning", f"/analys/omgang/{site.round_id}/enhet/kultur"),
                      ("08d-trender", "/analys/trender")):
        await page.goto(base + url)
        await check(name)

    await page.get_by_role("button", name="Logga ut").click()
    await login(page, base, "admin")
    for name, url in (("10-admin", "/admin"), ("10b-enheter", "/admin/enheter"),
                      ("10c-anvandare", "/admin/anvandare"), ("10d-omgangar", "/admin/omgangar"),
                      ("10e-enkater", "/admin/enkater")):
        await page.goto(base + url)
        await check(name)
    await page.locator("#q-file").set_input_files(files=[{
        "name": "trasig.yaml", "mimeType": "application/x-yaml",
        "buffer": b"format: 1\nid: Fel Id\nversion: '2026.1'\ntitle: x\nlanguages: [sv]\nlevels: []\nareas: []\n"}])
    await page.get_by_role("button", name="Publicera").click()
    await page.wait_for_selector("#upload-errors")
    assert "rad 2" in await page.locator("#upload-errors").inner_text()
    await check("10f-enkater-fel")

    await page.get_by_role("button", name="Logga ut").click()
    await login(page, base, "revisor")
    await page.goto(base + "/granskning/logg")
    await check("11-granskningslogg")
    await page.goto(base + "/admin/anvandare")
    assert await page.locator("form[action^='/admin']").count() == 0
    await check("11b-revisor-anvandare")

    # the check can fail: a page with an image without a text alternative
    await page.set_content('<!doctype html><html lang="sv"><head><title>t</title></head>'
                           '<body><main><img src="x.png"></main></body></html>')
    assert "image-alt" in {v["id"] for v in await run_axe(page)}

    details = "\n".join(f"{page_name}: {v['id']} ({v['impact']}) {v['help']} {v['nodes']}"
                        for page_name, found in problems.items() for v in found)
    assert not problems, "axe-core found serious or critical violations:\n" + details


async def test_conflict_keeps_the_users_input(browser_page, live):
    """Two people on the same response: the second one's autosave is refused with a
    clear message and the first one's value, and their own choice stays in the form."""
    page = browser_page
    base, _ = live
    await login(page, base, "resp-kultur")
    rid = await start_survey(page, base)
    other = await page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        second = await other.new_page()
        await login(second, base, "resp-kultur")
        await second.goto(f"{base}/svar/{rid}/omrade/styrning")
        await page.locator("#q-risk").get_by_label("Nej", exact=True).check()
        await saved(page)
        await second.locator("#q-risk").get_by_label("Ja", exact=True).check()
        await second.wait_for_selector("#area-form[data-save-state=conflict]", state="attached")
        warning = second.locator("#conflict")
        assert "Någon annan har sparat ändringar" in await warning.inner_text()
        assert "Nej" in await second.locator("#q-risk .theirs").inner_text()
        assert await second.locator("#q-risk").get_by_label("Ja", exact=True).is_checked()
        await screenshot(second, "03b-konflikt")
        await warning.get_by_role("button", name="Behåll mina svar och spara").click()
        await saved(second)
        await page.reload()
        assert await page.locator("#q-risk").get_by_label("Ja", exact=True).is_checked()
    finally:
        await other.close()
