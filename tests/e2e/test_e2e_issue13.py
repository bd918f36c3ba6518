"""Issue 13 in a real browser (Chromium, the e2e fixtures): closing a round needs a
confirmation; saving one plan action keeps what was typed in another and shows the
saved message without a reload; no page type scrolls sideways at 390 px (nor at
1280 px), for every role; axe-core finds nothing serious or critical. Screenshots of
every page type at both widths go to artifacts/issue-13/."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.e2e_support import WIDTHS, axe_report, check_in_swedish, run_axe, sideways_scroll
from tests.e2e.test_e2e_browser import login

pytestmark = pytest.mark.db

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "issue-13"


async def _seed(site, *, more: bool = False) -> dict:
    """Submitted answers for kultur, a draft for miljo, and a plan for kultur; with
    `more`, also measured indicators and an audit (the other page types)."""
    from survey_engine.services import indicators, plans, recommendations, responses
    from tests.ui.test_ui_swedish import AUDIT, INDICATORS
    from tests.ui.ui_site import system

    actor = system()
    out = {}
    for unit, submit in (("kultur", True), ("miljo", False)):
        state, _ = await responses.start_response(site.round_id, unit, actor=actor)
        state = await responses.save_answers(state.id, state.revision, {
            "policy": "ja", "policy-oversyn": "delvis", "risk": "nej", "utbildade": 60, "ovningar": ["kris"],
        }, actor=actor)
        if submit:
            await responses.submit_response(state.id, actor=actor, revision=state.revision)
        out[unit] = state.id
    plan = await plans.create_plan(actor, site.round_id, "kultur", start="2026H1", periods=4, capacity=2)
    out["plan"] = plan.id
    out["actions"] = [a.id for a in plan.actions]
    if more:
        await indicators.publish(INDICATORS, actor=actor)
        await indicators.import_measurements("kurs", "unit,period,numerator,denominator\nkultur,2026-01,171,200\n"
                                             "miljo,2026-01,199,200\n", actor=actor)
        await recommendations.import_audit(AUDIT, actor=actor)
    return out


# The words (of the visible text) in `selector`'s header and data cells that the browser
# broke over two lines: a word whose box has more than one line.
BROKEN_WORDS = """(selector) => { const broken = [];
    for (const cell of document.querySelectorAll(selector + ' th, ' + selector + ' td')) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      let node;
      while ((node = walker.nextNode())) {
        if (node.parentElement.closest('.visually-hidden')) continue;
        const words = /\\S+/g;
        let m;
        while ((m = words.exec(node.data))) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
          if (lines.size > 1) broken.push(m[0]);
        }
      }
    }
    return broken; }"""



async def test_every_page_type_fits_390_and_1280_and_passes_axe(browser_page, live):
    page = browser_page
    base, site = live
    seeded = await _seed(site, more=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    rid = seeded["miljo"]
    audit_url = "/granskningar/granskning-ui"
    pages = {
        "resp-miljo": [("mina-enkater", "/mina-enkater"), ("omrade", f"/svar/{rid}/omrade/styrning"),
                       ("sammanfattning", f"/svar/{rid}/sammanfattning"), ("resultat", f"/svar/{rid}/resultat"),
                       ("utskrift", f"/svar/{rid}/utskrift"), ("konto", "/konto"),
                       ("indikator", "/indikatorer/kurs"), ("om", "/om")],
        "analytiker": [("omgangar", "/analys"), ("oversikt", f"/analys/omgang/{site.round_id}"),
                       ("jamforelse", f"/analys/omgang/{site.round_id}/jamforelse"),
                       ("forvaltning", f"/analys/omgang/{site.round_id}/enhet/kultur"),
                       ("trender", "/analys/trender"), ("finns-inte", "/finns-inte"),
                       ("indikatorer", "/indikatorer"), ("indikator", "/indikatorer/kurs"),
                       ("indikator-import", "/indikatorer/kurs/import"), ("utskick", "/utskick"),
                       ("kontakter", "/admin/enheter/kultur/kontakter")],
        "planerare": [("planer", "/planer"), ("plan", f"/planer/{seeded['plan']}"),
                      ("plan-uppfoljning", f"/planer/{seeded['plan']}/uppfoljning"),
                      ("uppfoljning-staden", f"/planer/uppfoljning?omgang={site.round_id}"),
                      ("under-malet", "/indikatorer/kurs/efter"), ("granskningar", "/granskningar"),
                      ("granskning", audit_url), ("rekommendation", audit_url + "/rekommendationer/policy"),
                      ("yttrande", audit_url + "/yttrande?from=2026-01-01&to=2026-12-31")],
        "revisor": [("admin", "/admin"), ("granskningslogg", "/granskning/logg"),
                    ("oversikt", f"/analys/omgang/{site.round_id}"), ("granskningar", "/granskningar")],
        "admin": [("admin", "/admin"), ("enheter", "/admin/enheter"), ("anvandare", "/admin/anvandare"),
                  ("admin-omgangar", "/admin/omgangar"), ("stang-bekrafta", f"/admin/omgangar/{site.round_id}/stang"),
                  ("enkater", "/admin/enkater"), ("granskningslogg", "/granskning/logg"),
                  ("delade-svar", f"/delade-svar/{site.round_id}"), ("godkannande", "/godkannande")],
    }
    pages["anonym"] = [("logga-in", "/logga-in")]
    wide, problems = [], {}
    for user, urls in pages.items():
        await page.context.clear_cookies()
        await page.set_viewport_size({"width": 1280, "height": 900})
        if user != "anonym":
            await login(page, base, user)
        for width in WIDTHS:
            await page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
            for name, url in urls:
                await page.goto(base + url)
                await page.wait_for_load_state("networkidle")
                over = await sideways_scroll(page)
                if over > 0:
                    culprits = await page.evaluate("""() => { const w = document.documentElement.clientWidth;
                        return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1
                          && ![...e.children].some(c => c.getBoundingClientRect().right > w + 1))
                          .slice(0, 4).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)); }""")
                    wide.append(f"{width}px {user} {url}: {over}px too wide: {culprits}")
                if width == 390 or name in ("plan", "stang-bekrafta", "granskningslogg", "finns-inte", "jamforelse"):
                    found = await run_axe(page)
                    if found:
                        problems[f"{width} {url}"] = found
                await page.screenshot(path=str(SHOTS / f"{width}-{user}-{name}.png"), full_page=True)
    # the radar labels on a phone: the compact drawing is the one shown
    await page.context.clear_cookies()
    await page.set_viewport_size({"width": 390, "height": 844})
    await login(page, base, "resp-miljo")
    await page.goto(f"{base}/svar/{rid}/resultat")
    sizes = await page.evaluate("""() => {
        const svg = [...document.querySelectorAll('figure.chart svg')].find(s => s.getBoundingClientRect().width > 0);
        return [...svg.querySelectorAll('text, g[id^="text"]')].map(t => t.getBoundingClientRect().height)
               .filter(h => h > 0); }""")
    assert await page.locator("figure.chart svg[role=img]:visible").count() == 1
    assert sizes and sorted(sizes)[len(sizes) // 2] >= 11, sizes
    # the trends' small multiples (the city line first) are drawn compact: legible on a phone
    await page.context.clear_cookies()
    await login(page, base, "analytiker")
    await page.goto(f"{base}/analys/trender?enhet=kultur&enhet=miljo")
    heights = await page.evaluate("""() => [...document.querySelectorAll('.small-multiples figure.chart svg')].map(svg =>
        [...svg.querySelectorAll('text, g[id^="text"]')].map(t => t.getBoundingClientRect().height).filter(h => h > 0))""")
    assert len(heights) == 3, heights
    for found in heights:
        assert found and sorted(found)[len(found) // 2] >= 11, found
    # the heat map and an indicator's lines keep their size and scroll in their own box
    for url in (f"/analys/omgang/{site.round_id}/jamforelse", "/indikatorer/kurs"):
        await page.goto(base + url)
        found = await page.evaluate("""() => [...document.querySelector('.chart-scroll svg').querySelectorAll('text, g[id^="text"]')]
            .map(t => t.getBoundingClientRect().height).filter(h => h > 0)""")
        assert found and sorted(found)[len(found) // 2] >= 11, (url, found)
        assert await sideways_scroll(page) <= 0, url
    # the comparison table: no word of a unit name or a heading is broken at either width;
    # on a phone the table scrolls in its own box (the page does not)
    for width in WIDTHS:
        await page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
        await page.goto(f"{base}/analys/omgang/{site.round_id}/jamforelse")
        broken = await page.evaluate(BROKEN_WORDS, "#compare-table")
        assert not broken, (width, broken)
        box = await page.evaluate("""() => { const b = document.querySelector('#compare-table').closest('.table-scroll');
            return [b.scrollWidth, b.clientWidth]; }""")
        assert await sideways_scroll(page) <= 0, width
        if width == 390:
            assert box[0] > box[1], box  # wider than the phone: it scrolls in its box
            right = await page.evaluate("document.querySelector('#compare-table caption .caption-text')"
                                        ".getBoundingClientRect().right")
            assert right <= 390, right  # the caption wraps within the phone's width
    assert not wide, "\n".join(wide)
    assert not problems, axe_report(problems)


async def test_closing_a_round_needs_a_confirmation(browser_page, live):
    page = browser_page
    base, site = live
    await login(page, base, "admin")
    await page.goto(base + "/admin/omgangar")
    await page.get_by_role("link", name=re.compile("Stäng")).first.click()
    await page.wait_for_url(re.compile(r"/admin/omgangar/\d+/stang$"))
    assert "Har inte skickat in" in await page.content()
    await page.get_by_role("button", name="Stäng omgången").click()  # box not ticked: the browser stops it
    assert page.url.endswith("/stang")
    await page.get_by_label(re.compile("Ja, stäng omgången")).check()
    await page.get_by_role("button", name="Stäng omgången").click()
    await page.wait_for_url(re.compile(r"/admin/omgangar\?ok="))
    assert "stängd: Omgång 2026" in await page.locator(".notice-ok").inner_text()
    # reopening asks first (data-confirm)
    asked = []

    async def answer(dialog):
        asked.append(dialog.message)
        await dialog.accept()

    page.on("dialog", answer)
    async with page.expect_navigation():
        await page.get_by_role("button", name=re.compile("Öppna igen")).click()
    assert "öppen igen: Omgång 2026" in await page.locator(".notice-ok").inner_text(), page.url
    assert asked and asked[0].startswith("Öppna omgången igen?")
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.screenshot(path=str(SHOTS / "390-admin-omgang-oppnad-igen.png"), full_page=True)


async def test_saving_one_plan_action_keeps_another_forms_input(browser_page, live):
    page = browser_page
    base, site = live
    seeded = await _seed(site)
    first, second = seeded["actions"][:2]
    await login(page, base, "planerare")
    await page.goto(f"{base}/planer/{seeded['plan']}")
    await page.evaluate("window.__sameDocument = true")
    await page.locator(f"#a{second}-owner").fill("Halvskriven text")  # typed, not saved
    await page.locator(f"#a{first}-owner").fill("IT-chefen")
    await page.locator(f"form[data-plan-action='{first}'] button[type=submit]").click()
    await page.wait_for_function(  # a function, not an expression: the page's CSP forbids eval
        "(id) => document.getElementById(id).textContent.includes('Sparat')", arg=f"a{first}-state")
    assert await page.evaluate("window.__sameDocument === true")  # no reload
    assert await page.locator(f"#a{second}-owner").input_value() == "Halvskriven text"
    # the other form got the new revision: saving it now works too
    await page.locator(f"form[data-plan-action='{second}'] button[type=submit]").click()
    await page.wait_for_function(  # a function, not an expression: the page's CSP forbids eval
        "(id) => document.getElementById(id).textContent.includes('Sparat')", arg=f"a{second}-state")
    await page.screenshot(path=str(SHOTS / "1280-planerare-plan-sparad.png"), full_page=False)
    from survey_engine.services import plans
    from tests.ui.ui_site import system

    saved = {a.id: a.owner for a in (await plans.get_plan(system(), seeded["plan"])).actions}
    assert saved[first] == "IT-chefen" and saved[second] == "Halvskriven text"


async def test_login_code_page_in_the_walk(browser_page, live):
    """The login's second step (/logga-in/kod, a one-time code from an authenticator app)
    in the walk: Swedish texts without English or internal words, axe-core finds nothing
    serious, no sideways scroll at 1280 and 390 px; also after a wrong code."""
    import pyotp
    from survey_engine.services import mfa
    from survey_engine.services import users as user_service
    from tests.ui.ui_site import PASSWORD, system

    uid = (await user_service.create_user(system(), "kod-analytiker", "analyst", password=PASSWORD)).id
    secret, _ = await mfa.start_enrolment(uid, "kod-analytiker")
    await mfa.confirm_enrolment(uid, "kod-analytiker", pyotp.TOTP(secret).now())
    page = browser_page
    base, _ = live
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems, found_words = {}, []

    async def walk(name: str, expected: tuple[str, ...]) -> None:
        found, axe = await check_in_swedish(page, f"anonym-{name}", expected, SHOTS)
        found_words.extend(found)
        problems.update(axe)

    await page.goto(base + "/logga-in")
    await page.get_by_label("Användarnamn").fill("kod-analytiker")
    await page.get_by_label("Lösenord").fill(PASSWORD)
    await page.get_by_role("button", name="Logga in").click()
    await page.wait_for_url(re.compile(r"/logga-in/kod$"))
    await walk("logga-in-kod", ("Engångskod", "Skriv den sexsiffriga koden", "Kod", "Logga in",
                                "Avbryt och börja om"))
    wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    await page.get_by_label("Kod", exact=True).fill(wrong)
    await page.get_by_role("button", name="Logga in").click()
    await page.wait_for_selector("#code-error")
    await walk("logga-in-kod-fel", ("Fel engångskod", "Kod"))
    assert await page.get_attribute("#code", "aria-invalid") == "true"
    # the browser refuses a code that is too short, in the page's language (its own words
    # would follow the browser's language: English in this Chromium)
    await page.get_by_label("Kod", exact=True).fill("12")
    await page.get_by_role("button", name="Logga in").click()
    message = await page.eval_on_selector("#code", "e => e.validationMessage")
    assert message.startswith("Skriv de sex siffrorna"), message
    assert page.url.endswith("/logga-in/kod")
    await page.get_by_label("Kod", exact=True).fill("123456")  # typing clears it
    assert await page.eval_on_selector("#code", "e => e.validity.valid")
    described = (await page.get_attribute("#code", "aria-describedby")).split()
    assert described == ["code-help", "code-error"], described
    assert not found_words, found_words
    assert not problems, axe_report(problems)
