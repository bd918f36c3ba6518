"""Helpers of the browser tests: axe-core and screenshots."""
from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
AXE = Path(os.environ.get("AXE_CORE_JS", REPO / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"))
SCREENSHOTS = REPO / "artifacts" / "screenshots"


async def run_axe(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    # evaluated through the DevTools protocol, not as an inline <script>: the pages'
    # Content-Security-Policy (script-src 'self') rightly refuses inline scripts
    await page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")
    result = await page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)})); }"
    )
    if os.environ.get("AXE_ALL") == "1":  # look at the moderate and minor ones too
        for v in result:
            print(f"axe {page.url} {v['impact']} {v['id']}: {v['help']} {v['nodes']}")
    return [v for v in result if v["impact"] in ("serious", "critical")]


async def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
