"""What a logged-in person does with their own account: change their password
(docs/security.md, "Lösenord"). The web layer starts a fresh session afterwards; every
other session of the account ends, so a password that leaked together with a session
cookie stops working in both ways at once."""
from __future__ import annotations

import json

from survey_engine.errors import InvalidCredentials, Invalid
from survey_engine.services import login, users
from survey_engine.services.policy import Action, Principal, require
from survey_engine.settings import oidc_settings
from survey_engine.store.auth_tables import SessionRecord, User
from survey_engine.store.db import writing
from survey_engine.text import Text


async def change_own_password(principal: Principal, current_password: str, new_password: str,
                              address: str | None = None) -> None:
    """Check `current_password` (a failure counts like a failed login, so a stolen session
    cannot be used to guess it without limit), apply the password policy to
    `new_password`, store it and end every session of the account."""
    require(principal, Action.ACCOUNT_MANAGE_OWN)
    if not oidc_settings().local_login:
        raise Invalid(Text("Lösenord används inte här (LOCAL_LOGIN=false); byt lösenord hos organisationens konto.",
                           "Passwords are not used here (LOCAL_LOGIN=false); change it at your organisation's account."))
    row = await User.select(User.id, User.password_hash).where(User.username == principal.username).first()
    if row is None or not row["password_hash"]:
        # Accounts that log in with single sign-on (or tokens only) have no password here.
        raise Invalid(
            Text("Kontot har inget lösenord här; det loggar in med organisationens konto.",
                 "The account has no password here; it logs in with the organisation's account."),
            errors=[{"field": "current_password", "message": "inget lokalt lösenord / no local password"}],
        )
    if current_password == new_password:
        raise Invalid(
            Text("Det nya lösenordet är detsamma som det nuvarande.", "The new password is the same as the current one."),
            errors=[{"field": "new_password", "message": "samma som nuvarande / same as current"}],
        )
    try:
        await login.authenticate(principal.username, current_password, address)
    except InvalidCredentials as exc:
        raise InvalidCredentials(
            Text("Det nuvarande lösenordet stämmer inte.", "The current password is wrong."),
        ) from exc
    await users.set_password(principal, principal.username, new_password)
    await end_sessions_of(row["id"])


async def end_sessions_of(user_id: int) -> int:
    """End every session of the user; returns how many. The caller that keeps someone
    logged in (the person who just changed their password) starts a new session."""
    ended = 0
    async with writing():
        rows = await SessionRecord.select(SessionRecord.key, SessionRecord.data)
        for row in rows:
            try:
                data = json.loads(bytes(row["data"]))
            except (ValueError, TypeError):
                continue
            if isinstance(data, dict) and data.get("uid") == user_id:
                await SessionRecord.delete().where(SessionRecord.key == row["key"])
                ended += 1
    return ended


async def has_password(username: str) -> bool:
    """True when the account can log in with a password here (else: SSO or tokens only)."""
    row = await User.select(User.password_hash).where(User.username == username).first()
    return bool(row and row["password_hash"])
