"""Use cases of the auth layer: users, password logins with throttling, API tokens.

`actor` is who asks for a change. A `Principal` (a person through the API) is checked
against the permission policy here, in the service layer; a plain string names a
trusted caller that has already been authorised by other means (the command line run by
an operator, the demo-data loader) and is only recorded in the audit log.

Every change writes an audit event in the same transaction as the change.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Iterable

from survey_engine.services import audit, passwords
from survey_engine.store.db import writing
from survey_engine.store.db import engine
from survey_engine.store.db import is_unique_violation
from survey_engine.errors import (
    InvalidCredentials,
    Invalid,
    LoginThrottled,
    NotFound,
    PermissionDenied,
    TablesMissing,
    UserExists,
)
from survey_engine.services.policy import Action, Principal, Role, decide, require
from survey_engine.store.auth_tables import ApiToken, AuditEvent, LoginAttempt, SessionRecord, User, UserUnit
from survey_engine.text import Text
from survey_engine import clock

# Throttling (see docs/security.md).
WINDOW = dt.timedelta(minutes=15)
ACCOUNT_FAILURES_BEFORE_LOCK = 5
LOCK_FOR = dt.timedelta(minutes=15)
ADDRESS_FAILURES_LIMIT = 20
# Attempts that count as failures for throttling. Attempts refused because the address
# was already blocked are recorded but not counted, so that a blocked address is let in
# again once its earlier failures age out of the window.
_COUNTED_FAILURES = ("password", "unknown_user", "locked", "disabled")

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
UNIT_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
TOKEN_PATTERN = re.compile(r"^se_[A-Za-z0-9_-]{43}$")
TOKEN_PREFIX_LENGTH = 10  # "se_" and 7 characters of the secret: enough to tell tokens apart
# last_used_at is written at most this often per token, so that a busy script does not
# turn every read into a write.
TOKEN_TOUCH_INTERVAL = dt.timedelta(seconds=60)



# ---------------------------------------------------------------- value objects


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    email: str
    role: Role
    active: bool
    units: tuple[str, ...]
    has_password: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    failed_logins: int
    locked_until: dt.datetime | None
    last_login_at: dt.datetime | None

    def principal(self, via: str = "session", token_id: int | None = None) -> Principal:
        return Principal(self.username, self.role, frozenset(self.units), via, self.id, token_id)


@dataclass(frozen=True)
class TokenInfo:
    id: int
    username: str
    name: str
    prefix: str
    created_at: dt.datetime
    created_by: str
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > clock.now())


# ---------------------------------------------------------------- checks


async def check_tables() -> None:
    """Raise TablesMissing when `survey-engine db migrate` has not been run."""
    for table in (User, UserUnit, ApiToken, AuditEvent, LoginAttempt, SessionRecord):
        if not await table.table_exists():
            raise TablesMissing()


def normalize_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not USERNAME_PATTERN.match(name):
        raise Invalid(
            Text(f"Ogiltigt användarnamn {username!r}: 2–64 tecken, små bokstäver a–z, siffror och . _ @ -, "
            "första tecknet en bokstav eller siffra.",
            f"Invalid username {username!r}: 2–64 characters, lower-case a–z, digits and . _ @ -, "
            "starting with a letter or digit."),
        )
    return name


def normalize_units(units: Iterable[str]) -> tuple[str, ...]:
    result: list[str] = []
    for code in units:
        code = (code or "").strip()
        if not UNIT_PATTERN.match(code):
            raise Invalid(
                Text(f"Ogiltig enhetskod {code!r}: 1–64 tecken, bokstäver, siffror och _ . -.",
                f"Invalid unit code {code!r}: 1–64 characters, letters, digits and _ . -."),
            )
        if code not in result:
            result.append(code)
    return tuple(sorted(result))


def _check_units_for_role(role: Role, units: tuple[str, ...]) -> None:
    if role is Role.RESPONDENT and not units:
        raise Invalid(
            Text("En respondent måste knytas till minst en enhet (ange --unit KOD).",
            "A respondent must be bound to at least one unit (give --unit CODE)."),
        )
    if role is not Role.RESPONDENT and units:
        # The policy reads units only for respondents; binding another role to a unit
        # would suggest a restriction that does not exist.
        raise Invalid(
            Text(f"Bara respondenter knyts till enheter, inte rollen {role.value}.",
            f"Only respondents are bound to units, not the role {role.value}."),
        )


def _authorize_user_manage(actor: Principal | str) -> None:
    if isinstance(actor, Principal):
        require(actor, Action.USER_MANAGE)


def _text(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise Invalid(
            Text(f"{field} är för långt: högst {limit} tecken.",
            f"{field} is too long: at most {limit} characters."),
        )
    if any(ord(c) < 32 for c in value):
        raise Invalid(
            Text(f"{field} får inte innehålla styrtecken.",
            f"{field} must not contain control characters."),
        )
    return value


# ---------------------------------------------------------------- users


async def _units_of(user_id: int) -> tuple[str, ...]:
    rows = await UserUnit.select(UserUnit.unit_code).where(UserUnit.user == user_id)
    return tuple(sorted(r["unit_code"] for r in rows))


def _user_info(row: dict, units: tuple[str, ...]) -> UserInfo:
    return UserInfo(
        id=row["id"], username=row["username"], display_name=row["display_name"], email=row["email"],
        role=Role(row["role"]), active=bool(row["active"]), units=units,
        has_password=bool(row["password_hash"]), created_at=row["created_at"], updated_at=row["updated_at"],
        failed_logins=row["failed_logins"], locked_until=row["locked_until"], last_login_at=row["last_login_at"],
    )


async def _user_row(username: str) -> dict:
    name = (username or "").strip().lower()
    row = await User.select().where(User.username == name).first()
    if row is None:
        raise NotFound(Text(f"Användaren {username!r} finns inte.", f"There is no user {username!r}."))
    return row


async def get_user(username: str) -> UserInfo:
    row = await _user_row(username)
    return _user_info(row, await _units_of(row["id"]))


async def list_users(include_disabled: bool = True) -> list[UserInfo]:
    query = User.select().order_by(User.username)
    if not include_disabled:
        query = query.where(User.active == True)  # noqa: E712 - Piccolo needs ==
    rows = await query
    units: dict[int, list[str]] = {}
    for r in await UserUnit.select(UserUnit.user, UserUnit.unit_code):
        units.setdefault(r["user"], []).append(r["unit_code"])
    return [_user_info(row, tuple(sorted(units.get(row["id"], [])))) for row in rows]


async def create_user(
    actor: Principal | str,
    username: str,
    role: Role | str,
    *,
    password: str | None = None,
    display_name: str = "",
    email: str = "",
    units: Iterable[str] = (),
) -> UserInfo:
    """Create an active user. Without a password the user can only use API tokens."""
    _authorize_user_manage(actor)
    name = normalize_username(username)
    role = Role.parse(role) if isinstance(role, str) else role
    units = normalize_units(units)
    _check_units_for_role(role, units)
    display_name = _text(display_name, "Namnet/The name", 200)
    email = _text(email, "E-postadressen/The e-mail address", 254)
    password_hash = ""
    if password is not None:
        passwords.check_policy(password, name)
        password_hash = await asyncio.to_thread(passwords.hash_password, password)
    now = clock.now()
    async with writing():
        if await User.exists().where(User.username == name):
            raise UserExists(Text(f"Användaren {name!r} finns redan.", f"The user {name!r} already exists."))
        try:
            row = (
                await User.insert(
                    User(
                        username=name, display_name=display_name, email=email, password_hash=password_hash,
                        role=role.value, active=True, created_at=now, updated_at=now, failed_logins=0,
                    )
                ).returning(User.id)
            )[0]
        except Exception as exc:  # a concurrent create won the race (PostgreSQL)
            if _is_unique_violation(exc):
                raise UserExists(Text(f"Användaren {name!r} finns redan.", f"The user {name!r} already exists.")) from None
            raise
        for code in units:
            await UserUnit.insert(UserUnit(user=row["id"], unit_code=code))
        await audit.record(
            actor, "user.create", "user", name, unit=None,
            details={"role": role.value, "units": list(units), "password": bool(password_hash)},
        )
    return await get_user(name)


def _is_unique_violation(exc: BaseException) -> bool:
    # asyncpg's UniqueViolationError and sqlite3's IntegrityError share no base class.
    return type(exc).__name__ in ("UniqueViolationError", "IntegrityError")


async def _active_admins() -> int:
    return await User.count().where((User.role == Role.ADMIN.value) & (User.active == True))  # noqa: E712


def _last_admin_error() -> Invalid:
    return Invalid(
        Text("Det måste finnas minst en aktiv administratör kvar.",
        "At least one active administrator must remain."),
    )


async def disable_user(actor: Principal | str, username: str) -> UserInfo:
    """Disable a user: password logins, sessions and tokens stop working at once (the
    API loads the user on every request). Users are never deleted."""
    _authorize_user_manage(actor)
    async with writing():
        row = await _user_row(username)
        if not row["active"]:
            return await get_user(row["username"])
        if row["role"] == Role.ADMIN.value and await _active_admins() <= 1:
            raise _last_admin_error()
        await User.update({User.active: False, User.updated_at: clock.now()}).where(User.id == row["id"])
        await audit.record(actor, "user.disable", "user", row["username"])
    return await get_user(row["username"])


async def enable_user(actor: Principal | str, username: str) -> UserInfo:
    _authorize_user_manage(actor)
    async with writing():
        row = await _user_row(username)
        if row["active"]:
            return await get_user(row["username"])
        await User.update({User.active: True, User.updated_at: clock.now()}).where(User.id == row["id"])
        await audit.record(actor, "user.enable", "user", row["username"])
    return await get_user(row["username"])


async def set_role(actor: Principal | str, username: str, role: Role | str, units: Iterable[str] | None = None) -> UserInfo:
    """Change a user's role. Becoming a respondent needs units (given here or already
    bound); leaving the respondent role drops the unit bindings."""
    _authorize_user_manage(actor)
    role = Role.parse(role) if isinstance(role, str) else role
    async with writing():
        row = await _user_row(username)
        old_units = await _units_of(row["id"])
        new_units = normalize_units(units) if units is not None else (old_units if role is Role.RESPONDENT else ())
        _check_units_for_role(role, new_units)
        if row["role"] == Role.ADMIN.value and role is not Role.ADMIN and row["active"] and await _active_admins() <= 1:
            raise _last_admin_error()
        await User.update({User.role: role.value, User.updated_at: clock.now()}).where(User.id == row["id"])
        if new_units != old_units:
            await UserUnit.delete().where(UserUnit.user == row["id"])
            for code in new_units:
                await UserUnit.insert(UserUnit(user=row["id"], unit_code=code))
        await audit.record(
            actor, "user.set_role", "user", row["username"],
            details={"from": row["role"], "to": role.value, "units": list(new_units)},
        )
    return await get_user(row["username"])


async def set_units(actor: Principal | str, username: str, units: Iterable[str]) -> UserInfo:
    """Replace the units a respondent is bound to."""
    _authorize_user_manage(actor)
    units = normalize_units(units)
    async with writing():
        row = await _user_row(username)
        _check_units_for_role(Role(row["role"]), units)
        old = await _units_of(row["id"])
        if old != units:
            await UserUnit.delete().where(UserUnit.user == row["id"])
            for code in units:
                await UserUnit.insert(UserUnit(user=row["id"], unit_code=code))
            await User.update({User.updated_at: clock.now()}).where(User.id == row["id"])
            await audit.record(actor, "user.set_units", "user", row["username"], details={"from": list(old), "to": list(units)})
    return await get_user(row["username"])


async def set_password(actor: Principal | str, username: str, password: str) -> None:
    """Set a new password (an administrator, or the user themself). Clears any lock."""
    if isinstance(actor, Principal) and actor.username != (username or "").strip().lower():
        require(actor, Action.USER_MANAGE)
    row = await _user_row(username)
    passwords.check_policy(password, row["username"])
    password_hash = await asyncio.to_thread(passwords.hash_password, password)
    async with writing():
        await User.update(
            {User.password_hash: password_hash, User.failed_logins: 0, User.locked_until: None, User.updated_at: clock.now()}
        ).where(User.id == row["id"])
        await audit.record(actor, "user.set_password", "user", row["username"])


async def unlock_user(actor: Principal | str, username: str) -> UserInfo:
    _authorize_user_manage(actor)
    async with writing():
        row = await _user_row(username)
        await User.update({User.failed_logins: 0, User.locked_until: None, User.updated_at: clock.now()}).where(
            User.id == row["id"]
        )
        await audit.record(actor, "user.unlock", "user", row["username"])
    return await get_user(row["username"])


async def load_principal(user_id: int, via: str = "session", token_id: int | None = None) -> Principal | None:
    """The principal for a user id kept in a session, from the user's current row; None
    when the user no longer exists or is disabled (the session must then be ended)."""
    row = await User.select().where(User.id == user_id).first()
    if row is None or not row["active"]:
        return None
    return Principal(row["username"], Role(row["role"]), frozenset(await _units_of(row["id"])), via, row["id"], token_id)


# ---------------------------------------------------------------- password login


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
        await asyncio.to_thread(passwords.verify_dummy, password[: passwords.MAX_LENGTH])
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

    # No password is longer than the policy allows; hashing megabytes would only let
    # a client make the server work.
    if not row["password_hash"]:
        # A token-only account: answer as slowly as for a wrong password.
        await asyncio.to_thread(passwords.verify_dummy, password[: passwords.MAX_LENGTH])
    ok = len(password) <= passwords.MAX_LENGTH and await asyncio.to_thread(
        passwords.verify_password, row["password_hash"], password
    )
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


# ---------------------------------------------------------------- API tokens


def _token_hash(plain: str) -> str:
    # SHA-256, not argon2: the secret is 32 random bytes (256 bits), so it cannot be
    # guessed or brute-forced from its hash, and a slow hash would only make every API
    # request slow. An unsalted hash also lets us find the token by an indexed lookup.
    return hashlib.sha256(plain.encode("ascii")).hexdigest()


def _token_info(row: dict, username: str) -> TokenInfo:
    return TokenInfo(
        id=row["id"], username=username, name=row["name"], prefix=row["prefix"], created_at=row["created_at"],
        created_by=row["created_by"], last_used_at=row["last_used_at"], expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
    )


def _authorize_token(actor: Principal | str, owner: str) -> None:
    if isinstance(actor, Principal):
        if actor.username == owner and decide(actor, Action.TOKEN_MANAGE_OWN):
            return
        require(actor, Action.USER_MANAGE)


async def create_token(
    actor: Principal | str, username: str, name: str, expires_in: dt.timedelta | None = None
) -> tuple[str, TokenInfo]:
    """Make an API token for `username`. Returns the plain token, to be shown once, and
    its record; only a hash of it is stored."""
    row = await _user_row(username)
    _authorize_token(actor, row["username"])
    name = _text(name, "Tokenets namn/The token name", 100)
    if not name:
        raise Invalid(Text("Ge tokenet ett namn (--name).", "Give the token a name (--name)."))
    if not row["active"]:
        raise Invalid(
            Text(f"Användaren {row['username']!r} är avstängd och kan inte få nya token.",
            f"The user {row['username']!r} is disabled and cannot get new tokens."),
        )
    if expires_in is not None and expires_in <= dt.timedelta(0):
        raise Invalid(Text("Giltighetstiden måste vara positiv.", "The lifetime must be positive."))
    plain = "se_" + secrets.token_urlsafe(32)
    now = clock.now()
    async with writing():
        record = ApiToken(
            user=row["id"], name=name, token_hash=_token_hash(plain), prefix=plain[:TOKEN_PREFIX_LENGTH],
            created_at=now, created_by=audit.actor_name(actor)[:64],
            expires_at=now + expires_in if expires_in else None,
        )
        token_id = (await ApiToken.insert(record).returning(ApiToken.id))[0]["id"]
        await audit.record(
            actor, "token.create", "token", token_id,
            details={"user": row["username"], "name": name, "prefix": record.prefix,
                     "expires_at": record.expires_at.isoformat() if record.expires_at else None},
        )
        stored = await ApiToken.select().where(ApiToken.id == token_id).first()
    return plain, _token_info(stored, row["username"])


async def authenticate_token(plain: str) -> Principal:
    """The principal for a bearer token; InvalidCredentials for an unknown, revoked or
    expired token or a disabled user."""
    plain = (plain or "").strip()
    if not TOKEN_PATTERN.match(plain):
        raise InvalidCredentials(Text("Ogiltigt API-token.", "Invalid API token."))
    row = (
        await ApiToken.select(
            ApiToken.id, ApiToken.user, ApiToken.revoked_at, ApiToken.expires_at, ApiToken.last_used_at,
            ApiToken.user.username, ApiToken.user.role, ApiToken.user.active,
        )
        .where(ApiToken.token_hash == _token_hash(plain))
        .first()
    )
    now = clock.now()
    if (
        row is None
        or row["revoked_at"] is not None
        or (row["expires_at"] is not None and row["expires_at"] <= now)
        or not row["user.active"]
    ):
        raise InvalidCredentials(Text("Ogiltigt API-token.", "Invalid API token."))
    if row["last_used_at"] is None or now - row["last_used_at"] >= TOKEN_TOUCH_INTERVAL:
        async with writing():
            await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    units = await _units_of(row["user"])
    return Principal(row["user.username"], Role(row["user.role"]), frozenset(units), "token", row["user"], row["id"])


async def revoke_token(actor: Principal | str, token_id: int) -> TokenInfo:
    """Revoke a token (idempotent). It is refused from then on; the record stays."""
    async with writing():
        row = (
            await ApiToken.select(ApiToken.all_columns(), ApiToken.user.username.as_alias("username"))
            .where(ApiToken.id == token_id)
            .first()
        )
        if row is None:
            raise NotFound(Text(f"Det finns inget token med id {token_id}.", f"There is no token with id {token_id}."))
        _authorize_token(actor, row["username"])
        if row["revoked_at"] is None:
            now = clock.now()
            await ApiToken.update({ApiToken.revoked_at: now}).where(ApiToken.id == token_id)
            await audit.record(
                actor, "token.revoke", "token", token_id, details={"user": row["username"], "name": row["name"]}
            )
            row["revoked_at"] = now
    return _token_info(row, row["username"])


async def list_tokens(actor: Principal | str, username: str | None = None) -> list[TokenInfo]:
    """Tokens (never their secrets), newest first; of one user, or of everyone."""
    if isinstance(actor, Principal) and (username is None or username.strip().lower() != actor.username):
        require(actor, Action.USER_MANAGE)
    query = ApiToken.select(ApiToken.all_columns(), ApiToken.user.username.as_alias("username")).order_by(
        ApiToken.id, ascending=False
    )
    if username is not None:
        row = await _user_row(username)
        query = query.where(ApiToken.user == row["id"])
    return [_token_info(r, r["username"]) for r in await query]


__all__ = [
    "UserInfo", "TokenInfo", "check_tables", "normalize_username", "normalize_units", "get_user", "list_users",
    "create_user", "disable_user", "enable_user", "set_role", "set_units", "set_password", "unlock_user",
    "load_principal", "authenticate", "prune_login_attempts", "create_token", "authenticate_token",
    "revoke_token", "list_tokens", "PermissionDenied",
]
