"""Issue 13 item 9: Swedish throughout. The audit log in words (filters by words and
dates, CSV export, "1 händelse"), error pages as HTML for browsers and JSON for the API,
and no leaked English UI words or internal ids on the Swedish pages."""
from __future__ import annotations

import csv
import io
import re

import pytest

from survey_engine.services import audit_words
from tests.ui.test_ui_roles import answered_response

pytestmark = pytest.mark.db

# English words of the UI vocabulary and internals that must not show on a Swedish page
LEAKED = ("answered", "missing", "unit_code", "question_id", "Not Found", "revision", "not_started",
          "submitted", "round.close", "user.create", "Internal Server Error", "--unit", "\\u00")


def visible(html: str) -> str:
    """The text a reader sees: no tags, attributes, scripts or styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def leaks(html: str) -> list[str]:
    text = visible(html)
    return [w for w in LEAKED if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


async def test_audit_log_in_swedish_words_filters_and_csv(browser, site):
    admin = await browser("admin")
    await admin.get("/admin/omgangar")
    await admin.get(f"/admin/omgangar/{site.round_id}/stang")
    await admin.post(f"/admin/omgangar/{site.round_id}/stang", {"bekraftat": "ja"})
    b = await browser("revisor")
    r = await b.get("/granskning/logg")
    assert r.status_code == 200
    assert "Omgång stängd" in r.text and "Användare skapad" in r.text
    assert not leaks(r.text), leaks(r.text)
    assert "från: Öppen" in r.text or "från: öppen" in r.text  # details as words, not JSON
    # filter by a code from the list, by a group, by Swedish words, by dates
    r = await b.get("/granskning/logg?handelse=round.close")
    assert "1 händelse," in r.text and "Användare skapad" not in visible(r.text).split("Detaljer", 1)[1]
    r = await b.get("/granskning/logg?handelse=user.")
    assert "6 händelser" in r.text
    r = await b.get("/granskning/logg?handelse=st%C3%A4ngd")  # "stängd": Omgång stängd
    assert "1 händelse," in r.text
    r = await b.get("/granskning/logg?fran=2000-01-01&till=2000-01-02")
    assert "0 händelser" in r.text
    r = await b.get("/granskning/logg?fran=inte-ett-datum&handelse=%3Cscript%3E")
    assert r.status_code == 200 and "<script>" not in visible(r.text)
    # CSV export of the same filter
    r = await b.get("/granskning/logg.csv?handelse=round.")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["Nr", "Tid (svensk tid)", "Vem", "Händelse"]
    assert {row[3] for row in rows[1:]} == {"Omgång skapad", "Omgång öppnad", "Omgång stängd"}
    resp = await browser("resp-kultur")
    assert (await resp.get("/granskning/logg.csv")).status_code == 403


def test_every_recorded_event_code_has_words():
    import pathlib

    root = pathlib.Path(audit_words.__file__).resolve().parents[1]
    codes = set()
    for path in root.rglob("*.py"):
        codes |= set(re.findall(r'record\(\s*[\w\s."\-|]+?,\s*"([a-z_]+\.[a-z_.]+)"', path.read_text()))
    codes |= {"response.write", "response.import", "round.open", "round.close", "round.reopen", "unit.import",
              "unit.create"}
    missing = sorted(c for c in codes if c not in audit_words.EVENTS)
    assert not missing
    assert audit_words.count_words(1) == "1 händelse" and audit_words.count_words(2) == "2 händelser"
    assert audit_words.detail_lines({"changes": {"owner": ["", "IT"]}}) == ["owner: – → IT"]


async def test_error_pages_html_for_browsers_json_for_api(browser, site):
    b = await browser("analytiker")
    html = {"Accept": "text/html,application/xhtml+xml"}
    r = await b.client.get("/finns-inte", headers=html)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "Hittades inte" in r.text and "Not Found" not in r.text and '<html lang="sv">' in r.text
    r = await b.client.get("/api/v1/finns-inte", headers=html)
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")
    r = await b.client.get("/finns-inte", headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")
    r = await b.client.delete("/mina-enkater", headers=html)
    assert r.status_code == 405 and "fel metod" in r.text and r.headers["content-type"].startswith("text/html")
    r = await b.client.get("/admin/anvandare", headers=html)
    assert r.status_code == 403 and "Ingen behörighet" in r.text
    r = await b.client.get("/finns-inte?lang=en", headers=html)
    assert r.status_code == 404 and "Not found" in r.text


async def test_swedish_pages_do_not_leak_english_or_internals(browser, site):
    await answered_response(browser, site, "kultur", "resp-kultur", submit=True)
    rid_draft = await answered_response(browser, site, "miljo", "resp-miljo")
    pages = {
        "resp-kultur": ["/mina-enkater"],
        "resp-miljo": ["/mina-enkater", f"/svar/{rid_draft}/omrade/styrning", f"/svar/{rid_draft}/sammanfattning",
                       f"/svar/{rid_draft}/resultat"],
        "analytiker": ["/analys", f"/analys/omgang/{site.round_id}", f"/analys/omgang/{site.round_id}/jamforelse",
                       f"/analys/omgang/{site.round_id}/enhet/kultur", "/analys/trender"],
        "admin": ["/admin", "/admin/enheter", "/admin/anvandare", "/admin/omgangar", "/admin/enkater",
                  f"/admin/omgangar/{site.round_id}/stang", "/granskning/logg", "/finns-inte"],
        "planerare": ["/planer"],
    }
    problems = []
    for user, urls in pages.items():
        b = await browser(user)
        for url in urls:
            r = await b.client.get(url, headers={"Accept": "text/html"})
            assert r.status_code in (200, 404), (user, url, r.status_code)
            found = leaks(r.text)
            if found:
                problems.append(f"{user} {url}: {found}")
    assert not problems, "\n".join(problems)
    # the admin form error speaks of the page, not of the command line
    admin = await browser("admin")
    await admin.get("/admin/anvandare")
    r = await admin.post("/admin/anvandare", {"username": "utan-enhet", "role": "respondent",
                                              "password": "ett-långt-lösenord-9"})
    assert r.status_code == 422 and "--unit" not in r.text and "minst en enhet" in r.text


async def test_progress_inside_the_levels_on_overview_and_comparison(browser, site):
    from survey_engine.services.level_progress import area_progress, unit_progress

    result = {"overall": {"level": 1, "percent": 50.0},
              "areas": [{"id": "a", "assessed": True, "level": 1, "next_level_progress": 0.5},
                        {"id": "b", "assessed": True, "level": 2, "next_level_progress": 0.0},
                        {"id": "c", "assessed": False, "level": None, "next_level_progress": None}]}
    assert unit_progress(result, 3) == {"level": 1, "percent": 50.0, "next_level": 2, "progress": 0.75}
    assert unit_progress(result, 1)["progress"] is None  # at the top level: no next level
    assert area_progress(result["areas"][0], 3) == {"next_level": 2, "progress": 0.5}
    await answered_response(browser, site, "kultur", "resp-kultur", submit=True)
    b = await browser("analytiker")
    r = await b.get(f"/analys/omgang/{site.round_id}")
    assert "Mot nästa nivå" in r.text and re.search(r'data-progress="0\.\d+|data-progress="1\.0', r.text)
    r = await b.get(f"/analys/omgang/{site.round_id}/jamforelse")
    assert "Mot nästa nivå" in r.text and re.search(r"nivå \d, \d+\s%\s*mot \d", visible(r.text))


async def test_trends_show_the_comparable_share_and_several_units(browser, site):
    from survey_engine.services import rounds
    from tests.ui.ui_site import system

    second = await rounds.create_round("Omgång 2028", "ui-test", "2026.1", ["kultur", "miljo"], actor=system())
    await rounds.open_round(second.id, actor=system())
    await answered_response(browser, site, "kultur", "resp-kultur", submit=True)
    await answered_response(browser, site, "miljo", "resp-miljo")
    b = await browser("resp-kultur")
    await b.get("/mina-enkater")
    await b.post("/mina-enkater/starta", {"round": str(second.id), "unit": "kultur"})
    analyst = await browser("analytiker")
    r = await analyst.get("/analys/trender?enkat=ui-test&enhet=kultur&enhet=miljo&enhet=%3Cscript%3E")
    assert r.status_code == 200
    text = visible(r.text)
    assert "jämförbarhet okänd" not in text
    assert "Jämförbar andel" in text and re.search(r"100\s%", text)  # the same version: everything continues
    assert r.text.count('<svg role="img"') == 3  # the city line, then one chart per chosen förvaltning
    charts = r.text.split('class="small-multiples"', 1)[1].split("</div>", 1)[0]
    assert "Staden (medelvärde" in charts and charts.index("Staden (medelvärde") < charts.index("Kulturförvaltningen")
    table = r.text.split('id="trend-table"', 1)[1]
    assert 'data-unit="kultur"' in table and 'data-unit="miljo"' in table and "(Utkast)" in table
    # the city row: the mean roll-up of the submitted responses only (here kultur's alone)
    rows = {m.group(1): visible(m.group(2)) for m in re.finditer(r'<tr data-unit="([^"]+)"[^>]*>(.*?)</tr>', table, re.S)}
    assert list(rows)[0] == "staden"
    city_cells = re.findall(r"nivå \S+ · [\d,]+\s%", rows["staden"])
    assert city_cells and city_cells[0] == re.findall(r"nivå \S+ · [\d,]+\s%", rows["kultur"])[0]
    assert len(re.findall(r"nivå", rows["staden"])) == 1  # nobody has submitted in the second round yet
    assert not leaks(r.text)


AUDIT = """format: 1
id: granskning-ui
title: {sv: "Granskning av säkerheten", en: "Security audit"}
auditor: Revisorskollegiet
date: 2026-10-01
recommendations:
  - id: policy
    text: {sv: "Ta fram en policy.", en: "Write a policy."}
    responsible: Kommunstyrelsen
    family: ui-test
    questions: [policy]
