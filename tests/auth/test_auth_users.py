"""Users, password logins and throttling, on the database of this pass."""
import datetime as dt

import pytest

from survey_engine.services import audit, users as service
from survey_engine.services.audit import AuditFilter
from survey_engine.errors import (
    InvalidCredentials,
    Invalid,
    LoginThrottled,
    NotFound,
    PasswordPolicyError,
    PermissionDenied,
    UserExists,
)
from survey_engine.services.policy import Principal, Role
from survey_engine.store.auth_tables import LoginAttempt, User
from survey_engine import clock
from survey_engine.services import login
from tests.helpers.auth import ensure_units


PW = "långt och hemligt lösen"


async def make(username="anna", role="admin", units=(), password=PW):
    await ensure_units(*units)
    return await service.create_user("cli:test", username, role, password=password, units=units)


async def test_create_user_stores_only_a_hash(db):
    user = await make("Anna.Berg", units=())
    assert user.username == "anna.berg" and user.role is Role.ADMIN and user.active and user.has_password
    row = await User.select().where(User.username == "anna.berg").first()
    assert row["password_hash"].startswith("$argon2id$")
    assert PW not in row["password_hash"]
    events = await audit.list_events(AuditFilter(action="user.create"))
    assert [(e.actor, e.object_id, e.details["role"]) for e in events] == [("cli:test", "anna.berg", "admin")]
    assert PW not in str(events[0].details)


async def test_duplicate_and_bad_input_are_refused(db):
    await make("anna")
    with pytest.raises(UserExists):
        await make("ANNA")
    with pytest.raises(Invalid, match="Ogiltigt användarnamn"):
        await make("a b")
    with pytest.raises(Invalid, match="Okänd roll"):
        await make("bertil", role="boss")
    with pytest.raises(PasswordPolicyError):
        await make("bertil", password="kort")
    with pytest.raises(Invalid, match="minst en enhet"):
        await make("bertil", role="respondent")
    with pytest.raises(Invalid, match="Bara respondenter"):
        await make("bertil", role="analyst", units=["SOC"])
    with pytest.raises(Invalid, match="enhetskod"):
        await make("bertil", role="respondent", units=["SOC; drop"])
    assert [u.username for u in await service.list_users()] == ["anna"]


async def test_respondent_units_and_role_changes(db):
    await make("root")
    await ensure_units("KS", "MILJ")
    user = await make("resp", role="respondent", units=["SOC", "UTB", "SOC"])
    assert user.units == ("SOC", "UTB")
    user = await service.set_units("cli:test", "resp", ["KS"])
    assert user.units == ("KS",)
    user = await service.set_role("cli:test", "resp", "planner")
    assert user.role is Role.PLANNER and user.units == ()
    with pytest.raises(Invalid):
        await service.set_role("cli:test", "resp", "respondent")
    user = await service.set_role("cli:test", "resp", "respondent", units=["MILJ"])
    assert user.units == ("MILJ",)
    actions = [e.action for e in await audit.list_events(AuditFilter(object_id="resp"))]
    assert actions == ["user.set_role", "user.set_role", "user.set_units", "user.create"]


async def test_the_last_admin_cannot_be_removed(db):
    await make("root")
    with pytest.raises(Invalid, match="administratör"):
        await service.disable_user("cli:test", "root")
    with pytest.raises(Invalid, match="administrator"):
        await service.set_role("cli:test", "root", "auditor")
    await make("root2")
    assert not (await service.disable_user("cli:test", "root")).active
    with pytest.raises(NotFound):
        await service.disable_user("cli:test", "nobody")


async def test_principals_are_checked_in_the_service(db):
    await make("root")
    analyst = Principal("ann", Role.ANALYST)
    with pytest.raises(PermissionDenied):
        await service.create_user(analyst, "eve", "admin", password=PW)
    with pytest.raises(PermissionDenied):
        await service.set_role(analyst, "root", "analyst")
    admin = Principal("root", Role.ADMIN, via="session")
    await service.create_user(admin, "eve", "auditor", password=PW)
    events = await audit.list_events(AuditFilter(object_id="eve"))
    assert events[0].actor == "root"


