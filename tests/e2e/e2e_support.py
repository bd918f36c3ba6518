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


WIDTHS = (1280, 390)


async def sideways_scroll(page) -> int:
    """How many pixels the page scrolls sideways (0 when it fits)."""
    return await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


async def check_in_swedish(page, name: str, expected: tuple[str, ...], shots: Path) -> tuple[list[str], dict]:
    """The page as it is now, at a desktop and a phone width: Swedish (`lang`, the
    expected texts), no sideways scroll, a screenshot each in `shots`. Returns the
    leaked English or internal words and axe-core's serious/critical findings by width,
    for the caller to assert on together after walking all its pages."""
    import re

    from tests.ui.test_ui_swedish import LEAKED_MORE, leaks

    found: list[str] = []
    problems: dict[str, list[dict]] = {}
    shots.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        await page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
        await page.wait_for_load_state("networkidle")
        html = await page.content()
        text = await page.inner_text("body")
        assert await page.get_attribute("html", "lang") == "sv", name
        for words in expected:
            assert words in text, (name, words)
        found.extend(f"{name}: {w}" for w in leaks(html))
        found.extend(f"{name}: {w}" for w in LEAKED_MORE if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text))
        assert await sideways_scroll(page) <= 0, (name, width)
        axe = await run_axe(page)
        if axe:
            problems[f"{width} {name}"] = axe
        await page.screenshot(path=str(shots / f"{width}-{name}.png"), full_page=True)
    return found, problems


def axe_report(problems: dict) -> str:
    return "\n".join(f"{k}: {v['id']} ({v['impact']}) {v['help']} {v['nodes']}"
                     for k, found in problems.items() for v in found)
