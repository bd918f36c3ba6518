"""Password login with throttling per account-and-address pair and per address (docs/security.md).

Failures lock the pair (this username from this address), not the account: an attacker
guessing from one address cannot lock the owner out of their own.
A global limit per address stops one address from trying many usernames."""
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
ADDRESS_FAILURES_LIMIT = 50
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


async def _pair_failures(name: str, address: str | None, since: dt.datetime) -> list[dict]:
    """The latest counted failures (at most ACCOUNT_FAILURES_BEFORE_LOCK) of this
    username from this address after `since`."""
    where = (
        (LoginAttempt.username == name)
        & LoginAttempt.reason.is_in(["password", "unknown_user"])
        & (LoginAttempt.at > since)
    )
    where = where & ((LoginAttempt.address == address) if address else LoginAttempt.address.is_null())
    return await (
        LoginAttempt.select(LoginAttempt.at).where(where)
        .order_by(LoginAttempt.at, ascending=False).limit(ACCOUNT_FAILURES_BEFORE_LOCK)
    )


async def _pair_retry_after(name: str, address: str | None, since: dt.datetime, now: dt.datetime) -> int:
    """Seconds until this username may be tried again from this address (until the
    fifth-latest failure leaves the window); 0 when the pair is not locked. Unknown
    usernames "lock" the same way, so locking tells nothing about who exists."""
    rows = await _pair_failures(name, address, since)
    if len(rows) < ACCOUNT_FAILURES_BEFORE_LOCK:
        return 0
    return max(1, int((rows[-1]["at"] + WINDOW - now).total_seconds()) + 1)


def _count_since(row: dict, now: dt.datetime) -> dt.datetime:
    """Failures count from the window's start, the last success, or the end of the last
    lock / an unlock (`locked_until` in the past), whichever is latest."""
    bounds = [now - WINDOW, row["last_login_at"]]
    if row["locked_until"] is not None and row["locked_until"] <= now:
        bounds.append(row["locked_until"])
    return max(t for t in bounds if t is not None)


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
    # account than for an unknown one.
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
        retry = await _pair_retry_after(name, address, now - WINDOW, now)
        if retry:
            async with writing():
                await _record_attempt(name, address, False, "locked", now)
            raise LoginThrottled(retry)
        await asyncio.to_thread(passwords.verify_dummy, password)
        async with writing():
            await _record_attempt(name, address, False, "unknown_user", now)
            await audit.record(name or "-", "login.failed", "user", name, details={"reason": "unknown_user", "address": address})
            failures = await _pair_failures(name, address, now - WINDOW)
        if len(failures) >= ACCOUNT_FAILURES_BEFORE_LOCK:
            raise LoginThrottled(int(LOCK_FOR.total_seconds()))
        raise InvalidCredentials()

    retry = await _pair_retry_after(name, address, _count_since(row, now), now)
    if retry:
        async with writing():
            await _record_attempt(name, address, False, "locked", now)
        raise LoginThrottled(retry)

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
            failures = len(await _pair_failures(name, address, _count_since(fresh, now)))
            details = {"reason": "password", "address": address, "failures": failures}
            await audit.record(name, "login.failed", "user", name, details=details)
            locked_until = None
            values: dict = {User.failed_logins: failures}
            if failures >= ACCOUNT_FAILURES_BEFORE_LOCK:
                # The pair is locked; locked_until on the user only shows when (the
                # attempts decide, for this address alone).
                locked_until = now + LOCK_FOR
                values[User.locked_until] = locked_until
                await audit.record(
                    name, "login.locked", "user", name,
                    details={"address": address, "until": locked_until.isoformat(), "failures": failures},
                )
            await User.update(values).where(User.id == row["id"])
        if locked_until is not None:
            raise LoginThrottled(int(LOCK_FOR.total_seconds()))
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
        # A parallel failure from this address may have locked the pair meanwhile.
        retry = await _pair_retry_after(name, address, _count_since(fresh, now), now)
        locked_until = now + dt.timedelta(seconds=retry) if retry else None
        if locked_until is not None:
            await _record_attempt(name, address, False, "locked", now)
        else:
            await _record_attempt(name, address, True, "", now)
            await User.update(values).where(User.id == row["id"])
            await audit.record(name, "login.success", "user", name, details={"address": address})
    if locked_until is not None:
        raise LoginThrottled(retry)
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


