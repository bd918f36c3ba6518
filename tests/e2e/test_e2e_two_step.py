"""Turning on two-step verification, in Chromium and in Swedish, both ways a user meets
it: from the account page, and at login when administrators must use it
(REQUIRE_MFA_ADMIN). Each page of the way is checked as the walk of issue 13 checks
pages: Swedish words only, no sideways scroll at 1280 and 390 px, axe-core finds nothing
serious; a wrong code is shown at the field and tied to it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.e2e_support import axe_report, check_in_swedish
from tests.e2e.test_e2e_browser import login

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "issue-13"


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


async def _secret(page) -> str:
    """The key the page shows, as a user types it into the app."""
    secret = (await page.inner_text("#totp-secret")).strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    uri = await page.get_attribute("#totp-uri", "href")
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri, uri
    return secret


async def test_turning_on_two_step_from_the_account_page(browser_page, live):
    import pyotp
    from survey_engine.services import mfa
    from survey_engine.services import users as user_service
    from tests.ui.ui_site import PASSWORD, system

    uid = (await user_service.create_user(system(), "tvasteg-analytiker", "analyst", password=PASSWORD)).id
    page = browser_page
    base, _ = live
    found, problems = [], {}

    await login(page, base, "tvasteg-analytiker")
    await page.goto(base + "/konto")
    await page.get_by_role("button", name="Slå på tvåstegsverifiering").click()
    await page.wait_for_selector("#totp-secret")
    words, axe = await check_in_swedish(page, "analytiker-tvasteg", (
        "Slå på tvåstegsverifiering", "autentiseringsapp", "Nyckel", "Kod från appen", "Avbryt"), SHOTS)
    found += words
    problems.update(axe)
    secret = await _secret(page)

    # a wrong code: the page says so at the field, and the same key is still shown
    await page.get_by_label("Kod från appen").fill(_wrong(pyotp.TOTP(secret).now()))
    await page.get_by_role("button", name="Slå på", exact=True).click()
    await page.wait_for_selector("#code-error")
    words, axe = await check_in_swedish(page, "analytiker-tvasteg-fel", ("Fel", "Kod från appen"), SHOTS)
    found += words
    problems.update(axe)
    assert await page.get_attribute("#code", "aria-invalid") == "true"
    assert await page.get_attribute("#code", "aria-describedby") == "code-error"
    assert await _secret(page) == secret
    assert not await mfa.enabled(uid)

    # too short: the browser refuses it in Swedish, nothing is sent
    await page.get_by_label("Kod från appen").fill("12")
    await page.get_by_role("button", name="Slå på", exact=True).click()
    message = await page.eval_on_selector("#code", "e => e.validationMessage")
    assert message.startswith("Skriv de sex siffrorna"), message

    await page.get_by_label("Kod från appen").fill(pyotp.TOTP(secret).now())
    await page.get_by_role("button", name="Slå på", exact=True).click()
    await page.wait_for_url(re.compile(r"/konto\?ok="))
    assert "Tvåstegsverifiering är på." in await page.inner_text("body")
    assert await mfa.enabled(uid)
    words, axe = await check_in_swedish(page, "analytiker-konto-tvasteg-pa", (
        "Tvåstegsverifiering", "Stäng av tvåstegsverifiering"), SHOTS)
    found += words
    problems.update(axe)
    assert not found, found
    assert not problems, axe_report(problems)


@pytest.fixture
def admins_need_two_step(monkeypatch):
    """The served app reads REQUIRE_MFA_ADMIN from the environment it is started with
    (`live` copies this process's environment), so this fixture comes before `live`."""
    monkeypatch.setenv("REQUIRE_MFA_ADMIN", "true")


async def test_an_administrator_sets_up_two_step_at_login_when_required(admins_need_two_step, browser_page, live):
    import pyotp
    from survey_engine.services import mfa
    from survey_engine.services import users as user_service
    from tests.ui.ui_site import PASSWORD, system

    uid = (await user_service.create_user(system(), "tvasteg-admin", "admin", password=PASSWORD)).id
    page = browser_page
    base, _ = live
    found, problems = [], {}

    await page.goto(base + "/logga-in")
    await page.get_by_label("Användarnamn").fill("tvasteg-admin")
    await page.get_by_label("Lösenord").fill(PASSWORD)
    await page.get_by_role("button", name="Logga in").click()
    await page.wait_for_url(re.compile(r"/logga-in/kod$"))
    words, axe = await check_in_swedish(page, "anonym-logga-in-ny-app", (
        "Engångskod", "autentiseringsapp", "Nyckel", "Kod", "Avbryt och börja om"), SHOTS)
    found += words
    problems.update(axe)
    secret = await _secret(page)

    # without the code there is no session: an admin page sends back to the login
    blocked = await page.context.new_page()
    await blocked.goto(base + "/admin/enheter")
    assert "/logga-in" in blocked.url
    await blocked.close()

    await page.get_by_label("Kod", exact=True).fill(_wrong(pyotp.TOTP(secret).now()))
    await page.get_by_role("button", name="Logga in").click()
    await page.wait_for_selector("#code-error")
    words, axe = await check_in_swedish(page, "anonym-logga-in-ny-app-fel", ("Fel", "Nyckel"), SHOTS)
    found += words
    problems.update(axe)
    assert await page.get_attribute("#code", "aria-invalid") == "true"
    assert await _secret(page) == secret  # the same key: the app already holds it
    assert not await mfa.enabled(uid)

    await page.get_by_label("Kod", exact=True).fill(pyotp.TOTP(secret).now())
    await page.get_by_role("button", name="Logga in").click()
    await page.wait_for_load_state("networkidle")
    assert "/logga-in" not in page.url, page.url
    assert await mfa.enabled(uid)
    await page.goto(base + "/konto")
    text = await page.inner_text("body")
    # required for administrators: on, and no way to turn it off from the page
    assert "Tvåstegsverifiering" in text and "Stäng av tvåstegsverifiering" not in text
    assert not found, found
    assert not problems, axe_report(problems)
