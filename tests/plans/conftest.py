"""Clients for the plan API tests: one user and bearer token per role."""
import itertools
import sys
from pathlib import Path

import pytest
from survey_engine.services import tokens

sys.path.insert(0, str(Path(__file__).parent))

_names = itertools.count(1)


def plan_app():
    from survey_engine.web import create_app

    # no pool: the test client runs startup hooks in a thread and loop of its own
    return create_app(secure_cookies=False, db_pool=False)


@pytest.fixture
async def client_as(db):
    """`await client_as("planner")` -> an AsyncTestClient with that user's bearer token."""
    from litestar.testing import AsyncTestClient

    from survey_engine.services import users as auth_service
    from survey_engine.services.policy import Role

    opened = []

    async def make(role, units=(), username=None):
        name = username or f"{Role(role).value}-{next(_names)}"
        await auth_service.create_user("tests", name, role, units=units)
        token, _ = await tokens.create_token("tests", name, "tests")
        c = AsyncTestClient(app=plan_app())
        await c.__aenter__()
        c.headers["Authorization"] = f"Bearer {token}"
        opened.append(c)
        return c

    yield make
    for c in opened:
        await c.__aexit__(None, None, None)
