"""Evidence files in a real browser (issue 17): a respondent uploads a PDF to a
question on the survey page, sees it listed, downloads it byte for byte, is refused an
.exe renamed .pdf with a clear page, and deletes the file after being asked; the pages
pass axe-core (nothing serious or critical) and do not scroll sideways at 390 px."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.e2e_support import run_axe, screenshot
from tests.helpers.evidence_files import exe_bytes, pdf_bytes
from tests.e2e.test_e2e_browser import login

pytestmark = pytest.mark.db


async def _draft(site) -> int:
    from survey_engine.services import responses
    from tests.ui.ui_site import system

    state, _ = await responses.start_response(site.round_id, "miljo", actor=system())
    return state.id


async def _sideways(page) -> int:
    return await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


async def test_upload_download_refuse_and_delete_in_chromium(browser_page, live, tmp_path):
    page = browser_page
    base, site = live
    rid = await _draft(site)
    await login(page, base, "resp-miljo")
    await page.goto(f"{base}/svar/{rid}/omrade/styrning")
    await page.wait_for_load_state("networkidle")

    source = tmp_path / "Policy för Miljöförvaltningen.pdf"
    data = pdf_bytes("Policy för Miljöförvaltningen")
    source.write_bytes(data)
    await page.set_input_files("#q-policy-file", str(source))
    async with page.expect_navigation():
        await page.locator("#q-policy-files button[type=submit]").click()
    await page.wait_for_load_state("networkidle")
    assert "Policy för Miljöförvaltningen.pdf är uppladdad" in await page.content()
    link = page.locator("#q-policy-files a:not(.evidence-delete)", has_text="Policy för Miljöförvaltningen.pdf")
    assert await link.count() == 1
    for width in (1280, 390):
        await page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
        assert await _sideways(page) <= 0, f"sideways scroll at {width}px"
        assert await run_axe(page) == [], f"axe at {width}px"
        await screenshot(page, f"evidence-area-{width}")
    await page.set_viewport_size({"width": 1280, "height": 900})

    async with page.expect_download() as info:
        await link.click()
    download = await info.value
    saved = Path(await download.path())
    assert saved.read_bytes() == data and download.suggested_filename == "Policy för Miljöförvaltningen.pdf"

    fake = tmp_path / "faktura.pdf"
    fake.write_bytes(exe_bytes())
    await page.set_input_files("#q-risk-file", str(fake))
    async with page.expect_navigation():
        await page.locator("#q-risk-files button[type=submit]").click()
    text = await page.content()
    assert "faktura.pdf" in text and "Windows-program" in text and "Spara dokumentet som" in text
    assert await run_axe(page) == []
    await screenshot(page, "evidence-refused")
    await page.set_viewport_size({"width": 390, "height": 844})
    assert await _sideways(page) <= 0 and await run_axe(page) == []
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.get_by_role("link", name="Tillbaka till frågan").click()
    await page.wait_for_load_state("networkidle")

    await page.locator("#q-policy-files a.evidence-delete").click()
    await page.wait_for_load_state("networkidle")
    assert "Ta bort filen?" in await page.content()
    assert await run_axe(page) == []
    await screenshot(page, "evidence-delete-confirm")
    await page.set_viewport_size({"width": 390, "height": 844})
    assert await _sideways(page) <= 0 and await run_axe(page) == []
    await page.set_viewport_size({"width": 1280, "height": 900})
    async with page.expect_navigation():
        await page.get_by_role("button", name="Ja, ta bort filen").click()
    await page.wait_for_load_state("networkidle")
    content = await page.content()
    assert "Policy för Miljöförvaltningen.pdf är borttagen" in content
    assert await page.locator("#q-policy-files a:not(.evidence-delete)", has_text="Policy för Miljöförvaltningen.pdf").count() == 0
