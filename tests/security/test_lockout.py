"""Finding 9 of issue 14: five guesses from anywhere locked any account for 15 minutes,
its owner included, and 20 failures blocked a whole (NAT) address. Locks are now per
account-and-address pair, the address limit is 50, and X-Forwarded-For counts only
from TRUSTED_PROXIES."""
from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from survey_engine.errors import InvalidCredentials, LoginThrottled
from survey_engine.services import login
from survey_engine.services import users as auth_service
from survey_engine.settings import SettingsError, trusted_proxies
from survey_engine.store.auth_tables import LoginAttempt
from survey_engine.web import create_app

pytestmark = pytest.mark.db
PASSWORD = "korrekt häst batteri häftklammer"


@pytest.fixture
async def anna(db):
    await auth_service.create_user("tests", "anna", "analyst", password=PASSWORD)


async def test_an_attacker_cannot_lock_the_owner_out(anna):
    for _ in range(login.ACCOUNT_FAILURES_BEFORE_LOCK + 3):
        with pytest.raises((InvalidCredentials, LoginThrottled)):
            await login.authenticate("anna", "gissning gissning", "203.0.113.66")
    with pytest.raises(LoginThrottled):
        await login.authenticate("anna", PASSWORD, "203.0.113.66")  # the attacker's address is locked
    assert (await login.authenticate("anna", PASSWORD, "198.51.100.10")).username == "anna"  # the owner is not


async def test_a_shared_address_keeps_working_below_fifty(anna):
    for i in range(30):  # a municipal NAT: many people mistyping
        with pytest.raises(InvalidCredentials):
            await login.authenticate(f"kollega{i}", "fel fel fel fel", "192.0.2.1")
    assert (await login.authenticate("anna", PASSWORD, "192.0.2.1")).username == "anna"


def test_trusted_proxies_setting():
    assert trusted_proxies({}) == ()
    assert trusted_proxies({"TRUSTED_PROXIES": "10.0.0.5, 172.16.0.0/12"}) == ("10.0.0.5", "172.16.0.0/12")
    with pytest.raises(SettingsError):
        trusted_proxies({"TRUSTED_PROXIES": "not-an-address"})


async def _login_from(monkeypatch, proxies: str, forwarded: str):
    monkeypatch.setenv("TRUSTED_PROXIES", proxies)
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as c:
        await c.post("/api/v1/auth/login", json={"username": "anna", "password": "fel fel fel fel"},
                     headers={"X-Forwarded-For": forwarded})
    return (await LoginAttempt.select(LoginAttempt.address).order_by(LoginAttempt.id, ascending=False).first())["address"]


async def test_x_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(anna, monkeypatch):
    # The test client's peer is "testclient"; no proxy configured: the header is ignored.
    assert await _login_from(monkeypatch, "", "6.6.6.6") != "6.6.6.6"
    # 127.0.0.1 is no longer trusted by default either
    assert await _login_from(monkeypatch, "127.0.0.1", "6.6.6.6") != "6.6.6.6"
