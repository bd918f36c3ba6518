"""Golden outputs of the lagging units and acting on them (docs/indicators.md): the
JSON of the API, the command line's text and JSON, and the main part of the lagging
page, byte for byte; publishing a definitions version (API, command line, page) with
the list of versions and the version an indicator comes from; importing measurements
(API, command line, the import page and its list of imports); also the `show` JSON (a share
and a count), `series` and a unit's latest figures of the API and the
command line.

They pin what the outside world sees while `services/indicators.py` changes inside
(typed results, docs/architecture.md). The world is the one of the audits' golden
tests (tests/audits/test_golden_audits.py: units K > A, B, C, a plan for A, the
indicators `kurs` and `klick`) with a respondent for A and one for B, so the lagging
list has contacts. Normalised by name, as there: times (`<tid>`), plan and action ids
(the new action is `<åtgärd ny>`), a definitions version's id (`<versions-id>`), an import's id
(`<import-id>`), the CSRF token.

After an intended change of output: `GOLDEN_UPDATE=1 pytest
tests/indicators/test_golden_indicators.py` (files in
tests/indicators/golden/), and read the diff before committing it.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.audits.test_golden_audits import main_part, normalise, setup_world
from survey_engine.cli import main

pytestmark = pytest.mark.db
I = "/api/v1/indicators"
GOLDEN = Path(__file__).parent / "golden"


def check(name: str, text: str, ids: dict) -> None:
    got = normalise(text, ids)
    path = GOLDEN / name
    if os.environ.get("GOLDEN_UPDATE") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"{path} is missing: write it with GOLDEN_UPDATE=1 and read it"
    assert got == path.read_text(encoding="utf-8"), f"{name} differs from its golden file (GOLDEN_UPDATE=1 writes it again)"


# a count (no numerator or denominator: those keys are left out of its figures)
COUNT = """
format: 1
id: golden-tal
version: "2026.1"
title: {sv: Tal, en: Numbers}
indicators:
  - id: incidenter
    title: {sv: Incidenter, en: Incidents}
    kind: count
    direction: down
    target: 2
    period: year
    source: {sv: Ärendesystemet, en: Case system}
"""


async def setup_indicator_world() -> dict:
    from tests.plans.plan_samples import ADMIN
    from survey_engine.services import indicators, users
    from survey_engine.services.access import Role

    ids = await setup_world()
    await indicators.publish(COUNT, actor=ADMIN, source="tal.yaml")
    await indicators.import_measurements("incidenter", "unit,period,value\nA,2025,5\nB,2025,1\nC,2025,3\n",
                                         actor=ADMIN)
    await users.create_user("tests", "rut", Role.RESPONDENT, units=("A",), email="rut@example.se",
                            display_name="Rut A")
    await users.create_user("tests", "bo", Role.RESPONDENT, units=("B",), display_name="Bo <B>")
    return ids


VERSION_ID = re.compile(r'("id":\s*)\d+(,\s*"family")')


def version_ids(text: str) -> str:
    """A published version's database id, written `<versions-id>`."""
    return VERSION_ID.sub(r"\1<versions-id>\2", text)


IMPORT_ID = re.compile(r'("import_id":\s*)\d+')
IMPORT_TIME = re.compile(r"(<tr><td>)\d{4}-\d\d-\d\d \d\d:\d\d(</td>)")  # the import page's time column


def with_new(ids: dict, action_id: int) -> dict:
    """The ids with the action just made, by the name `ny`."""
    return {**ids, "actions": {**ids["actions"], "ny": action_id}}


# ---------------------------------------------------------------- the API and the pages

