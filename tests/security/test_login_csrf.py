"""Finding 7 of issue 14: a cross-site text/plain POST to /api/v1/auth/login logged the
browser in (login CSRF). The API login now takes only application/json and refuses a
foreign Origin; the HTML form login keeps its CSRF token."""
from __future__ import annotations

import json

import pytest
from litestar.testing import AsyncTestClient

from survey_engine.services import users as auth_service
from survey_engine.web import create_app
from survey_engine.web.security import SESSION_COOKIE

pytestmark = pytest.mark.db
API = "/api/v1"
PASSWORD = "korrekt häst batteri häftklammer"
BODY = json.dumps({"username": "anna", "password": PASSWORD})


@pytest.fixture
async def anna(db):
    await auth_service.create_user("tests", "anna", "analyst", password=PASSWORD)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                                          "text/plain; charset=utf-8"])
async def test_a_cross_site_simple_request_does_not_log_in(anna, content_type):
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as c:
        r = await c.post(f"{API}/auth/login", content=BODY, headers={"content-type": content_type,
                                                                      "origin": "https://evil.example"})
        assert r.status_code in (400, 415), r.text
        assert SESSION_COOKIE not in r.headers.get("set-cookie", "")
        assert (await c.get(f"{API}/auth/me")).status_code == 401


async def test_json_from_another_origin_is_refused(anna):
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as c:
        r = await c.post(f"{API}/auth/login", content=BODY, headers={"content-type": "application/json",
                                                                      "origin": "https://evil.example"})
        assert r.status_code == 403, r.text
        r = await c.post(f"{API}/auth/login", content=BODY, headers={"content-type": "application/json",
                                                                      "origin": "null"})
        assert r.status_code == 403
        assert (await c.get(f"{API}/auth/me")).status_code == 401


async def test_json_from_the_same_origin_or_a_script_logs_in(anna):
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as c:
        r = await c.post(f"{API}/auth/login", content=BODY, headers={"content-type": "application/json",
                                                                      "origin": "http://testserver.local"})
        assert r.status_code == 200, r.text
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as c:
        r = await c.post(f"{API}/auth/login", json={"username": "anna", "password": PASSWORD})
        assert r.status_code == 200


async def test_the_form_login_needs_its_csrf_token(anna):
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as c:
        r = await c.post("/logga-in", data={"username": "anna", "password": PASSWORD})
        assert r.status_code == 403
        assert (await c.get(f"{API}/auth/me")).status_code == 401
