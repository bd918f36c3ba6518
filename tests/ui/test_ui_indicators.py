"""Indicator pages: list and publish, one indicator (table with below-target marks and
a chart), the import page with line-by-line errors, the lagging list with contacts and
the one-step plan action, the förvaltning page's figures, and who may see what."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.db

DEFS = """
format: 1
id: ui-indikatorer
version: "2026.1"
title: {sv: Testindikatorer, en: Test indicators}
indicators:
  - id: kurs
    title: {sv: Genomförd grundkurs, en: Basic course completed}
    kind: share
    direction: up
    target: 0.9
    period: month
    valid_months: 24
    source: {sv: Lärplattformen, en: Learning platform}
    family: ui-test
    questions: [utbildade]
"""


async def test_indicator_pages_for_an_analyst(browser):
    analyst = await browser("analytiker")
    r = await analyst.get("/indikatorer")
    assert r.status_code == 200 and "Inga indikatorer" in r.text
    r = await analyst.post("/indikatorer/publicera", files={"file": ("d.yaml", DEFS.replace("target: 0.9", "target: 9").encode(), "text/yaml")})
    assert r.status_code == 422 and "rad" in r.text and "target" in r.text
    r = await analyst.post("/indikatorer/publicera", files={"file": ("d.yaml", DEFS.encode(), "text/yaml")})
    assert r.status_code == 303, r.text
    r = await analyst.get("/indikatorer/kurs/import")
    assert r.status_code == 200
    bad = "unit,period,numerator,denominator\nkultur,2026-01,5,10\nokand,2026-01,5,10\nmiljo,2026-1,11,10\n"
    r = await analyst.post("/indikatorer/kurs/import", files={"file": ("x.csv", bad.encode(), "text/csv")})
    assert r.status_code == 422
    assert 'id="import-errors"' in r.text and "<td>3</td>" in r.text and "<td>4</td>" in r.text
    assert "finns inte" in r.text and "fel form" in r.text
    good = "unit;period;numerator;denominator\nkultur;2026-01;50;100\nmiljo;2026-01;95;100\nkultur;2026-02;70;100\n"
    r = await analyst.post("/indikatorer/kurs/import", files={"file": ("x.csv", good.encode(), "text/csv")})
    assert r.status_code == 303, r.text
    r = await analyst.get("/indikatorer/kurs", follow=True)
    assert r.status_code == 200
    assert 'class="below-target"' in r.text and "40,0 procentenheter" in r.text  # kultur in January
    assert "<svg" in r.text and 'id="indicator-chart-desc"' in r.text
    r = await analyst.get("/indikatorer?lang=en")
    assert "Basic course completed" in r.text
    r = await analyst.get("/indikatorer/kurs/efter?lang=sv")
    assert r.status_code == 200 and "Kulturförvaltningen" in r.text and "Miljöförvaltningen" not in r.text
    assert "<form" not in r.text.split('id="lagging"')[1] or "Skapa åtgärd" not in r.text  # analysts do not write plans


async def test_respondent_sees_only_own_unit_and_planner_acts(browser, site):
    from survey_engine.services import indicators
    from survey_engine.services.access import system_actor

    admin = system_actor("tests")
    await indicators.publish(DEFS, actor=admin)
    await indicators.import_measurements("kurs", "unit,period,numerator,denominator\nkultur,2026-01,50,100\n"
                                         "miljo,2026-01,60,100\n", actor=admin)
    resp = await browser("resp-kultur")
    r = await resp.get("/indikatorer/kurs")
    assert r.status_code == 200 and "Kulturförvaltningen" in r.text and "Miljöförvaltningen" not in r.text
    assert (await resp.get("/indikatorer/kurs/efter")).status_code == 403
    assert (await resp.get("/indikatorer/kurs/import")).status_code == 403
    planner = await browser("planerare")
    r = await planner.get("/indikatorer/kurs/efter")
    assert r.status_code == 200 and "Skapa åtgärd" in r.text
    r = await planner.post("/indikatorer/kurs/efter/kultur", {"title": "", "owner": "Chefen", "due_date": "", "period": "2026-01"})
    assert r.status_code == 409 and "ingen handlingsplan" in r.text  # no plan yet: said plainly, input kept
    assert 'value="Chefen"' in r.text
    r = await planner.post("/indikatorer/kurs/efter/kultur", {"title": "x"}, csrf=False)
    assert r.status_code == 403
    r = await planner.get(f"/analys/omgang/{site.round_id}/enhet/kultur")
    assert r.status_code == 200 and "Uppmätta indikatorer" in r.text and "50,0 %" in r.text
    assert "40,0 %" in r.text  # how far from the target


async def test_measured_value_prefills_a_started_response(browser, site):
    from survey_engine.services import indicators, responses
    from survey_engine.services.access import system_actor

    admin = system_actor("tests")
    await indicators.publish(DEFS, actor=admin)
    await indicators.import_measurements("kurs", "unit,period,numerator,denominator\nkultur,2026-02,171,200\n", actor=admin)
    state, _ = await responses.start_response(site.round_id, "kultur", actor=admin)
    assert state.answers["utbildade"].value == 85.5
    history, _ = await responses.answer_history(state.id, "utbildade", actor=admin)
    assert history[0].actor == "indikator:kurs@2026-02"
    # a newer figure arrives (prepared before the browser: with PostgreSQL the app owns the pool)
    await indicators.import_measurements("kurs", "unit,period,numerator,denominator\nkultur,2026-03,180,200\n",
                                         actor=admin)
    resp = await browser("resp-kultur")
    r = await resp.get(f"/svar/{state.id}/omrade/drift")
    assert r.status_code == 200 and "Lärplattformen" in r.text and "Hämta uppmätt värde" in r.text
    assert 'value="85.5"' in r.text or 'value="85,5"' in r.text
    # the respondent types another value; the button saves the form first, then fetches the figure
    form = {"revision": str(state.revision), "a:utbildade": "40", "a:kommentar": "min text",
            "measured": "utbildade"}
    r = await resp.post(f"/svar/{state.id}/omrade/drift", form)
    assert r.status_code == 303, r.text
    r = await resp.get(f"/svar/{state.id}/omrade/drift")
    assert 'value="90"' in r.text and "2026-03" in r.text and "min text" in r.text


PAGES = ["/indikatorer", "/indikatorer/kurs", "/indikatorer/kurs/import", "/indikatorer/kurs/efter"]


async def test_page_permission_matrix_and_escaping(browser, site):
    from survey_engine.services import indicators
    from survey_engine.services.access import system_actor
    from survey_engine.services.policy import Action, decide
    from survey_engine.services.users import get_user

    admin = system_actor("tests")
    await indicators.publish(DEFS, actor=admin)
    await indicators.import_measurements("kurs", "unit,period,numerator,denominator\nkultur,2026-01,50,100\n", actor=admin)
    needs = {"/indikatorer": (Action.INDICATOR_READ, True), "/indikatorer/kurs": (Action.INDICATOR_READ, True),
             "/indikatorer/kurs/import": (Action.INDICATOR_MANAGE, False),
             "/indikatorer/kurs/efter": (Action.OVERVIEW_READ, False)}
    from survey_engine.services.policy import allowed_somewhere

    problems = []
    names = ("resp-kultur", "resp-miljo", "analytiker", "planerare", "revisor", "admin")
    principals = {n: (await get_user(n)).principal() for n in names}  # before the app owns the pool
    for username in names:
        principal = principals[username]
        b = await browser(username)
        for url in PAGES:
            action, somewhere = needs[url]
            allowed = allowed_somewhere(principal, action) if somewhere else decide(principal, action).allowed
            r = await b.get(url)
            if (r.status_code == 200) != allowed or r.status_code not in (200, 403):
                problems.append(f"{username} GET {url}: {r.status_code}, allowed={allowed}")
        may_import = decide(principal, Action.INDICATOR_MANAGE).allowed
        r = await b.post("/indikatorer/kurs/import", files={"file": ("x.csv", b"unit,period,numerator,denominator\n", "text/csv")})
        if (r.status_code == 403) == may_import:
            problems.append(f"{username} POST import: {r.status_code}")
        r = await b.post("/indikatorer/kurs/efter/kultur", {"title": "t"})
        may_act = decide(principal, Action.PLAN_WRITE, "kultur").allowed
        if (r.status_code == 403) == may_act:
            problems.append(f"{username} POST act: {r.status_code}")
    anonymous = await browser()
    for url in PAGES:
        r = await anonymous.get(url)
        if r.status_code != 303:
            problems.append(f"anonymous GET {url}: {r.status_code}")
    assert not problems, "\n".join(problems)
    analyst = await browser("analytiker")
    await analyst.get("/indikatorer/kurs/import")
    xss = '<script>alert(1)</script>'
    r = await analyst.post("/indikatorer/kurs/import",
                           files={"file": ("x.csv", f"unit,period,numerator,denominator\n{xss},2026-01,1,2\n".encode(), "text/csv")})
    assert r.status_code == 422 and xss not in r.text and "&lt;script&gt;" in r.text
