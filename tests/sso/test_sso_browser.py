"""Single sign-on in Chromium: the login page's "Logga in med organisationens konto"
button, the provider's own login form, back to the app logged in; and a replayed
callback shows a clear page (docs/security.md, "Inloggning med OpenID Connect")."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.sso.sso_support import REPO, oidc_environment

HERE = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.db


def require_chromium() -> None:
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} saknas / is missing"
    else:
        try:
            import playwright.async_api  # noqa: F401
        except ImportError:
            reason = "playwright saknas / is missing"
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI: the browser test cannot run: {reason}")
    pytest.skip(reason)


@pytest.fixture
async def served(db, oidc_provider):
    """The app served by uvicorn on the port whose callback the provider knows."""
    require_chromium()
    from survey_engine.services import oidc

    oidc_provider.mode("normal")
    oidc.forget_provider_metadata()
    port = oidc_provider.browser_port
    env = {**os.environ, **oidc_environment(oidc_provider)}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    log = open(REPO / "artifacts" / "sso-server.log", "ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "tests.e2e.e2e_app:app", "--factory", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning"], cwd=str(REPO), env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the server stopped at start (exit {proc.returncode}); see artifacts/sso-server.log")
            try:
                if httpx.get(base + "/logga-in", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the server did not answer within 120 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.mark.parametrize("width", [1280, 390])
async def test_browser_login_with_the_organisations_account(served, width):
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": width, "height": 900}, locale="sv-SE")
        page = await context.new_page()
        page.set_default_timeout(30000)
        try:
            await page.goto(served + "/logga-in")
            await page.get_by_role("link", name="Logga in med organisationens konto").click()
            # The provider's own login form (any name is accepted by its development form).
            await page.wait_for_selector('input[name="login"]')
            assert page.url.startswith(served) is False
            await page.fill('input[name="login"]', "anna.admin")
            await page.fill('input[name="password"]', "vad som helst")
            callback_urls: list[str] = []
            page.on("request", lambda r: callback_urls.append(r.url) if "/sso/callback" in r.url else None)
            await page.click('button[type="submit"]')
            await page.wait_for_url(served + "/admin*")
            assert "anna.admin" in await page.locator(".who").inner_text()
            (REPO / "artifacts" / "screenshots").mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(REPO / "artifacts" / "screenshots" / f"sso-admin-{width}.png"))

            # The same callback again (back button, a shared link, an attacker's replay).
            assert callback_urls
            await page.goto(callback_urls[0])
            assert "Inloggningen gick inte igenom" in await page.locator("h1").inner_text()
            assert "redan använd" in await page.locator("#sso-error").inner_text()
            await page.screenshot(path=str(REPO / "artifacts" / "screenshots" / f"sso-replay-{width}.png"))
        finally:
            await context.close()
            await browser.close()
