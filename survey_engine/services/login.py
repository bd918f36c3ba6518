"""Password login with throttling per account and per address (docs/security.md)."""
from __future__ import annotations

import asyncio
import datetime as dt

from survey_engine import clock
from survey_engine.errors import InvalidCredentials, LoginThrottled
from survey_engine.services import audit, passwords
from survey_engine.services.policy import Principal, Role
from survey_engine.services.users import _units_of
from survey_engine.store.auth_tables import LoginAttempt, User
from survey_engine.store.db import engine, writing
from survey_engine.text import Text

# Throttling (see docs/security.md).
WINDOW = dt.timedelta(minutes=15)
ACCOUNT_FAILURES_BEFORE_LOCK = 5
LOCK_FOR = dt.timedelta(minutes=15)
ADDRESS_FAILURES_LIMIT = 20
# Attempts that count as failures for throttling. Attempts refused because the address
# was already blocked are recorded but not counted, so that a blocked address is let in
# again once its earlier failures age out of the window.
_COUNTED_FAILURES = ("password", "unknown_user", "locked", "disabled")


async def _record_attempt(username: str, address: str | None, success: bool, reason: str, at: dt.datetime) -> None:
    await LoginAttempt.insert(
        LoginAttempt(at=at, username=username[:64], address=address, success=success, reason=reason)
    )


async def _address_retry_after(address: str, now: dt.datetime) -> int:
    """Seconds until `address` may try again; 0 when it is not blocked."""
    rows = (
        await LoginAttempt.select(LoginAttempt.at)
        .where(
            (LoginAttempt.address == address)
            & (LoginAttempt.success == False)  # noqa: E712
            & LoginAttempt.reason.is_in(list(_COUNTED_FAILURES))
            & (LoginAttempt.at > now - WINDOW)
        )
        .order_by(LoginAttempt.at, ascending=False)
        .limit(ADDRESS_FAILURES_LIMIT)
    )
    if len(rows) < ADDRESS_FAILURES_LIMIT:
        return 0
    # Blocked until the oldest of the last LIMIT failures leaves the window.
    return max(1, int((rows[-1]["at"] + WINDOW - now).total_seconds()) + 1)


async def _recent_unknown_user_failures(name: str, now: dt.datetime) -> list[dict]:
    return (
        await LoginAttempt.select(LoginAttempt.at)
        .where(
            (LoginAttempt.username == name)
            & (LoginAttempt.reason == "unknown_user")
            & (LoginAttempt.at > now - WINDOW)
        )
        .order_by(LoginAttempt.at, ascending=False)
        .limit(ACCOUNT_FAILURES_BEFORE_LOCK)
    )


async def _unknown_user_retry_after(name: str, now: dt.datetime) -> int:
    """For a username that does not exist: seconds until it is "unlocked" again, the way
    a real account would be (approximately: until its fifth-latest failure leaves the
    window); 0 when not "locked"."""
    rows = await _recent_unknown_user_failures(name, now)
    if len(rows) < ACCOUNT_FAILURES_BEFORE_LOCK:
        return 0
    return max(1, int((rows[-1]["at"] + WINDOW - now).total_seconds()) + 1)


