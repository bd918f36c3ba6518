"""Finding 6 of issue 14: sessions slid forever, survived a password change, ids were
stored in plain text; tokens never expired and came back when a user was re-enabled.
docs/security.md, "Sessions" and "API tokens"."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from litestar.testing import AsyncTestClient

from survey_engine import clock
from survey_engine.errors import Invalid
from survey_engine.services import tokens
from survey_engine.services import users as auth_service
from survey_engine.store.auth_tables import SessionRecord
from survey_engine.web import create_app
from survey_engine.web.security import SESSION_COOKIE

pytestmark = pytest.mark.db
API = "/api/v1"
PASSWORD = "korrekt häst batteri häftklammer"


def _app():
    return create_app(secure_cookies=False, db_pool=False)


@pytest.fixture
async def anna(db):
    await auth_service.create_user("tests", "root", "admin", password=PASSWORD)
    await auth_service.create_user("tests", "anna", "analyst", password=PASSWORD)


async def _login(c, username="anna"):
    r = await c.post(f"{API}/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return r.json()["csrf_token"]


class _Clock:
    """Moves survey_engine.clock forward (the one clock of the app)."""

    def __init__(self, monkeypatch):
        self.offset = dt.timedelta(0)
        real = clock.now
        monkeypatch.setattr(clock, "now", lambda: real() + self.offset)


async def test_session_ids_are_stored_hashed(anna):
    async with AsyncTestClient(app=_app()) as c:
        await _login(c)
        sid = c.cookies.get(SESSION_COOKIE)
        rows = await SessionRecord.select(SessionRecord.key)
    assert sid and rows
    assert all(sid not in r["key"] for r in rows)
    assert any(r["key"].endswith(hashlib.sha256(sid.encode()).hexdigest()) for r in rows)


async def test_absolute_lifetime_ends_an_active_session(anna, monkeypatch):
    moved = _Clock(monkeypatch)
    async with AsyncTestClient(app=_app()) as c:
        await _login(c)
        # active every 50 minutes: the idle timeout never strikes, the absolute one does
        for _ in range(14):
            moved.offset += dt.timedelta(minutes=50)
            if moved.offset > dt.timedelta(hours=12):
                break
            assert (await c.get(f"{API}/auth/me")).status_code == 200, moved.offset
        moved.offset += dt.timedelta(minutes=50)
        assert (await c.get(f"{API}/auth/me")).status_code == 401


async def test_idle_timeout(anna, monkeypatch):
    moved = _Clock(monkeypatch)
    async with AsyncTestClient(app=_app()) as c:
        await _login(c)
        moved.offset += dt.timedelta(minutes=61)
        assert (await c.get(f"{API}/auth/me")).status_code == 401


@pytest.mark.parametrize("change", ["password", "disable", "role", "everywhere"])
async def test_sessions_end_when_credentials_change(anna, change):
    async with AsyncTestClient(app=_app()) as c:
        await _login(c)
        assert (await c.get(f"{API}/auth/me")).status_code == 200
        if change == "password":
            await auth_service.set_password("cli:test", "anna", "ett helt annat långt lösenord")
        elif change == "disable":
            await auth_service.disable_user("cli:test", "anna")
            await auth_service.enable_user("cli:test", "anna")
        elif change == "role":
            await auth_service.set_role("cli:test", "anna", "planner")
        else:
            await auth_service.logout_everywhere("cli:test", "anna")
        assert (await c.get(f"{API}/auth/me")).status_code == 401


async def test_log_out_everywhere_over_the_api_self_and_admin(anna):
    async with AsyncTestClient(app=_app()) as one, AsyncTestClient(app=_app()) as two, \
            AsyncTestClient(app=_app()) as admin:
        csrf = await _login(one)
        await _login(two)
        r = await one.post(f"{API}/auth/logout-everywhere", headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200, r.text
        assert (await one.get(f"{API}/auth/me")).status_code == 401
        assert (await two.get(f"{API}/auth/me")).status_code == 401
        # and an administrator, for someone else
        await _login(two)
        admin_csrf = await _login(admin, "root")
        r = await admin.post(f"{API}/users/anna/logout-everywhere", headers={"X-CSRF-Token": admin_csrf})
        assert r.status_code == 200, r.text
        assert (await two.get(f"{API}/auth/me")).status_code == 401
        assert (await admin.get(f"{API}/auth/me")).status_code == 200
        # a non-administrator cannot do it to someone else
        csrf = await _login(two)
        r = await two.post(f"{API}/users/root/logout-everywhere", headers={"X-CSRF-Token": csrf})
        assert r.status_code == 403
        assert (await admin.get(f"{API}/auth/me")).status_code == 200


async def test_a_new_login_after_a_change_works(anna):
    await auth_service.set_password("cli:test", "anna", "ett helt annat långt lösenord")
    async with AsyncTestClient(app=_app()) as c:
        r = await c.post(f"{API}/auth/login", json={"username": "anna", "password": "ett helt annat långt lösenord"})
        assert r.status_code == 200
        assert (await c.get(f"{API}/auth/me")).status_code == 200


async def test_tokens_expire_by_default_and_at_most_a_year(anna):
    _, info = await tokens.create_token("cli:test", "anna", "skript")
    assert info.expires_at is not None
    assert dt.timedelta(days=89) < info.expires_at - clock.now() <= dt.timedelta(days=90)
    with pytest.raises(Invalid):
        await tokens.create_token("cli:test", "anna", "skript", expires_in=dt.timedelta(days=366))
    async with AsyncTestClient(app=_app()) as c:
        csrf = await _login(c)
        r = await c.post(f"{API}/tokens", json={"name": "x", "days": 3650}, headers={"X-CSRF-Token": csrf})
        assert r.status_code in (400, 422)


async def test_tokens_stay_dead_after_re_enabling_and_after_a_password_change(anna):
    plain, _ = await tokens.create_token("cli:test", "anna", "skript")
    await auth_service.disable_user("cli:test", "anna")
    await auth_service.enable_user("cli:test", "anna")
    async with AsyncTestClient(app=_app()) as c:
        r = await c.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {plain}"})
        assert r.status_code == 401
    plain, _ = await tokens.create_token("cli:test", "anna", "skript 2")
    await auth_service.set_password("cli:test", "anna", "ett helt annat långt lösenord")
    async with AsyncTestClient(app=_app()) as c:
        r = await c.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {plain}"})
        assert r.status_code == 401
