"""Finding 3 of issue 14: a password over 256 characters skipped argon2 for an existing
user (~45 ms) but not for an unknown one (~235 ms), telling who exists. No timing is
measured here (shared CI machines): the test counts argon2 verifications instead,
which is what made the difference."""
from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from survey_engine.services import passwords
from survey_engine.services import users as auth_service
from survey_engine.web import create_app

pytestmark = pytest.mark.db
API = "/api/v1"
PASSWORD = "korrekt häst batteri häftklammer"


@pytest.fixture
def argon2_calls(monkeypatch):
    from argon2 import PasswordHasher

    calls = []

    class Counting(PasswordHasher):  # the real argon2, counted
        def verify(self, hash_, password):
            calls.append(len(password))
            return super().verify(hash_, password)

    monkeypatch.setattr(passwords, "_hasher", Counting())
    passwords.verify_dummy("warm-up")  # make the dummy hash now, outside the counted logins
    calls.clear()
    return calls


@pytest.fixture
async def accounts(db):
    await auth_service.create_user("tests", "anna", "analyst", password=PASSWORD)
    await auth_service.create_user("tests", "skript", "analyst")  # token-only


async def _login(username, password):
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as c:
        return await c.post(f"{API}/auth/login", json={"username": username, "password": password})


@pytest.mark.parametrize("length", [257, 300, 1024])
async def test_over_long_password_is_refused_alike_before_any_hashing(accounts, argon2_calls, length):
    answers = []
    for user in ("anna", "ingen-sadan", "skript"):
        r = await _login(user, "x" * length)
        answers.append((r.status_code, r.json()))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 401
    assert argon2_calls == []  # the same (empty) path for every username


async def test_wrong_password_costs_one_argon2_for_known_unknown_and_token_only(accounts, argon2_calls):
    for user in ("anna", "ingen-sadan", "skript"):
        before = len(argon2_calls)
        r = await _login(user, "fel lösenord, tyvärr")
        assert r.status_code == 401
        assert len(argon2_calls) - before == 1, user


async def test_right_password_still_works(accounts):
    assert (await _login("anna", PASSWORD)).status_code == 200