async def test_login_success_and_failure(db):
    await make("anna", role="respondent", units=["SOC"])
    principal = await login.authenticate(" Anna ", PW, "10.0.0.1")
    assert principal == Principal("anna", Role.RESPONDENT, frozenset({"SOC"}), "session", principal.user_id)
    with pytest.raises(InvalidCredentials) as wrong:
        await login.authenticate("anna", PW + "!", "10.0.0.1")
    with pytest.raises(InvalidCredentials) as unknown:
        await login.authenticate("nobody", PW, "10.0.0.1")
    # The same answer whether the user exists or not.
    assert str(wrong.value) == str(unknown.value) == "Fel användarnamn eller lösenord. / Wrong username or password."
    failed = await audit.list_events(AuditFilter(action="login.failed"))
    assert [e.details["reason"] for e in failed] == ["unknown_user", "password"]
    user = await service.get_user("anna")
    assert user.failed_logins == 1 and user.last_login_at is not None


async def test_account_is_locked_after_five_failures(db):
    """Per account-and-address pair since issue 14 (finding 9): see
    tests/security/test_lockout.py for the owner logging in from elsewhere."""
    await make("anna")
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            await login.authenticate("anna", "fel lösenord igen", "10.0.0.1")
    with pytest.raises(LoginThrottled) as locked:
        await login.authenticate("anna", "fel lösenord igen", "10.0.0.1")
    assert locked.value.retry_after == 15 * 60
    assert "För många misslyckade inloggningar" in locked.value.text.sv
    assert "Try again in 15 minutes" in locked.value.text.en
    # Locked: even the right password is refused, with the time left.
    with pytest.raises(LoginThrottled) as still:
        await login.authenticate("anna", PW, "10.0.0.1")
    assert 14 * 60 < still.value.retry_after <= 15 * 60 + 1
    assert len(await audit.list_events(AuditFilter(action="login.locked"))) == 1
    user = await service.get_user("anna")
    assert user.locked_until is not None and user.failed_logins == 5
    # An administrator unlocks; the right password works again and resets the counter.
    await service.unlock_user("cli:test", "anna")
    await login.authenticate("anna", PW, "10.0.0.1")
    assert (await service.get_user("anna")).failed_logins == 0


async def test_lock_expires(db, monkeypatch):
    await make("anna")
    for _ in range(5):
        with pytest.raises((InvalidCredentials, LoginThrottled)):
            await login.authenticate("anna", "fel lösenord igen", None)
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=16)
    monkeypatch.setattr(clock, "now", lambda: later)
    principal = await login.authenticate("anna", PW, None)
    assert principal.username == "anna"
    # After the lock, the earlier failures no longer count: one new failure does not lock.
    with pytest.raises(InvalidCredentials):
        await login.authenticate("anna", "fel lösenord igen", None)


async def test_failures_outside_the_window_do_not_lock(db, monkeypatch):
    await make("anna")
    start = dt.datetime.now(dt.timezone.utc)
    for i in range(8):
        # One failure every 4 minutes: never 5 within 15 minutes.
        monkeypatch.setattr(clock, "now", lambda i=i: start + dt.timedelta(minutes=4 * i))
        with pytest.raises(InvalidCredentials):
            await login.authenticate("anna", "fel lösenord igen", None)


async def test_an_address_is_refused_after_fifty_failures(db):
    await make("anna")
    for i in range(login.ADDRESS_FAILURES_LIMIT):
        with pytest.raises(InvalidCredentials):
            await login.authenticate(f"user{i}", "fel lösenord igen", "192.0.2.7")
    with pytest.raises(LoginThrottled) as refused:
        await login.authenticate("anna", PW, "192.0.2.7")
    assert "Too many failed logins" in str(refused.value)
    assert 0 < refused.value.retry_after <= 15 * 60 + 1
    # Other addresses are not affected, and the refused attempt is recorded.
    assert (await login.authenticate("anna", PW, "192.0.2.8")).username == "anna"
    assert await LoginAttempt.count().where(LoginAttempt.reason == "address") == 1