async def test_api_and_page_golden(client_as):
    ids = await setup_indicator_world()

    async def make(role: str):
        return await client_as(role, username=f"golden-{role}")  # the names are in the outputs

    planner, analyst = await make("planner"), await make("analyst")

    async def pin(name: str, response, status: int = 200, known: dict = ids) -> None:
        assert response.status_code == status, (name, response.status_code, response.text[:500])
        check(f"api/{name}", response.text + "\n", known)

    await pin("show-kurs.json", await analyst.get(f"{I}/kurs"))
    await pin("series-kurs.json", await analyst.get(f"{I}/kurs/series"))
    await pin("show-incidenter.json", await analyst.get(f"{I}/incidenter"))  # a count: figures without counts
    await pin("show-404.json", await analyst.get(f"{I}/okand"), 404)
    await pin("unit-A.json", await analyst.get(f"{I}/units/A"))  # a share and a count, the latest figures of A
    await pin("unit-K.json", await analyst.get(f"{I}/units/K"))  # computed from the sub-units
    await pin("lagging-kurs.json", await planner.get(f"{I}/kurs/lagging"))
    await pin("lagging-kurs-2025-12.json", await planner.get(f"{I}/kurs/lagging?period=2025-12"))
    await pin("lagging-klick.json", await planner.get(f"{I}/klick/lagging"))
    await pin("lagging-incidenter.json", await planner.get(f"{I}/incidenter/lagging"))
    await pin("lagging-404.json", await planner.get(f"{I}/kurs/lagging?period=2024-01"), 404)
    await pin("act-409.json", await planner.post(f"{I}/kurs/lagging/B/action?period=2025-12"), 409)
    await pin("act-not-lagging.json", await planner.post(f"{I}/kurs/lagging/A/action"), 409)
    r = await planner.post(f"{I}/kurs/lagging/A/action?period=2025-12")
    await pin("act.json", r, 201, with_new(ids, r.json()["action_id"]))

    # the lagging page, before and after an action from its form
    async def page(name: str, url: str, known: dict = ids) -> str:
        r = await planner.get(url)
        assert r.status_code == 200, (url, r.status_code)
        check(f"pages/{name}", main_part(r.text), known)
        return r.text

    html = await page("lagging-kurs-2025-12.html", "/indikatorer/kurs/efter?period=2025-12")
    await page("lagging-kurs.html", "/indikatorer/kurs/efter")
    await page("lagging-incidenter.html", "/indikatorer/incidenter/efter")
    await page("lagging-klick-en.html", "/indikatorer/klick/efter?lang=en")
    token = re.search(r'name="_csrf_token" value="([^"]*)"', html).group(1)
    r = await planner.post("/indikatorer/kurs/efter/B", data={
        "_csrf_token": token, "title": "", "owner": "Chefen", "due_date": "", "period": "2025-12"})
    assert r.status_code == 409
    # the refused form comes back on the list of its own period, with what was typed
    # (it was drawn for the latest period, where B is not lagging: form and error lost)
    assert 'role="alert"' in r.text and 'value="Chefen"' in r.text
    check("pages/act-409.html", main_part(r.text), ids)
    before = set(ids["actions"].values())
    r = await planner.post("/indikatorer/kurs/efter/A", data={
        "_csrf_token": token, "title": "Kurs för alla", "owner": "Chefen", "due_date": "2026-06-30",
        "period": "2025-12"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    assert location.startswith(f"/planer/{ids['plan']}?"), location
    check("pages/act-redirect.txt", location + "\n", ids)
    from survey_engine.services import plans
    from survey_engine.services.access import system_actor

    plan = await plans.get_plan(system_actor("tests"), ids["plan"])
    new = [a for a in plan.actions if a.id not in before and a.title == "Kurs för alla"]
    assert len(new) == 1 and new[0].owner == "Chefen" and str(new[0].due_date) == "2026-06-30"

    # publishing (after the lagging list: the new version changes the target of incidenter)
    admin = await make("admin")
    newer = COUNT.replace('"2026.1"', '"2026.2"').replace("target: 2", "target: 3")
    for name, r, status in (
            ("publish-201.json", await admin.post(I, content=newer.encode(),
                                                  headers={"Content-Type": "application/yaml"}), 201),
            ("publish-200.json", await admin.post(I, json={"source": newer}), 200),
            ("publish-409.json", await admin.post(I, json={"source": newer.replace("target: 3", "target: 4")}), 409)):
        assert r.status_code == status, (name, r.status_code, r.text[:300])
        check(f"api/{name}", version_ids(r.text) + "\n", ids)
    for url, name in (("/indikatorer", "list.html"), ("/indikatorer?lang=en", "list-en.html")):
        r = await admin.get(url)
        assert r.status_code == 200, url
        check(f"pages/{name}", main_part(r.text), ids)
    csrf = {"_csrf_token": re.search(r'name="_csrf_token" value="([^"]*)"', r.text).group(1)}
    r = await admin.get("/indikatorer/incidenter?lang=sv")
    assert r.status_code == 200
    check("pages/indicator-head.html", re.search(r'<main id="main".*?</p>\s*<p>.*?</p>', r.text, re.S).group(0) + "\n",
          ids)
    r = await admin.post("/indikatorer/publicera", files={"file": ("d.yaml", newer.replace('"2026.2"', '"2026.3"').encode(),
                                                                  "text/yaml")}, data=csrf, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    check("pages/publish-redirect.txt", r.headers["location"] + "\n", ids)
    r = await admin.post("/indikatorer/publicera", files={"file": ("d.yaml", newer.encode(), "text/yaml")},
                         data=csrf, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    check("pages/publish-again-redirect.txt", r.headers["location"] + "\n", ids)

    # importing measurements (last: it changes the figures); the import page lists the imports
    r = await admin.post(f"{I}/incidenter/measurements", content=b"unit,period,value\nA,2026,1\nB,2026,2\n",
                         headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text[:300]
    check("api/import.json", IMPORT_ID.sub(r"\1<import-id>", r.text) + "\n", ids)
    r = await admin.post(f"{I}/incidenter/measurements", content=b"unit,period,value\nX,2026,1\n",
                         headers={"Content-Type": "text/csv"})
    assert r.status_code == 422
    check("api/import-422.json", r.text + "\n", ids)
    r = await admin.post("/indikatorer/incidenter/import", files={"file": ("x.csv", b"unit,period,value\nA,2026,4\n",
                                                                           "text/csv")},
                         data={**csrf, "period": ""}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    check("pages/import-redirect.txt", r.headers["location"] + "\n", ids)
    r = await admin.get("/indikatorer/incidenter/import")
    assert r.status_code == 200
    check("pages/import.html", IMPORT_TIME.sub(r"\1<tid>\2", main_part(r.text)), ids)


# ---------------------------------------------------------------- the command line

def run(*args) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
async def world(db):
    return await setup_indicator_world()


def test_cli_golden(world, monkeypatch, tmp_path):
    ids = world
    monkeypatch.setenv("SURVEY_ENGINE_USER", "golden")
    f = tmp_path / "tal.yaml"
    f.write_text(COUNT.replace('"2026.1"', '"2026.2"'), encoding="utf-8")
    check("cli/publish.txt", run("indicators", "publish", f), ids)
    check("cli/publish-again.txt", run("indicators", "publish", f), ids)
    check("cli/show-kurs.json", run("indicators", "show", "kurs", "--format", "json"), ids)
    check("cli/show-kurs.txt", run("indicators", "show", "kurs"), ids)
    check("cli/show-incidenter.json", run("indicators", "show", "incidenter", "--format", "json"), ids)
    check("cli/show-incidenter.txt", run("indicators", "show", "incidenter"), ids)
    check("cli/lagging-kurs.txt", run("indicators", "lagging", "kurs"), ids)
    check("cli/lagging-kurs-2025-12.txt", run("indicators", "lagging", "kurs", "--period", "2025-12"), ids)
    check("cli/lagging-kurs-2025-12.json", run("indicators", "lagging", "kurs", "--period", "2025-12", "--json"), ids)
    check("cli/lagging-klick.json", run("indicators", "lagging", "klick", "--json"), ids)
    check("cli/lagging-incidenter.json", run("indicators", "lagging", "incidenter", "--json"), ids)
    check("cli/lagging-incidenter.txt", run("indicators", "lagging", "incidenter"), ids)
    check("cli/lagging-klick.txt", run("indicators", "lagging", "klick"), ids)
    said = run("indicators", "act", "klick", "--unit", "A", "--owner", "Chefen", "--due", "2026-09-30")
    new = re.fullmatch(r"åtgärd/action (\d+) i plan (\d+) för A\n", said)
    assert new and int(new.group(2)) == ids["plan"], said
    known = with_new(ids, int(new.group(1)))
    check("cli/act-klick.txt", said.replace(new.group(1), "<åtgärd ny>", 1).replace(
        f"plan {new.group(2)}", "plan <plan plan>"), known)
    # importing last: it changes the figures
    csv = tmp_path / "tal.csv"
    csv.write_text("unit,period,value\nA,2026,1\nC,2026,0\n", encoding="utf-8")
    check("cli/import.json", IMPORT_ID.sub(r"\1<import-id>", run("indicators", "import", csv, "--indicator", "incidenter",
                                                                 "--json")), ids)
    check("cli/import.txt", run("indicators", "import", csv, "--indicator", "incidenter"), ids)
