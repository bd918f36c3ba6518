"""Page tests: a fresh app per test on the `db` fixture's database, the small site
of site_data.py, and helpers to log in and post forms with the CSRF token."""
from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher
from litestar.testing import AsyncTestClient

from survey_engine.auth import passwords
from survey_engine.web import create_app
from ui_site import PASSWORD, build_site

CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(passwords, "_DUMMY_HASH", None)


@pytest.fixture
async def site(db):
    return await build_site()


class Browser:
    """A test client that keeps cookies and finds the CSRF token in the last page."""

    def __init__(self, client: AsyncTestClient):
        self.client = client
        self.token = ""

    def _remember(self, response):
        match = CSRF_FIELD.search(response.text) if "text/html" in response.headers.get("content-type", "") else None
        if match:
            self.token = match.group(1)
        return response

    async def get(self, url: str, follow: bool = False):
        return self._remember(await self.client.get(url, follow_redirects=follow))

    async def post(self, url: str, data=None, *, csrf: bool = True, files=None, headers=None):
        fields = dict(data or {}) if not isinstance(data, list) else list(data)
        if csrf:
            if isinstance(fields, list):
                fields.append(("_csrf_token", self.token))
            else:
                fields["_csrf_token"] = self.token
        return self._remember(await self.client.post(url, data=fields, files=files, headers=headers or {},
                                                     follow_redirects=False))

    async def login(self, username: str, password: str = PASSWORD):
        await self.get("/logga-in", follow=True)
        r = await self.post("/logga-in", {"username": username, "password": password, "next": "/"})
        assert r.status_code == 303, r.text
        return r


@pytest.fixture
async def browser(site):
    """`await browser("resp-kultur")` → a Browser logged in as that user (None: anonymous)."""
    opened = []

    async def make(username: str | None = None) -> Browser:
        client = AsyncTestClient(app=create_app(secure_cookies=False))
        await client.__aenter__()
        opened.append(client)
        b = Browser(client)
        if username:
            await b.login(username)
        return b

    yield make
    for c in opened:
        await c.__aexit__(None, None, None)
