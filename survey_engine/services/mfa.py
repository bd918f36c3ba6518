"""Two-step verification for local accounts: a time-based one-time code (TOTP, RFC 6238,
with pyotp) after the password (docs/security.md, "Tvåstegsverifiering"). Required
for administrators when REQUIRE_MFA_ADMIN=true. Single sign-on accounts use their
provider's second factor instead."""
from __future__ import annotations

import datetime as dt
import os

import pyotp

from survey_engine import clock
from survey_engine.errors import Invalid, InvalidCredentials, LoginThrottled
from survey_engine.services import audit
from survey_engine.services.policy import Action, Principal, Role, require
from survey_engine.services.users import _user_row
from survey_engine.store.db import engine, writing
from survey_engine.store.mfa_tables import TotpSecret
from survey_engine.text import Text

ISSUER_NAME = "survey-engine"
# One step (30 s) either side: phones' clocks drift a little.
VALID_WINDOW = 1
# Wrong codes in a row before the second step closes for LOCK_FOR (a six-digit code is
# otherwise guessable by a patient attacker who has the password).
MAX_FAILURES = 5
LOCK_FOR = dt.timedelta(minutes=15)
ENROLMENT_LIFETIME = dt.timedelta(minutes=15)


def required_for(role: Role) -> bool:
    """REQUIRE_MFA_ADMIN=true: administrators must use a second factor."""
    return role is Role.ADMIN and os.environ.get("REQUIRE_MFA_ADMIN", "").strip().lower() in ("1", "true", "yes", "on")


async def enabled(user_id: int) -> bool:
    row = await TotpSecret.select(TotpSecret.confirmed_at).where(TotpSecret.user == user_id).first()
    return bool(row and row["confirmed_at"])


async def start_enrolment(user_id: int, username: str) -> tuple[str, str]:
    """An unconfirmed secret for the user: (secret in base32, otpauth:// URI for an
    authenticator app). A recent unconfirmed one is reused (a reloaded page shows the
    same secret)."""
    if await enabled(user_id):
        raise Invalid(Text("Tvåstegsverifiering är redan på. Stäng av den först för att byta app.",
                           "Two-step verification is already on. Turn it off first to change apps."))
    now = clock.now()
    row = await TotpSecret.select().where(TotpSecret.user == user_id).first()
    if row is not None and row["created_at"] > now - ENROLMENT_LIFETIME:
        secret = row["seed"]
    else:
        secret = pyotp.random_base32()
        async with writing():
            await TotpSecret.delete().where(TotpSecret.user == user_id)
            await TotpSecret.insert(TotpSecret(user=user_id, seed=secret, created_at=now))
    return secret, pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER_NAME)


def _clean(code: str) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace())[:12]


async def _check(user_id: int, code: str, confirmed: bool) -> bool:
    """True when `code` is right now and newer than the last accepted one; the step is
    then remembered so that the same code cannot be used twice. LoginThrottled while
    closed after MAX_FAILURES wrong codes."""
    code = _clean(code)
    async with writing():
        query = TotpSecret.select().where(TotpSecret.user == user_id)
        if engine().engine_type == "postgres":
            query = query.lock_rows("UPDATE")
        row = await query.first()
        if row is None or bool(row["confirmed_at"]) != confirmed:
            return False
        now = clock.now()
        if row["locked_until"] is not None and row["locked_until"] > now:
            raise LoginThrottled(int((row["locked_until"] - now).total_seconds()) + 1)
        totp = pyotp.TOTP(row["seed"])
        current = totp.timecode(now)
        if code.isdigit() and len(code) == 6:
            for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
                step = current + offset
                if step > row["last_step"] and pyotp.utils.strings_equal(totp.generate_otp(step), code):
                    values = {TotpSecret.last_step: step, TotpSecret.failures: 0, TotpSecret.locked_until: None}
                    if not confirmed:
                        values[TotpSecret.confirmed_at] = now
                    await TotpSecret.update(values).where(TotpSecret.id == row["id"])
                    return True
        failures = row["failures"] + 1
        locked = now + LOCK_FOR if failures >= MAX_FAILURES else None
        await TotpSecret.update({TotpSecret.failures: 0 if locked else failures,
                                 TotpSecret.locked_until: locked}).where(TotpSecret.id == row["id"])
    return False


async def confirm_enrolment(user_id: int, username: str, code: str) -> None:
    if not await _check(user_id, code, confirmed=False):
        raise Invalid(Text("Koden stämmer inte. Skriv koden som appen visar just nu.",
                           "The code is wrong. Type the code the app shows right now."),
                      errors=[{"field": "code", "message": "fel kod / wrong code"}])
    await audit.record(username, "user.mfa_enabled", "user", username)


async def verify_login_code(user_id: int, username: str, code: str) -> None:
    """The second step of a login: InvalidCredentials unless `code` is right (and unused)."""
    if not await _check(user_id, code, confirmed=True):
        await audit.record(username, "login.failed", "user", username, details={"reason": "totp"})
        raise InvalidCredentials(Text("Fel engångskod. Skriv koden som appen visar just nu.",
                                      "Wrong one-time code. Type the code the app shows right now."))


async def disable(principal: Principal, user_id: int, code: str) -> None:
    """Turn two-step verification off for oneself (with a current code)."""
    require(principal, Action.ACCOUNT_MANAGE_OWN)
    if required_for(principal.role):
        raise Invalid(Text("Administratörer måste ha tvåstegsverifiering här (REQUIRE_MFA_ADMIN).",
                           "Administrators must use two-step verification here (REQUIRE_MFA_ADMIN)."))
    if not await _check(user_id, code, confirmed=True):
        raise Invalid(Text("Koden stämmer inte.", "The code is wrong."),
                      errors=[{"field": "code", "message": "fel kod / wrong code"}])
    async with writing():
        await TotpSecret.delete().where(TotpSecret.user == user_id)
        await audit.record(principal, "user.mfa_disabled", "user", principal.username)


async def reset(actor: Principal | str, username: str) -> bool:
    """Remove a user's second factor (a lost phone): an administrator, or the command
    line. The person adds a new one from /konto (or at the next login when required).
    Returns whether there was one."""
    if isinstance(actor, Principal):
        require(actor, Action.USER_MANAGE)
    async with writing():
        row = await _user_row(username)
        had = await TotpSecret.count().where(TotpSecret.user == row["id"])
        await TotpSecret.delete().where(TotpSecret.user == row["id"])
        await audit.record(actor, "user.mfa_reset", "user", row["username"], details={"had_second_factor": bool(had)})
    return bool(had)
