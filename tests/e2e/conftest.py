"""Browser tests: a real uvicorn server on a free localhost port with a fresh database
(the `db` fixture's, seeded with tests/ui/ui_site.py), driven by Debian's chromium
through the PyPI playwright package, with axe-core injected into every page.

Without the browser, playwright or axe-core these tests are skipped on a developer's
machine, and fail in CI (CI=true), where .ci/run installs all three."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = Path(os.environ.get("AXE_CORE_JS", REPO / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"))
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} saknas / is missing (apt-get install -y chromium)"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "playwright saknas / is missing (pip install -e '.[test]')"
    if not AXE.exists():
        return f"{AXE} saknas / is missing (npm install --prefix .cache/axe axe-core@4)"
    return None


def require_browser() -> None:
    """Skip on a developer's machine without the browser; fail in CI (CI=true)."""
    reason = _missing()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI: the browser tests cannot run: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def fast_hashes(monkeypatch):
    """Users are created with cheap argon2 parameters (the server re-hashes them with
    the real ones at the first login)."""
    from tests.helpers.auth import cheap_password_hashing

    cheap_password_hashing(monkeypatch)


@pytest.fixture
async def live(db, fast_hashes):
    """(base URL, site) of a served app on a freshly seeded database."""
    require_browser()
    from tests.ui.ui_site import build_site

    site = await build_site()
    port = _free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    (REPO / "artifacts").mkdir(exist_ok=True)
    log = open(REPO / "artifacts" / "e2e-server.log", "ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "tests.e2e.e2e_app:app", "--factory", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning"],
        cwd=str(REPO), env=env, stdout=log, stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server stopped at start (exit {proc.returncode}); see artifacts/e2e-server.log")
            try:
                async with httpx.AsyncClient() as c:
                    if (await c.get(base + "/logga-in", timeout=2)).status_code == 200:
                        break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer within 60 s")
            await __import__("asyncio").sleep(0.2)
        yield base, site
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture
async def browser_page(live):
    """A fresh Chromium page (1280 × 900, a tablet-sized viewport is set per test)."""
    from playwright.async_api import async_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
        page = await context.new_page()
        page.set_default_timeout(15000)
        try:
            yield page
        finally:
            await context.close()
            await browser.close()
