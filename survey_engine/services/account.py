"""What a logged-in person does with their own account: change their password
(docs/security.md, "Lösenord: listor och eget byte"). Every session and token of the
account ends; the web layer starts a fresh session for the browser that made the change,
so a password that leaked together with a session cookie stops working both ways."""
from __future__ import annotations

from survey_engine.errors import InvalidCredentials, Invalid
from survey_engine.services import login, users
from survey_engine.services.policy import Action, Principal, require
from survey_engine.settings import oidc_settings
from survey_engine.store.auth_tables import User
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
    # users.set_password ends every session of the account and revokes its tokens
    # (docs/security.md, "Sessions"); the web layer starts a new session for this browser.
    await users.set_password(principal, principal.username, new_password)


async def has_password(username: str) -> bool:
    """True when the account can log in with a password here (else: SSO or tokens only)."""
    row = await User.select(User.password_hash).where(User.username == username).first()
    return bool(row and row["password_hash"])
