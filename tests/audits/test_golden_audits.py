"""Golden outputs of the audits (recommendations) and the follow-up statement: the
JSON of the API, the OpenAPI schema of its routes, the command line's text and JSON,
the statement file, and the main part of the pages, byte for byte.

They pin what the outside world sees while the services change inside (issue 12,
item 4: typed results instead of dicts). Only what changes from run to run is
normalised, each by name: the time stamps (ISO 8601, written `<tid>`), the ids the
database hands out (plans and plan actions, written by the question the action
belongs to, e.g. `<åtgärd s-policy>`), the CSRF token, and the default period of the
audit page (last calendar year, written `<förra året>`). An id the test does not
know is written `<okänt id …>`, so a new id in the output fails instead of passing.

The golden files are in tests/audits/golden/. After an intended change of output,
write them again with `GOLDEN_UPDATE=1 pytest tests/audits/test_golden_audits.py`
and read the diff before committing it.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.audits.audit_samples import DEFS, KLICK, KURS, setup_audit
from tests.plans.plan_samples import ADMIN
from survey_engine.cli import main

pytestmark = pytest.mark.db
GOLDEN = Path(__file__).parent / "golden"
A = "/api/v1/audits"

MEASURED = """format: 1
id: granskning-matt
title: {sv: "Granskning med mätningar", en: "Audit with measurements"}
auditor: Stadsrevisionen
date: 2025-02-01
recommendations:
  - id: utbildning
    text: {sv: "Utbilda all personal <och följ upp>.", en: "Train all staff."}
    responsible: HR-chefen
    family: planfam
    questions: [s-risk]
    areas: [drift]
    indicators: [kurs, klick]
  - id: phishing
    text: Öva phishing.
    indicators: [klick]
"""
NEW = """format: 1
id: ny-granskning
title: Ny granskning
auditor: Revisorerna
date: 2026-01-15
recommendations:
  - id: en
    text: {sv: "Första rekommendationen.", en: "The first one."}
    responsible: Kommunstyrelsen
    family: planfam
    questions: [s-ansvar]
