"""The audit pages: the list with upload (problems with their lines), an audit with its
recommendations' actions and status, the edit form, linking from the plan page, the
statement page with its downloads; permissions by role; hostile text is escaped."""
from __future__ import annotations

import io
import re

import pytest
from litestar.testing import AsyncTestClient

from tests.audits.audit_samples import AUDIT, setup_audit
from survey_engine.services import tokens
from tests.helpers.auth import ensure_units

pytestmark = pytest.mark.db
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


class Page:
    def __init__(self, client: AsyncTestClient):
        self.client = client
        self.token = ""

    async def get(self, url: str):
        r = await self.client.get(url)
        m = CSRF.search(r.text)
        if m:
            self.token = m.group(1)
        return r

    async def post(self, url: str, data: dict, files=None):
        r = await self.client.post(url, data={**data, "_csrf_token": self.token}, files=files,
                                   follow_redirects=False)
        m = CSRF.search(r.text)
        if m:
            self.token = m.group(1)
        return r


@pytest.fixture
async def page_as(db):
    from survey_engine.services import users as auth_service
    from survey_engine.web import create_app

    opened = []

    async def make(role, units=()):
        name = f"pg-{role}-{len(opened)}"
        await ensure_units(*units)
        await auth_service.create_user("tests", name, role, units=units)
        token, _ = await tokens.create_token("tests", name, "pages")
        client = AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False))
        await client.__aenter__()
        client.headers["Authorization"] = f"Bearer {token}"
        opened.append(client)
        return Page(client)

    yield make
    for c in opened:
        await c.__aexit__(None, None, None)


async def test_pages_for_readers_and_writers(page_as):
    ids = await setup_audit()
    planner, auditor, respondent = await page_as("planner"), await page_as("auditor"), await page_as("respondent", ["A"])
    r = await auditor.get("/granskningar")
    assert r.status_code == 200 and "Granskning av säkerheten" in r.text and 'action="/granskningar"' not in r.text
    r = await auditor.get("/granskningar/granskning-test")
    assert r.status_code == 200 and "Policy" in r.text and "Riskanalys" in r.text and "2025-03-14" in r.text
    assert "Åtgärder pågår" in r.text and "Ingen åtgärd kopplad" in r.text
    assert (await respondent.get("/granskningar")).status_code == 403
    assert (await respondent.get("/granskningar/granskning-test/yttrande")).status_code == 403
    assert (await auditor.get("/granskningar/finns-inte")).status_code == 404
    # the auditor reads but gets no edit form, and cannot post one
    r = await auditor.get("/granskningar/granskning-test/rekommendationer/tomt")
    assert r.status_code == 200 and 'name="text_sv"' not in r.text
    r = await auditor.post("/granskningar/granskning-test/rekommendationer/tomt", {"text_sv": "x"})
    assert r.status_code == 403
    # the planner edits; a bad link comes back with the input kept and the field named
    r = await planner.get("/granskningar/granskning-test/rekommendationer/tomt")
    assert 'name="text_sv"' in r.text
    r = await planner.post("/granskningar/granskning-test/rekommendationer/tomt", {
        "text_sv": "<script>alert(1)</script> Ny text", "text_en": "", "responsible": "KS", "family": "planfam",
        "questions": "s-policy, finns-inte", "areas": "", "indicators": ""})
    assert r.status_code == 422 and "questions[1]" in r.text and "finns-inte" in r.text
    assert "<script>alert(1)</script>" not in r.text and "&lt;script&gt;" in r.text
    r = await planner.post("/granskningar/granskning-test/rekommendationer/tomt", {
        "text_sv": "<b>Ny</b> text", "text_en": "", "responsible": "KS", "family": "planfam",
        "questions": "s-policy", "areas": "styr", "indicators": ""})
    assert r.status_code == 303
    r = await planner.get("/granskningar/granskning-test/rekommendationer/tomt")
    assert "&lt;b&gt;Ny&lt;/b&gt; text" in r.text and "<code>styr</code>" in r.text
    # linking from the plan page, then unlinking on the recommendation's page
    r = await planner.get(f"/planer/{ids['plan']}")
    assert 'action="/granskningar/koppla"' in r.text and "granskning-test/ovning" in r.text
    aid = ids["actions"]["s-ansvar"]
    r = await planner.post("/granskningar/koppla", {"action_id": aid, "plan_id": ids["plan"],
                                                     "recommendation": "granskning-test/tomt"})
    assert r.status_code == 303 and r.headers["location"].startswith(f"/planer/{ids['plan']}")
    r = await planner.get(f"/planer/{ids['plan']}")
    assert '/granskningar/granskning-test/rekommendationer/tomt">tomt</a>' in r.text
    r = await planner.get("/granskningar/granskning-test/rekommendationer/tomt")
    assert "Ansvar" in r.text and "Ta bort koppling" in r.text
    r = await planner.post("/granskningar/granskning-test/rekommendationer/tomt/ta-bort", {"action_id": aid})
    assert r.status_code == 303
    r = await auditor.post("/granskningar/koppla", {"action_id": aid, "recommendation": "granskning-test/tomt"})
    assert r.status_code == 403


