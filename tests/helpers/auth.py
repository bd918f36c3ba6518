"""Users, bearer tokens, test clients and cheap password hashing for the tests."""
from __future__ import annotations

import contextlib
import itertools

from argon2 import PasswordHasher

from survey_engine.services import passwords, tokens
from survey_engine.services import users as users_service
from survey_engine.services.policy import Role

_names = itertools.count(1)


async def ensure_units(*codes: str) -> None:
    """Create each unit code that does not exist yet (name = code, weight 1), so a test
    can bind a respondent to it: binding to an unknown code is refused (issue 14,
    finding 11; tests/auth/test_unknown_units.py)."""
    from survey_engine.store.db import writing
    from survey_engine.store.tables import Unit

    async with writing():
        for code in codes:
            if not await Unit.exists().where(Unit.code == code):
                await Unit.insert(Unit(code=code, name=code, weight=1.0))


async def make_token(role: Role | str | None, units=(), username: str | None = None) -> str:
    """A new user of `role` (bound to `units`, created first when missing) and a bearer
    token for it; the token. With `role=None`, `username` is an existing user and only
    the token is made."""
    if role is None:
        if not username:
            raise ValueError("make_token(None, …) needs the username of an existing user")
        name = username
    else:
        name = username or f"{Role(role).value}-{next(_names)}"
        await ensure_units(*units)
        await users_service.create_user("tests", name, role, units=units)
    plain, _ = await tokens.create_token("tests", name, "tests")
    return plain


def test_app():
    """The app as the API tests use it: plain-HTTP cookies, no connection pool (the test
    client runs the start-up hooks in a thread and event loop of its own)."""
    from survey_engine.web import create_app

    return create_app(secure_cookies=False, db_pool=False)


test_app.__test__ = False  # a helper, not a test


@contextlib.asynccontextmanager
async def bearer_clients():
    """`async with bearer_clients() as client_as:` then `await client_as("respondent", ["a"])`
    gives an AsyncTestClient with a new user's bearer token; all are closed at the end."""
    from litestar.testing import AsyncTestClient

    opened: list[AsyncTestClient] = []

    async def make(role: Role | str | None, units=(), username: str | None = None) -> AsyncTestClient:
        token = await make_token(role, units, username)
        client = AsyncTestClient(app=test_app())
        await client.__aenter__()
        client.headers["Authorization"] = f"Bearer {token}"
        opened.append(client)
        return client

    try:
        yield make
    finally:
        for client in opened:
            await client.__aexit__(None, None, None)


def cheap_password_hashing(monkeypatch) -> None:
    """Hash with cheap argon2 parameters: the production ones cost about half a second a
    hash on a busy machine. tests/auth/test_auth_passwords.py checks the real ones."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(passwords, "_DUMMY_HASH", None)