"""


async def setup_world() -> dict:
    """The plan tests' rounds with the 2026 round closed too (round comparisons), the
    audit of audit_samples with its three linked actions, published indicators with
    measurements, and a second audit that links them."""
    from survey_engine.services import indicators, recommendations, rounds

    ids = await setup_audit()
    await rounds.close_round(ids["r26"], actor=ADMIN)
    await indicators.publish(DEFS, actor=ADMIN, source="defs.yaml")
    await indicators.import_measurements("kurs", KURS, actor=ADMIN)
    await indicators.import_measurements("klick", KLICK, actor=ADMIN)
    await recommendations.import_audit(MEASURED, actor=ADMIN, source="matt.yaml")
    return ids


# ---------------------------------------------------------------- normalising

TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")
ID_PLACES = [
    # JSON (compact from the API, indented from the command line)
    re.compile(r'("(?P<kind>action_id|plan_id)":\s*)(?P<id>\d+)'),
    # pages
    re.compile(r"(/(?P<kind>planer)/)(?P<id>\d+)"),
    re.compile(r"(?P<kind>#action-|data-action=\"|name=\"action_id\" value=\"|name=\"plan_id\" value=\"|id=\"a|for=\"a)(?P<id>\d+)(?=[\"\-])"),
]
CSRF = re.compile(r'(name="_csrf_token" value=")[^"]*(")')


def normalise(text: str, ids: dict) -> str:
    actions = {str(v): k for k, v in ids["actions"].items()}
    plans = {str(ids["plan"]): "plan"}

    def named(m: re.Match) -> str:
        kind, ident = m.group("kind"), m.group("id")
        table = plans if "plan" in kind else actions
        name = table.get(ident)
        label = f"<{'plan' if table is plans else 'åtgärd'} {name}>" if name else f"<okänt id {ident}>"
        return m.group(0)[: m.start("id") - m.start(0)] + label

    text = TIME.sub("<tid>", text)
    for pattern in ID_PLACES:
        text = pattern.sub(named, text)
    return CSRF.sub(r"\1<csrf>\2", text)


def check(name: str, text: str, ids: dict) -> None:
    got = normalise(text, ids)
    path = GOLDEN / name
    if os.environ.get("GOLDEN_UPDATE") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"{path} is missing: write it with GOLDEN_UPDATE=1 and read it"
    want = path.read_text(encoding="utf-8")
    assert got == want, f"{name} differs from its golden file (GOLDEN_UPDATE=1 writes it again)"


def main_part(html: str) -> str:
    """The page's own content: between <main> and </main> (the frame around it is
    pinned by the page tests of its own)."""
    start, end = html.index('<main id="main"'), html.index("</main>")
    return html[start:end + len("</main>")] + "\n"


# ---------------------------------------------------------------- fixtures

@pytest.fixture
def clients(client_as):
    """API/page clients with fixed user names (the names are in the outputs)."""
    return lambda role, units=(): client_as(role, units, username=f"golden-{role}")


# ---------------------------------------------------------------- the API

async def test_api_golden(clients):
    ids = await setup_world()
    admin, planner, analyst = await clients("admin"), await clients("planner"), await clients("analyst")

    heads = []

    async def pin(name: str, response, status: int = 200) -> None:
        assert response.status_code == status, (name, response.status_code, response.text[:500])
        check(f"api/{name}", response.text + "\n", ids)
        if name.startswith("statement"):
            heads.append(f"{name}: {response.headers['content-type']}; {response.headers['content-disposition']}")

    await pin("list.json", await analyst.get(A))
    await pin("audit-test.json", await analyst.get(f"{A}/granskning-test"))
    await pin("audit-matt.json", await analyst.get(f"{A}/granskning-matt"))
    await pin("import-new.json", await admin.post(A, content=NEW.encode(),
                                                  headers={"Content-Type": "application/yaml"}), 201)
    await pin("import-again.json", await admin.post(A, json={"source": NEW.replace("Ny granskning", "Ny titel")}))
    await pin("patch.json", await planner.patch(f"{A}/granskning-test/recommendations/tomt", json={
        "responsible": "Kommunfullmäktige", "text": {"sv": "Mät något.", "en": "Measure something."},
        "indicators": ["kurs"]}))
    await pin("patch-422.json", await planner.patch(f"{A}/granskning-test/recommendations/tomt", json={
        "family": "planfam", "areas": ["finns-inte"]}), 422)
    aid = ids["actions"]["s-ansvar"]
    await pin("link.json", await planner.post(f"{A}/granskning-test/recommendations/tomt/actions",
                                              json={"action_id": aid}))
    await pin("unlink.json", await planner.delete(f"{A}/granskning-test/recommendations/policy/actions/"
                                                  f"{ids['actions']['s-risk']}"))
    await pin("statement-test.json", await analyst.get(f"{A}/granskning-test/statement?from=2024-06-01&to=2026-12-31"))
    await pin("statement-test-en.json", await analyst.get(
        f"{A}/granskning-test/statement?from=2025-01-01&to=2025-12-31&lang=en"))
    await pin("statement-matt.json", await analyst.get(f"{A}/granskning-matt/statement?from=2025-01-01&to=2025-12-31"))
    await pin("statement-matt.html", await analyst.get(
        f"{A}/granskning-matt/statement?from=2025-01-01&to=2026-06-30&format=html"))
    await pin("list-after.json", await analyst.get(A))
    check("api/statement-headers.txt", "\n".join(heads) + "\n", ids)


def _without_examples(node):
    """The document without its `examples`: the app has them made up at random."""
    if isinstance(node, dict):
        return {k: _without_examples(v) for k, v in node.items() if k != "examples"}
    if isinstance(node, list):
        return [_without_examples(v) for v in node]
    return node


def test_openapi_golden():
    """The audits' routes and every schema they name, as the OpenAPI document has them
    (less the made-up examples)."""
    from litestar.testing import TestClient

    from survey_engine.web import create_app

    with TestClient(app=create_app(db_pool=False)) as client:
        doc = _without_examples(client.get("/schema/openapi.json").json())
    paths = {p: v for p, v in doc["paths"].items() if p.startswith(A)}
    schemas, todo = {}, [json.dumps(paths)]
    while todo:
        for ref in re.findall(r'"#/components/schemas/([^"]+)"', todo.pop()):
            if ref not in schemas:
                schemas[ref] = doc["components"]["schemas"][ref]
                todo.append(json.dumps(schemas[ref]))
    out = json.dumps({"paths": paths, "schemas": dict(sorted(schemas.items()))}, ensure_ascii=False, indent=1)
    check("api/openapi-audits.json", out + "\n", {"actions": {}, "plan": 0})


# ---------------------------------------------------------------- the command line

def run(*args) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
async def world(db):
    return await setup_world()


def test_cli_golden(world, tmp_path, monkeypatch):
    ids = world
    monkeypatch.setenv("SURVEY_ENGINE_USER", "golden")
    check("cli/list.txt", run("recommendations", "list"), ids)
    check("cli/list.json", run("recommendations", "list", "--json"), ids)
    check("cli/list-audit.txt", run("recommendations", "list", "--audit", "granskning-test"), ids)
    check("cli/list-audit.json", run("recommendations", "list", "--audit", "granskning-matt", "--json"), ids)
    f = tmp_path / "ny.yaml"
    f.write_text(NEW, encoding="utf-8")
    check("cli/import.json", run("recommendations", "import", f, "--json").replace(str(f), "<fil>"), ids)
    check("cli/import-again.txt", run("recommendations", "import", f), ids)
    check("cli/link.txt", run("recommendations", "link", "--audit", "ny-granskning", "--recommendation", "en",
                              "--action", ids["actions"]["s-ansvar"]), ids)
    check("cli/unlink.txt", run("recommendations", "link", "--audit", "ny-granskning", "--recommendation", "en",
                                "--action", ids["actions"]["s-ansvar"], "--remove"), ids)
    out = tmp_path / "yttrande.json"
    said = run("report", "statement", "--audit", "granskning-test", "--from", "2024-06-01", "--to", "2026-12-31",
               "--format", "json", "--out", out)
    check("cli/statement.txt", said.replace(str(out), "<fil>"), ids)
    check("cli/statement.json", out.read_text(encoding="utf-8"), ids)


# ---------------------------------------------------------------- the pages

async def test_pages_golden(clients):
    from survey_engine import clock

    ids = await setup_world()
    planner = await clients("planner")
    year = clock.local(clock.now()).year - 1

    async def pin(name: str, url: str) -> None:
        r = await planner.get(url)
        assert r.status_code == 200, (url, r.status_code)
        text = main_part(r.text).replace(f"from={year}-01-01&amp;to={year}-12-31", "from=<förra året>")
        check(f"pages/{name}", text, ids)

    await pin("list.html", "/granskningar")
    await pin("audit-test.html", "/granskningar/granskning-test")
    await pin("audit-matt.html", "/granskningar/granskning-matt")
    await pin("recommendation-policy.html", "/granskningar/granskning-test/rekommendationer/policy")
    await pin("recommendation-utbildning.html", "/granskningar/granskning-matt/rekommendationer/utbildning")
    await pin("statement-test.html", "/granskningar/granskning-test/yttrande?from=2024-06-01&to=2026-12-31")
    await pin("statement-matt.html", "/granskningar/granskning-matt/yttrande?from=2025-01-01&to=2025-12-31")
    r = await planner.get("/granskningar/granskning-matt/yttrande/json?from=2025-01-01&to=2025-12-31")
    assert r.status_code == 200
    check("pages/statement-matt-file.json", r.text + "\n", ids)
    heads = [f"json: {r.headers['content-type']}; {r.headers['content-disposition']}"]
    r = await planner.get("/granskningar/granskning-test/yttrande/docx?from=2024-06-01&to=2026-12-31&lang=en")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    heads.append(f"docx: {r.headers['content-type']}; {r.headers['content-disposition']}")
    check("pages/statement-file-headers.txt", "\n".join(heads) + "\n", ids)
    # the plan page: the recommendations each action answers, and those it can be linked to
    r = await planner.get(f"/planer/{ids['plan']}")
    assert r.status_code == 200
    parts = re.findall(r'<p class="hint">(?:Svarar på|Answers):.*?</select>', r.text, re.S)
    assert parts
    check("pages/plan-recommendations.html", "\n".join(parts) + "\n", ids)