async def test_disabled_user_cannot_log_in_and_loses_its_principal(db):
    await make("root")
    user = await make("anna", role="auditor")
    assert (await service.load_principal(user.id)).role is Role.AUDITOR
    await service.disable_user("cli:test", "anna")
    with pytest.raises(InvalidCredentials, match="avstängt"):
        await login.authenticate("anna", PW, None)
    assert await service.load_principal(user.id) is None
    await service.enable_user("cli:test", "anna")
    assert (await login.authenticate("anna", PW, None)).role is Role.AUDITOR


async def test_weak_hash_is_upgraded_on_login(db):
    from argon2 import PasswordHasher

    await make("anna")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PW)
    await User.update({User.password_hash: weak}).where(User.username == "anna")
    await login.authenticate("anna", PW, None)
    row = await User.select(User.password_hash).where(User.username == "anna").first()
    assert row["password_hash"] != weak and row["password_hash"].startswith("$argon2id$")


async def test_set_password_checks_policy_and_permissions(db):
    await make("root")
    await make("anna", role="planner")
    anna = Principal("anna", Role.PLANNER)
    await service.set_password(anna, "anna", "ett helt nytt lösenord")
    assert (await login.authenticate("anna", "ett helt nytt lösenord", None)).username == "anna"
    with pytest.raises(PermissionDenied):
        await service.set_password(anna, "root", "ett helt nytt lösenord")
    with pytest.raises(PasswordPolicyError):
        await service.set_password("cli:test", "anna", "kort")


async def test_token_only_user_cannot_log_in(db):
    await service.create_user("cli:test", "robot", "analyst", password=None)
    with pytest.raises(InvalidCredentials):
        await login.authenticate("robot", "", None)


async def test_prune_keeps_recent_attempts(db):
    await make("anna")
    with pytest.raises(InvalidCredentials):
        await login.authenticate("anna", "fel lösenord igen", None)
    assert await login.prune_login_attempts(dt.timedelta(days=1)) == 0
    assert await LoginAttempt.count() == 1


async def test_overlong_password_is_a_plain_failure(db):
    await make("anna")
    with pytest.raises(InvalidCredentials):
        await login.authenticate("anna", PW + "x" * 1_000_000, None)
    with pytest.raises(InvalidCredentials):
        await login.authenticate("nobody", "x" * 1_000_000, None)
    # refused before any lookup, alike for every username (issue 14, finding 3): not counted
    assert (await service.get_user("anna")).failed_logins == 0


async def test_concurrent_failed_logins_lock_the_account(db):
    import asyncio

    await make("anna")
    results = await asyncio.gather(
        *(login.authenticate("anna", "fel lösenord igen", "10.1.0.1") for i in range(12)),
        return_exceptions=True,
    )
    assert all(isinstance(r, (InvalidCredentials, LoginThrottled)) for r in results), results
    assert any(isinstance(r, LoginThrottled) for r in results)
    with pytest.raises(LoginThrottled):
        await login.authenticate("anna", PW, "10.1.0.1")


async def test_an_unknown_username_locks_like_a_real_one(db):
    """Otherwise five failures would tell whether a username exists."""
    await make("anna")
    outcomes = {}
    for name in ("anna", "nobody"):
        seen = []
        for _ in range(6):
            try:
                await login.authenticate(name, "fel lösenord igen", None)
            except (InvalidCredentials, LoginThrottled) as exc:
                seen.append((type(exc).__name__, str(exc)))
        outcomes[name] = seen
    assert [kind for kind, _ in outcomes["anna"]] == [kind for kind, _ in outcomes["nobody"]] == [
        "InvalidCredentials"] * 4 + ["LoginThrottled"] * 2
    assert outcomes["anna"][4] == outcomes["nobody"][4]