"""
INDICATORS = """
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
# More internals that must not reach a Swedish page: Python's and JSON's words for
# nothing/true/false, and English status and level words.
LEAKED_MORE = ("None", "null", "True", "False", "NaN", "Traceback", "Draft", "Submitted", "not_applicable",
               "in_progress", "planned", "dropped", "Not answered", "Saved")


async def test_every_other_page_type_in_swedish_leaks_nothing(browser, site):
    """The page types the walk above does not reach: the printable copy, plans and their
    follow-up, indicators, audits and the statement, the outbox, contacts, the account,
    the about and login pages. Numbers there are written with a decimal comma."""
    from survey_engine.services import indicators, plans, recommendations, responses
    from tests.ui.ui_site import system

    actor = system()
    state, _ = await responses.start_response(site.round_id, "kultur", actor=actor)
    state = await responses.save_answers(state.id, state.revision, {
        "policy": "ja", "policy-oversyn": "delvis", "risk": "nej", "utbildade": 72.5, "ovningar": ["kris"],
    }, actor=actor)
    await responses.submit_response(state.id, actor=actor, revision=state.revision)
    plan = await plans.create_plan(actor, site.round_id, "kultur", start="2026H1", periods=4, capacity=2)
    await indicators.publish(INDICATORS, actor=actor)
    await indicators.import_measurements("kurs", "unit,period,numerator,denominator\nkultur,2026-01,171,200\n",
                                         actor=actor)
    await recommendations.import_audit(AUDIT, actor=actor)
    rid, pid, r0 = state.id, plan.id, site.round_id
    pages = {
        None: ["/logga-in"],
        "resp-kultur": [f"/svar/{rid}/utskrift", f"/svar/{rid}/resultat", "/konto", "/om", "/indikatorer",
                        "/indikatorer/kurs", "/planer", f"/planer/{pid}"],
        "planerare": [f"/planer/{pid}", f"/planer/{pid}/uppfoljning", f"/planer/uppfoljning?omgang={r0}",
                      "/indikatorer/kurs/efter", "/granskningar", "/granskningar/granskning-ui",
                      "/granskningar/granskning-ui/rekommendationer/policy",
                      "/granskningar/granskning-ui/yttrande?from=2026-01-01&to=2026-12-31"],
        "analytiker": ["/indikatorer/kurs/import", "/utskick", "/admin/enheter/kultur/kontakter",
                       f"/analys/omgang/{r0}/enhet/kultur"],
        # shared answers and sign-off (issue 17; their own tests cover the other roles)
        "admin": ["/konto", "/admin/enheter/kultur/kontakter", f"/delade-svar/{r0}", "/godkannande",
                  f"/godkannande/{rid}"],
    }
    problems = []
    for user, urls in pages.items():
        b = await browser(user)
        for url in urls:
            r = await b.client.get(url, headers={"Accept": "text/html"})
            if r.status_code != 200:
                problems.append(f"{user} {url}: HTTP {r.status_code}")
                continue
            text = visible(r.text)
            found = leaks(r.text) + [w for w in LEAKED_MORE if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
            # a decimal point in a number (not a version such as 2026.1, nor a date)
            found += [m for m in re.findall(r"(?<![\d.\w-])\d+\.\d+(?![\d.\w])", text) if m != "2026.1"]
            if found:
                problems.append(f"{user} {url}: {found}")
    assert not problems, "\n".join(problems)
    b = await browser("resp-kultur")
    r = await b.get(f"/svar/{rid}/utskrift")
    assert "72,5" in visible(r.text)


async def test_favicon_on_every_page(browser, site):
    b = await browser(None)
    r = await b.get("/logga-in")
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in r.text
    r = await b.client.get("/static/favicon.svg")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml") and b"<svg" in r.content
