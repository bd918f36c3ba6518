"""Sign-off in a real browser (Chromium, axe-core) in Swedish at 1280 and 390 px: the
approver's list and review page, returning with a comment (the confirmation dialog),
the respondents' banner, submitting again and approving (docs/sign-off.md).
Screenshots go to artifacts/issue-17/."""
from __future__ import annotations

import pytest

from tests.e2e.e2e_support import REPO, run_axe
from tests.e2e.test_e2e_browser import login

pytestmark = pytest.mark.db
SHOTS = REPO / "artifacts" / "issue-17"
ANSWERS = {"policy": "ja", "policy-oversyn": "ja", "risk": "delvis", "utbildade": 90, "ovningar": ["kris"]}


async def _prepare(round_id: int) -> int:
    """An approver for kultur and kultur's submitted response (the server is another process)."""
    from survey_engine.services import responses
    from survey_engine.services import users as auth_service
    from survey_engine.services.access import system_actor
    from tests.ui.ui_site import PASSWORD

    actor = system_actor("tests")
    await auth_service.create_user(actor, "chef-kultur", "approver", password=PASSWORD, units=["kultur"],
                                   display_name="Förvaltningschef Kultur")
    state, _ = await responses.start_response(round_id, "kultur", actor=actor)
    state = await responses.save_answers(state.id, state.revision, ANSWERS,
                                         comments={"risk": "Riskanalysen görs om i vår."}, actor=actor)
    return (await responses.submit_response(state.id, actor=actor)).id


async def test_return_and_approve_in_the_browser(browser_page, live):
    base, site = live
    response_id = await _prepare(site.round_id)
    page = browser_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: dict[str, list] = {}
    asked: list[str] = []

    async def on_dialog(dialog):
        asked.append(dialog.message)
        await dialog.accept()

    page.on("dialog", on_dialog)

    async def check(name: str) -> None:
        await page.wait_for_load_state("networkidle")
        found = await run_axe(page)
        if found:
            problems[name] = found
        width = await page.evaluate("() => document.documentElement.scrollWidth")
        viewport = page.viewport_size["width"]
        if width > viewport:
            problems[name + "-scroll"] = [{"id": "horizontal-scroll", "impact": "serious",
                                           "help": f"{width} px wide in {viewport}", "nodes": []}]
        await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    await login(page, base, "chef-kultur")
    assert page.url.endswith("/godkannande")
    for width in (1280, 390):
        await page.set_viewport_size({"width": width, "height": 900})
        await page.goto(base + "/godkannande")
        await check(f"godkannande-lista-{width}")
        await page.goto(f"{base}/godkannande/{response_id}")
        await check(f"godkannande-granska-{width}")
    await page.set_viewport_size({"width": 1280, "height": 900})

    # return: the comment and the tick box, then the confirmation dialog
    await page.get_by_label("Vad behöver ändras? (krävs)").fill("Komplettera riskanalysen med datum.")
    await page.get_by_label("Jag vill skicka tillbaka svaret för ändringar.").check()
    await page.get_by_role("button", name="Skicka tillbaka svaret").click()
    await page.wait_for_selector("#signoff-state[data-state=returned]")
    assert asked and "Skicka tillbaka svaret?" in asked[-1]
    assert "Komplettera riskanalysen med datum." in await page.locator("#decisions").inner_text()
    await check("godkannande-aterskickat-1280")

    # the respondent sees why, at 390 px too, and submits again
    await page.context.clear_cookies()
    await login(page, base, "resp-kultur")
    for width in (1280, 390):
        await page.set_viewport_size({"width": width, "height": 900})
        await page.goto(base + "/mina-enkater")
        banner = page.locator(f"#returned-{response_id}")
        assert "Komplettera riskanalysen med datum." in await banner.inner_text()
        await check(f"respondent-aterskickat-{width}")
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.goto(f"{base}/svar/{response_id}/sammanfattning")
    assert await page.locator("#returned-banner").is_visible()
    await page.get_by_label("Jag bekräftar att svaren är klara och ska skickas in. Efter inskickning kan de inte ändras.").check()
    await page.get_by_role("button", name="Skicka in svaret").click()
    await page.wait_for_url(f"**/svar/{response_id}/resultat")

    # the approver approves the new submission
    await page.context.clear_cookies()
    await login(page, base, "chef-kultur")
    await page.get_by_role("link", name="Granska").first.click()
    await page.get_by_label("Kommentar (valfri)").fill("Bra, tack.")
    await page.get_by_role("button", name="Godkänn svaret").click()
    await page.wait_for_selector("#signoff-state[data-state=approved]")
    assert await page.locator("#approved-notice").is_visible()
    await check("godkannande-godkant-1280")

    details = "\n".join(f"{n}: {v['id']} ({v['impact']}) {v['help']} {v['nodes']}"
                        for n, found in problems.items() for v in found)
    assert not problems, "axe-core found serious or critical violations:\n" + details