async def authenticate(username: str, password: str, address: str | None = None) -> Principal:
    """Check a password login and return the principal, or raise InvalidCredentials or
    LoginThrottled. After ACCOUNT_FAILURES_BEFORE_LOCK failures for one account within
    WINDOW the account is locked for LOCK_FOR; after ADDRESS_FAILURES_LIMIT failures from
    one address within WINDOW that address is refused until its failures age out."""
    now = clock.now()
    name = (username or "").strip().lower()[:64]
    address = (address or "").strip()[:64] or None
    password = password or ""
    # No password is longer than the policy allows. Refuse an over-long one before any
    # lookup, the same way for every username: checking it only for known users made a
    # login with a 300-character password answer 5 times faster for an existing
    # account than for an unknown one (issue 14, finding 3).
    if len(password) > passwords.MAX_LENGTH:
        raise InvalidCredentials()

    if address:
        retry = await _address_retry_after(address, now)
        if retry:
            async with writing():
                await _record_attempt(name, address, False, "address", now)
            raise LoginThrottled(retry)

    row = await User.select().where(User.username == name).first() if name else None
    if row is None:
        # An unknown username behaves like a known one with a wrong password: it costs a
        # password check (timing), and it "locks" after as many failures (otherwise
        # locking would tell which usernames exist).
        retry = await _unknown_user_retry_after(name, now)
        if retry:
            async with writing():
                await _record_attempt(name, address, False, "locked", now)
            raise LoginThrottled(retry)
        await asyncio.to_thread(passwords.verify_dummy, password)
        async with writing():
            await _record_attempt(name, address, False, "unknown_user", now)
            await audit.record(name or "-", "login.failed", "user", name, details={"reason": "unknown_user", "address": address})
            failures = await _recent_unknown_user_failures(name, now)
        if len(failures) >= ACCOUNT_FAILURES_BEFORE_LOCK:
            raise LoginThrottled(int(LOCK_FOR.total_seconds()))
        raise InvalidCredentials()

    if row["locked_until"] is not None and row["locked_until"] > now:
        async with writing():
            await _record_attempt(name, address, False, "locked", now)
        raise LoginThrottled(int((row["locked_until"] - now).total_seconds()) + 1)

    if not row["password_hash"]:
        # A token-only account: one argon2 verification, as for a wrong password.
        await asyncio.to_thread(passwords.verify_dummy, password)
        ok = False
    else:
        ok = await asyncio.to_thread(passwords.verify_password, row["password_hash"], password)
    if not ok:
        async with writing():
            # Concurrent failures for one account must see each other, or a burst of
            # parallel guesses would all count below the limit (PostgreSQL, READ
            # COMMITTED); the row lock queues them. SQLite writers are serialised anyway.
            fresh = await _lock_user_row(row["id"])
            await _record_attempt(name, address, False, "password", now)
            if fresh["locked_until"] is not None and fresh["locked_until"] > now:
                failures = ACCOUNT_FAILURES_BEFORE_LOCK  # locked meanwhile by a parallel attempt
                locked_until = fresh["locked_until"]
            else:
                # Failures since the window began, the last success and the end of the last lock.
                since = max(t for t in (now - WINDOW, fresh["last_login_at"], fresh["locked_until"]) if t is not None)
                failures = await LoginAttempt.count().where(
                    (LoginAttempt.username == name)
                    & (LoginAttempt.success == False)  # noqa: E712
                    & (LoginAttempt.reason == "password")
                    & (LoginAttempt.at > since)
                )
                details = {"reason": "password", "address": address, "failures": failures}
                await audit.record(name, "login.failed", "user", name, details=details)
                locked_until = None
                if failures >= ACCOUNT_FAILURES_BEFORE_LOCK:
                    locked_until = now + LOCK_FOR
                    await audit.record(
                        name, "login.locked", "user", name,
                        details={"address": address, "until": locked_until.isoformat(), "failures": failures},
                    )
                await User.update({User.failed_logins: failures, User.locked_until: locked_until}).where(
                    User.id == row["id"]
                )
        if locked_until is not None:
            raise LoginThrottled(int((locked_until - now).total_seconds()))
        raise InvalidCredentials()

    if not row["active"]:
        async with writing():
            await _record_attempt(name, address, False, "disabled", now)
            await audit.record(name, "login.failed", "user", name, details={"reason": "disabled", "address": address})
        raise InvalidCredentials(
            Text("Kontot är avstängt. Kontakta en administratör.",
            "The account is disabled. Ask an administrator."),
        )

    values = {User.failed_logins: 0, User.locked_until: None, User.last_login_at: now}
    if passwords.needs_rehash(row["password_hash"]):
        values[User.password_hash] = await asyncio.to_thread(passwords.hash_password, password)
    async with writing():
        fresh = await _lock_user_row(row["id"])
        # A parallel failure may have locked the account while this password was checked.
        locked_until = fresh["locked_until"] if fresh["locked_until"] and fresh["locked_until"] > now else None
        if locked_until is not None:
            await _record_attempt(name, address, False, "locked", now)
        else:
            await _record_attempt(name, address, True, "", now)
            await User.update(values).where(User.id == row["id"])
            await audit.record(name, "login.success", "user", name, details={"address": address})
    if locked_until is not None:
        raise LoginThrottled(int((locked_until - now).total_seconds()) + 1)
    return Principal(name, Role(row["role"]), frozenset(await _units_of(row["id"])), "session", row["id"])


async def _lock_user_row(user_id: int) -> dict:
    """The user's current row, locked until the end of the transaction on PostgreSQL."""
    query = User.select(User.locked_until, User.last_login_at).where(User.id == user_id)
    if engine().engine_type == "postgres":
        query = query.lock_rows("UPDATE")
    return await query.first()


async def prune_login_attempts(older_than: dt.timedelta = dt.timedelta(days=30)) -> int:
    """Delete login attempts older than `older_than` (they no longer affect throttling)."""
    cutoff = clock.now() - max(older_than, WINDOW)
    async with writing():
        n = await LoginAttempt.count().where(LoginAttempt.at < cutoff)
        await LoginAttempt.delete().where(LoginAttempt.at < cutoff)
    return n