async def test_statement_page_and_downloads(page_as):
    await setup_audit()
    analyst = await page_as("analyst")
    r = await analyst.get("/granskningar/granskning-test/yttrande?from=2025-01-01&to=2025-12-31")
    assert r.status_code == 200
    assert re.findall(r'data-rec="([\w-]+)" data-verdict="([\w-]+)"', r.text) == [
        ("policy", "ej-matbar"), ("ovning", "ej-matbar"), ("tomt", "ej-matbar")]
    assert "2025-03-14: Policy" in r.text and "vartannat år" in r.text
    r = await analyst.get("/granskningar/granskning-test/yttrande?from=2025-12-31&to=2025-01-01")
    assert r.status_code == 422 and "role=\"alert\"" in r.text
    r = await analyst.client.get("/granskningar/granskning-test/yttrande/docx?from=2025-01-01&to=2025-12-31")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    import docx

    text = "\n".join(p.text for p in docx.Document(io.BytesIO(r.content)).paragraphs)
    assert "Rekommendation 1: policy" in text and "Ännu inte mätbar" in text
    r = await analyst.client.get("/granskningar/granskning-test/yttrande/pdf?from=2025-01-01&to=2025-12-31&lang=en")
    assert r.status_code == 200 and r.content[:4] == b"%PDF"
    r = await analyst.client.get("/granskningar/granskning-test/yttrande/exe?from=2025-01-01&to=2025-12-31")
    assert r.status_code == 422


async def test_upload_page(page_as):
    await setup_audit()
    admin, analyst = await page_as("admin"), await page_as("analyst")
    r = await admin.get("/granskningar")
    assert 'action="/granskningar"' in r.text
    bad = AUDIT.replace("format: 1", "format: 3").replace("id: granskning-test", "id: ny")
    r = await admin.post("/granskningar", {}, files={"file": ("g.yaml", bad.encode(), "application/yaml")})
    assert r.status_code == 422 and "rad" in r.text and "format" in r.text
    good = AUDIT.replace("id: granskning-test", "id: ny-granskning")
    r = await admin.post("/granskningar", {}, files={"file": ("g.yaml", good.encode(), "application/yaml")})
    assert r.status_code == 303 and r.headers["location"].startswith("/granskningar/ny-granskning")
    r = await admin.post("/granskningar", {}, files={"file": ("g.yaml", b"\xff\xfe", "application/yaml")})
    assert r.status_code == 422 and "UTF-8" in r.text
    await analyst.get("/granskningar")
    r = await analyst.post("/granskningar", {}, files={"file": ("g.yaml", good.encode(), "application/yaml")})
    assert r.status_code == 403
