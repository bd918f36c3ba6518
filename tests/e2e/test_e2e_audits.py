"""The audit pages in a real browser (Chromium, axe-core) at 1280 and 390 px, in
Swedish: the list with the upload form, an audit, a recommendation with its edit form,
the statement page; the edit keeps nothing half-saved. Screenshots go to
artifacts/issue-16/."""
from __future__ import annotations

import pytest

from tests.e2e.e2e_support import REPO, run_axe
from tests.e2e.test_e2e_browser import login

pytestmark = pytest.mark.db
SHOTS = REPO / "artifacts" / "issue-16"

AUDIT = """format: 1
id: granskning-ui
title: {sv: "Granskning av informationssäkerheten", en: "Information security audit"}
auditor: Stadsrevisionen
date: 2024-11-14
recommendations:
  - id: policy
    text: {sv: "Kommunstyrelsen bör besluta en policy som bygger på ISO/IEC 27000.", en: "Adopt a policy."}
    responsible: Kommunstyrelsen
    family: ui-test
    questions: [policy]
  - id: utbildning
    text: {sv: "All personal bör utbildas och genomförandegraden följas upp."}
    responsible: Kommunstyrelsen
    family: ui-test
    areas: [drift]
    indicators: [utbildning-grund]
"""


async def test_audit_pages_pass_axe_at_two_widths(browser_page, live):
    from survey_engine.services import recommendations
    from survey_engine.services.access import system_actor

    await recommendations.import_audit(AUDIT, actor=system_actor(), source="ui.yaml")
    page = browser_page
    base, _site = live
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: dict[str, list] = {}

    async def check(name: str) -> None:
        await page.wait_for_load_state("networkidle")
        found = await run_axe(page)
        if found:
            problems[name] = found
        await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    await login(page, base, "planerare")
    for width in (1280, 390):
        await page.set_viewport_size({"width": width, "height": 900})
        for name, url in (("granskningar", "/granskningar"), ("granskning", "/granskningar/granskning-ui"),
                          ("rekommendation", "/granskningar/granskning-ui/rekommendationer/utbildning"),
                          ("yttrande", "/granskningar/granskning-ui/yttrande?from=2025-01-01&to=2025-12-31")):
            await page.goto(base + url)
            await check(f"e2e-{name}-{width}")
    # an edit with a bad link comes back with the typed text kept and the problem named
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.goto(base + "/granskningar/granskning-ui/rekommendationer/utbildning")
    await page.get_by_label("Text (svenska)").fill("Ny text som inte får försvinna")
    await page.get_by_label("Områden (id, kommaseparerade)").fill("drift, finns-inte")
    await page.get_by_role("button", name="Spara").click()
    await page.wait_for_selector("#edit-errors")
    assert "finns-inte" in await page.locator("#edit-errors").inner_text()
    assert await page.get_by_label("Text (svenska)").input_value() == "Ny text som inte får försvinna"
    await check("e2e-rekommendation-fel")
    details = "\n".join(f"{n}: {v['id']} ({v['impact']}) {v['help']} {v['nodes']}"
                        for n, found in problems.items() for v in found)
    assert not problems, "axe-core found serious or critical violations:\n" + details
