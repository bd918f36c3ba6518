"""Audits, recommendations and the follow-up statement (issue 16): the plan tests'
small questionnaire and rounds serve here too."""
import itertools

import pytest

from tests.helpers.auth import ensure_units

_names = itertools.count(1)


@pytest.fixture
async def client_as(db):
    """`await client_as("planner")` -> an AsyncTestClient with that user's bearer token."""
    from litestar.testing import AsyncTestClient

    from survey_engine.services import tokens
    from survey_engine.services import users as auth_service
    from survey_engine.services.policy import Role
    from survey_engine.web import create_app

    opened = []

    async def make(role, units=()):
        name = f"a-{Role(role).value}-{next(_names)}"
        await ensure_units(*units)
        await auth_service.create_user("tests", name, role, units=units)
        token, _ = await tokens.create_token("tests", name, "tests")
        c = AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False))
        await c.__aenter__()
        c.headers["Authorization"] = f"Bearer {token}"
        opened.append(c)
        return c

    yield make
    for c in opened:
        await c.__aexit__(None, None, None)
