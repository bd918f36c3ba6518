"""Finding 8 of issue 14: no security headers, and /schema loaded scripts and fonts from
third-party CDNs. Every response now carries them; /schema is our own page."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from tests.security.api_support import seed_round
from tests.helpers.auth import make_token
from survey_engine.web import create_app

pytestmark = pytest.mark.db
TEMPLATES = Path(__file__).parents[2] / "survey_engine" / "web" / "templates"


def _check(r, static=False):
    h = r.headers
    csp = h["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert h["x-frame-options"] == "DENY"
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "same-origin"
    if not static:
        assert h["cache-control"] == "no-store"


@pytest.mark.parametrize("path", ["/", "/logga-in", "/schema", "/schema/openapi.json", "/api/v1/health",
                                  "/api/v1/rounds", "/finns-inte", "/api/v1/finns-inte", "/health/live"])
async def test_every_response_has_the_headers(db, path):
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as c:
        r = await c.get(path)
    _check(r)


async def test_pages_with_answers_are_not_cached(db):
    seeded = await seed_round(units=("a",))
    admin = await make_token("admin")
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as c:
        r = await c.get(f"/api/v1/responses/{seeded['responses']['a']}", headers={"Authorization": f"Bearer {admin}"})
        assert r.status_code == 200
        _check(r)
        r = await c.get("/static/app.js")
        assert r.status_code == 200
        _check(r, static=True)


async def test_hsts_only_over_https(db):
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as c:
        assert "strict-transport-security" not in (await c.get("/logga-in")).headers
    async with AsyncTestClient(app=create_app(secure_cookies=True, db_pool=False), base_url="https://testserver.local") as c:
        assert "max-age=" in (await c.get("/logga-in")).headers["strict-transport-security"]


async def test_schema_page_loads_nothing_from_another_host(db):
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as c:
        r = await c.get("/schema")
        assert r.status_code == 200 and "/api/v1/auth/login" in r.text
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", r.text), "a third-party URL"
        assert "<script" not in r.text
        for gone in ("/schema/swagger", "/schema/redoc", "/schema/elements", "/schema/rapidoc"):
            assert (await c.get(gone)).status_code == 404


def test_templates_have_no_inline_script_or_handlers():
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"<script\b([^>]*)>", text):
            attrs = m.group(1)
            assert "src=" in attrs or 'type="application/json"' in attrs, (path, attrs)
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert "javascript:" not in text, path
