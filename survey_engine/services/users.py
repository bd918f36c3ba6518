"""Users: accounts, roles, unit bindings, passwords set by an administrator.

`actor` is who asks for a change. A `Principal` (a person through the API) is checked
against the permission policy here, in the service layer; a plain string names a
trusted caller that has already been authorised by other means (the command line run by
an operator, the demo-data loader) and is only recorded in the audit log.

Every change writes an audit event in the same transaction as the change.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable

from survey_engine.services import audit, passwords, principals
from survey_engine.store.db import writing
from survey_engine.errors import Invalid, NotFound, TablesMissing, UserExists
from survey_engine.services.policy import UNIT_BOUND_ROLES, Action, Principal, Role, require
from survey_engine.store.auth_tables import ApiToken, AuditEvent, LoginAttempt, SessionRecord, User, UserUnit
from survey_engine.store.tables import Unit
from survey_engine.text import Text
from survey_engine import clock

# Sessions (docs/security.md, "Sessions"): ended after this long whatever the activity
# (absolute), and after SESSION_IDLE without a request (the store's expiry, renewed on
# each request: web/security.py).
SESSION_ABSOLUTE = dt.timedelta(hours=12)
SESSION_IDLE = dt.timedelta(minutes=60)

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
UNIT_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")



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
    language: str = "sv"  # of the user's e-mails (set_language)

    def principal(self, via: str = "session", token_id: int | None = None) -> Principal:
        return Principal(self.username, self.role, frozenset(self.units), via, self.id, token_id)




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
    if role in UNIT_BOUND_ROLES and not units:
        if role is Role.APPROVER:
            raise Invalid(
                Text("En godkännare måste knytas till minst en enhet: välj de förvaltningar hen godkänner svaren för.",
                "An approver must be bound to at least one unit: choose the units whose responses they approve."),
                [{"field": "units", "message": "välj minst en enhet (på kommandoraden: --unit KOD) / "
                  "choose at least one unit (on the command line: --unit CODE)"}],
            )
        raise Invalid(
            Text("En respondent måste knytas till minst en enhet: välj den förvaltning respondenten svarar för.",
            "A respondent must be bound to at least one unit: choose the unit the respondent answers for."),
            [{"field": "units", "message": "välj minst en enhet (på kommandoraden: --unit KOD) / "
              "choose at least one unit (on the command line: --unit CODE)"}],
        )
    if role not in UNIT_BOUND_ROLES and units:
        # The policy reads units only for respondents and approvers; binding another role
        # to a unit would suggest a restriction that does not exist.
        raise Invalid(
            Text(f"Bara respondenter och godkännare knyts till enheter, inte rollen {role.value}.",
            f"Only respondents and approvers are bound to units, not the role {role.value}."),
        )


async def _check_units_exist(units: tuple[str, ...]) -> None:
    """Refuse a binding to a unit code that no unit has: such a
    respondent could not answer, and would silently gain access if the code were later
    created for another organisation. Called inside the write transaction."""
    if not units:
        return
    rows = await Unit.select(Unit.code).where(Unit.code.is_in(list(units)))
    known = {r["code"] for r in rows}
    unknown = [code for code in units if code not in known]
    if unknown:
        codes = ", ".join(unknown)
        raise Invalid(
            Text(f"Okänd enhetskod: {codes}. Skapa enheten först (survey-engine units import) eller välj en befintlig.",
            f"Unknown unit code: {codes}. Create the unit first (survey-engine units import) or choose an existing one."),
            [{"field": "units", "unknown": unknown,
              "message": f"okända enhetskoder / unknown unit codes: {codes}"}],
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
        language=row.get("language") or "sv",
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
        await _check_units_exist(units)
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
        principals.forget_all()  # services/principals.py: at once here, elsewhere within the bound
        # Tokens are revoked, not just refused while disabled: re-enabling the user
        # must not bring them back.
        ended = await _end_credentials(row["id"], tokens=True)
        await audit.record(actor, "user.disable", "user", row["username"], details={"tokens_revoked": ended})
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
        new_units = normalize_units(units) if units is not None else (old_units if role in UNIT_BOUND_ROLES else ())
        _check_units_for_role(role, new_units)
        if new_units != old_units:
            await _check_units_exist(new_units)
        if row["role"] == Role.ADMIN.value and role is not Role.ADMIN and row["active"] and await _active_admins() <= 1:
            raise _last_admin_error()
        await User.update({User.role: role.value, User.updated_at: clock.now()}).where(User.id == row["id"])
        principals.forget_all()  # services/principals.py: at once here, elsewhere within the bound
        if row["role"] != role.value:
            await _end_credentials(row["id"], tokens=False)  # sessions began under the old role
        if new_units != old_units:
            await UserUnit.delete().where(UserUnit.user == row["id"])
            for code in new_units:
                await UserUnit.insert(UserUnit(user=row["id"], unit_code=code))
        await audit.record(
            actor, "user.set_role", "user", row["username"],
            details={"from": row["role"], "to": role.value, "units": list(new_units)},
        )
    return await get_user(row["username"])


EMAIL_LANGUAGES = ("sv", "en")


async def set_language(actor: Principal | str, username: str, language: str) -> str:
    """The language of the e-mails the user gets (sv or en): the approver's notice of a
    submitted response, a respondent's reminders. Administrators set anyone's; every
    user sets their own (the account page). Audited; returns the language."""
    own = isinstance(actor, Principal) and actor.username == normalize_username(username or "x")
    if own:  # one's own e-mail language (the account page): account.manage_own
        require(actor, Action.ACCOUNT_MANAGE_OWN)
    else:
        _authorize_user_manage(actor)
    lang = (language or "").strip().lower()
    if lang not in EMAIL_LANGUAGES:
        raise Invalid(Text(f"Språket ska vara sv eller en, inte {language[:20]!r}.",
                           f"The language must be sv or en, not {language[:20]!r}."))
    async with writing():
        row = await _user_row(username)
        await User.update({User.language: lang, User.updated_at: clock.now()}).where(User.id == row["id"])
        await audit.record(actor, "user.language", "user", row["username"],
                           details={"from": row.get("language") or "sv", "to": lang})
    return lang


async def set_units(actor: Principal | str, username: str, units: Iterable[str]) -> UserInfo:
    """Replace the units a respondent is bound to."""
    _authorize_user_manage(actor)
    units = normalize_units(units)
    async with writing():
        row = await _user_row(username)
        _check_units_for_role(Role(row["role"]), units)
        old = await _units_of(row["id"])
        if old != units:
            await _check_units_exist(units)
            await UserUnit.delete().where(UserUnit.user == row["id"])
            for code in units:
                await UserUnit.insert(UserUnit(user=row["id"], unit_code=code))
            await User.update({User.updated_at: clock.now()}).where(User.id == row["id"])
            principals.forget_all()  # services/principals.py: at once here, elsewhere within the bound
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
            # locked_until = now: failures before this moment no longer count (services/login.py)
            {User.password_hash: password_hash, User.failed_logins: 0, User.locked_until: clock.now(),
             User.updated_at: clock.now()}
        ).where(User.id == row["id"])
        # Whoever knew the old password may hold a session or have made a token: both end.
        ended = await _end_credentials(row["id"], tokens=True)
        await audit.record(actor, "user.set_password", "user", row["username"], details={"tokens_revoked": ended})


async def _end_credentials(user_id: int, *, tokens: bool) -> int:
    """End every session of the user (those that began before now are refused, see
    `session_is_current`) and, with `tokens`, revoke every active token. Returns how
    many tokens were revoked. Call inside the transaction of the change."""
    now = clock.now()
    await User.update({User.credentials_changed_at: now}).where(User.id == user_id)
    principals.forget_all()  # services/principals.py: at once here, elsewhere within the bound
    if not tokens:
        return 0
    active = (ApiToken.user == user_id) & ApiToken.revoked_at.is_null()
    count = await ApiToken.count().where(active)
    await ApiToken.update({ApiToken.revoked_at: now}).where(active)
    return count


async def logout_everywhere(actor: Principal | str, username: str) -> None:
    """End every session of `username` (oneself, or any user for an administrator)."""
    if isinstance(actor, Principal) and actor.username != (username or "").strip().lower():
        require(actor, Action.USER_MANAGE)
    async with writing():
        row = await _user_row(username)
        await _end_credentials(row["id"], tokens=False)
        await audit.record(actor, "user.logout_everywhere", "user", row["username"])


def session_is_current(since: dt.datetime | None, credentials_changed_at: dt.datetime | None,
                       now: dt.datetime) -> bool:
    """A session is current when it began within SESSION_ABSOLUTE of `now` and not
    before the user's credentials last changed (docs/security.md, "Sessions")."""
    if since is None or now - since > SESSION_ABSOLUTE:
        return False
    return credentials_changed_at is None or since >= credentials_changed_at


async def unlock_user(actor: Principal | str, username: str) -> UserInfo:
    _authorize_user_manage(actor)
    async with writing():
        row = await _user_row(username)
        await User.update({User.failed_logins: 0, User.locked_until: clock.now(), User.updated_at: clock.now()}).where(
            User.id == row["id"]
        )
        await audit.record(actor, "user.unlock", "user", row["username"])
    return await get_user(row["username"])


async def load_principal(user_id: int, via: str = "session", token_id: int | None = None,
                         since: dt.datetime | None | object = ...) -> Principal | None:
    """The principal for a user id kept in a session, from the user's current row; None
    when the user no longer exists or is disabled, or (with `since`, when the session
    began; None for an unknown start) when the session is no longer current: the
    session must then be ended. Without `since` no session rule is applied."""
    row = await User.select().where(User.id == user_id).first()
    if row is None or not row["active"]:
        return None
    if since is not ... and not session_is_current(since, row["credentials_changed_at"], clock.now()):  # type: ignore[arg-type]
        return None
    return Principal(row["username"], Role(row["role"]), frozenset(await _units_of(row["id"])), via, row["id"], token_id)
