"""A fresh app and test client per test (Litestar state lives on the app).

`client` is authenticated as an administrator with a bearer token; `client_as(role,
units)` gives further clients, one user each, for tests of other roles."""
import pytest
from litestar.testing import AsyncTestClient

from tests.helpers.auth import bearer_clients, make_token, test_app
from survey_engine.services.policy import Role


@pytest.fixture
async def client(db):
    token = await make_token(Role.ADMIN, username="admin")
    async with AsyncTestClient(app=test_app()) as c:
        c.headers["Authorization"] = f"Bearer {token}"
        yield c


@pytest.fixture
async def client_as(db):
    """`await client_as("respondent", ["a"])` → a client with that user's bearer token."""
    async with bearer_clients() as make:
        yield make
