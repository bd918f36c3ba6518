"""Page tests: a fresh app per test on the `db` fixture's database, the small site
of site_data.py, and helpers to log in and post forms with the CSRF token."""
from __future__ import annotations

import contextlib
import re

import httpx
import pytest
from litestar.testing import AsyncTestClient

from tests.helpers.auth import cheap_password_hashing
from survey_engine.web import create_app
from tests.ui.ui_site import PASSWORD, build_site

CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    cheap_password_hashing(monkeypatch)


@pytest.fixture
async def site(db):
    return await build_site()


class Browser:
    """One person's browser: its own cookies (session, CSRF, language) on a test client
    shared with the other browsers of the test, and the CSRF token of its last page.
    (One client per test: every client's start-up would start the PostgreSQL pool again.)"""

    def __init__(self, client: AsyncTestClient):
        self.client = client
        self.token = ""
        self.jar = httpx.Cookies()

    async def _send(self, method: str, url: str, **kw):
        self.client.cookies = self.jar
        try:
            return await self.client.request(method, url, **kw)
        finally:
            self.jar = httpx.Cookies(self.client.cookies)

    def _remember(self, response):
        match = CSRF_FIELD.search(response.text) if "text/html" in response.headers.get("content-type", "") else None
        if match:
            self.token = match.group(1)
        return response

    async def get(self, url: str, follow: bool = False):
        return self._remember(await self._send("GET", url, follow_redirects=follow))

    async def post(self, url: str, data=None, *, csrf: bool = True, files=None, headers=None):
        fields: dict = {}
        for key, value in (data.items() if isinstance(data, dict) else (data or [])):
            if key in fields:  # repeated field (a multiple select): a list of values
                previous = fields[key]
                fields[key] = (previous if isinstance(previous, list) else [previous]) + [value]
            else:
                fields[key] = value
        if csrf:
            fields["_csrf_token"] = self.token
        return self._remember(await self._send("POST", url, data=fields, files=files, headers=headers or {},
                                               follow_redirects=False))

    async def login(self, username: str, password: str = PASSWORD):
        await self.get("/logga-in", follow=True)
        r = await self.post("/logga-in", {"username": username, "password": password, "next": "/"})
        assert r.status_code == 303, r.text
        return r


@pytest.fixture
async def browser(site):
    """`await browser("resp-kultur")` → a Browser logged in as that user (None: anonymous).

    The app starts at the first browser: with PostgreSQL its connection pool belongs to
    the test client's event loop, so a test prepares its data before it opens a browser."""
    async with contextlib.AsyncExitStack() as stack:
        clients: list[AsyncTestClient] = []

        async def make(username: str | None = None) -> Browser:
            if not clients:
                clients.append(await stack.enter_async_context(AsyncTestClient(app=create_app(secure_cookies=False))))
            b = Browser(clients[0])
            if username:
                await b.login(username)
            return b

        yield make
