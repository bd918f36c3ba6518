"""A fresh app and test client per test (Litestar state lives on the app).

`client` is authenticated as an administrator with a bearer token; `client_as(role,
units)` gives further clients, one user each, for tests of other roles."""
import pytest
from litestar.testing import AsyncTestClient

from api_auth import make_token
from survey_engine.services.policy import Role
from survey_engine.web import create_app

@pytest.fixture
async def client(db):
    token = await make_token(Role.ADMIN, username="admin")
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as c:
        c.headers["Authorization"] = f"Bearer {token}"
        yield c


@pytest.fixture
async def client_as(db):
    """`await client_as("respondent", ["a"])` → a client with that user's bearer token."""
    opened = []

    async def make(role, units=(), username=None):
        token = await make_token(role, units, username)
        c = AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False))
        await c.__aenter__()
        c.headers["Authorization"] = f"Bearer {token}"
        opened.append(c)
        return c

    yield make
    for c in opened:
        await c.__aexit__(None, None, None)
