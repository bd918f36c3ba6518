"""A fresh app and test client per test (Litestar state lives on the app).

`client` is authenticated as an administrator with a bearer token; `client_as(role,
units)` (tests/conftest.py) gives further clients, one user each, for tests of other roles."""
import pytest
from litestar.testing import AsyncTestClient

from tests.helpers.auth import make_token, test_app
from survey_engine.services.policy import Role


@pytest.fixture
async def client(db):
    token = await make_token(Role.ADMIN, username="admin")
    async with AsyncTestClient(app=test_app()) as c:
        c.headers["Authorization"] = f"Bearer {token}"
        yield c
