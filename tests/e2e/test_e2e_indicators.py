"""The indicator pages in Chromium with axe-core (issue 16): the list, the import page
with line-by-line errors, one indicator with its table and chart (1280 and 390 px),
the lagging list with the plan-action form, the förvaltning page and the respondent's
"Hämta uppmätt värde" button. Screenshots go to artifacts/screenshots/."""
from __future__ import annotations

import re

import pytest

from tests.e2e.e2e_support import run_axe, screenshot
from tests.e2e.test_e2e_browser import login

pytestmark = pytest.mark.db

DEFS = """
format: 1
id: e2e-indikatorer
version: "2026.1"
title: {sv: Testindikatorer, en: Test indicators}
indicators:
  - id: kurs
    title: {sv: Genomförd grundkurs i informationssäkerhet, en: Basic security course completed}
    kind: share
    direction: up
    target: 0.9
    period: month
    valid_months: 24
    source: {sv: Lärplattformen, en: Learning platform}
    family: ui-test
    questions: [utbildade]
"""
GOOD = "unit;period;numerator;denominator\n" + "".join(
    f"{unit};2026-0{m};{n};{d}\n" for unit, d, series in (("kultur", 200, (40, 90, 150, 170)), ("miljo", 120, (60, 100, 110, 115)),
                                                         ("skola", 900, (100, 300, 520, 700)))
    for m, n in zip(range(1, 5), series))


async def test_indicator_pages_pass_axe(browser_page, live):
    page = browser_page
    base, site = live
    problems: dict[str, list] = {}

    async def check(name: str) -> None:
        await page.wait_for_load_state("networkidle")
        found = await run_axe(page)
        if found:
            problems[name] = found
        await screenshot(page, name)

    await login(page, base, "analytiker")
    await page.goto(base + "/indikatorer")
    await check("20-indikatorer-tom")
    await page.locator("#publish-file").set_input_files(files=[{"name": "d.yaml", "mimeType": "application/x-yaml",
                                                               "buffer": DEFS.encode()}])
    await page.get_by_role("button", name="Publicera").click()
    await page.wait_for_url(re.compile(r"/indikatorer\?ok="))
    await page.goto(base + "/indikatorer/kurs/import")
    await page.locator("#import-file").set_input_files(files=[{
        "name": "fel.csv", "mimeType": "text/csv",
        "buffer": b"unit,period,numerator,denominator\nkultur,2026-01,5,10\nokand,2026-01,5,10\nmiljo,2026-1,11,10\n"}])
    await page.get_by_role("button", name="Importera").click()
    await page.wait_for_selector("#import-errors")
    assert "okand" in await page.locator("#import-errors").inner_text()
    await check("21-indikator-import-fel")
    await page.locator("#import-file").set_input_files(files=[{"name": "ok.csv", "mimeType": "text/csv",
                                                              "buffer": GOOD.encode()}])
    await page.get_by_role("button", name="Importera").click()
    await page.wait_for_url(re.compile(r"/indikatorer/kurs\?ok="))
    assert await page.locator("td.below-target").count() > 0
    await check("22-indikator-tabell-diagram")
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(base + "/indikatorer/kurs")
    await check("22b-indikator-mobil")
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.goto(base + "/indikatorer/kurs/efter")
    await check("23-indikator-under-malet")
    await page.goto(f"{base}/analys/omgang/{site.round_id}/enhet/skola")
    await check("24-forvaltning-indikatorer")

    await page.get_by_role("button", name="Logga ut").click()
    await login(page, base, "planerare")
    await page.goto(base + "/indikatorer/kurs/efter")
    await page.locator("#owner-skola").fill("Skolchefen")
    await page.get_by_role("button", name="Skapa åtgärd").first.click()
    await page.wait_for_selector(".notice-error")  # no plan for the unit yet: said plainly, input kept
    assert await page.locator("#owner-skola").input_value() == "Skolchefen"
    await check("25-indikator-atgard-ingen-plan")

    await page.get_by_role("button", name="Logga ut").click()
    await login(page, base, "resp-kultur")
    await page.goto(base + "/mina-enkater")
    await page.get_by_role("button", name=re.compile("Börja svara")).click()
    await page.wait_for_url(re.compile(r"/svar/\d+/omrade/styrning"))
    rid = int(re.search(r"/svar/(\d+)/", page.url).group(1))
    await page.goto(f"{base}/svar/{rid}/omrade/drift")
    field = page.get_by_label(re.compile("Hur stor andel av personalen"))
    assert await field.input_value() == "85"  # 170/200, pre-filled when the response was started
    await field.fill("40")
    await page.get_by_role("button", name="Hämta uppmätt värde").click()
    await page.wait_for_url(re.compile(r"ok="))
    assert await page.get_by_label(re.compile("Hur stor andel av personalen")).input_value() == "85"
    await check("26-svar-uppmatt-varde")

    details = "\n".join(f"{name}: {v['id']} ({v['impact']}) {v['help']} {v['nodes']}"
                        for name, found in problems.items() for v in found)
    assert not problems, "axe-core found serious or critical violations:\n" + details
