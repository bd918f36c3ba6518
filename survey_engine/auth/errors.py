"""Errors of the auth layer. Each carries a Swedish and an English sentence for people."""
from __future__ import annotations


class AuthError(Exception):
    """Base class: `sv` and `en` are complete sentences; str() gives both."""

    code = "auth_error"

    def __init__(self, sv: str, en: str) -> None:
        self.sv = sv
        self.en = en
        super().__init__(f"{sv} / {en}")

    def message(self, lang: str = "sv") -> str:
        return self.en if lang == "en" else self.sv


class InvalidInput(AuthError):
    """A username, role, unit code, password or token name that cannot be used."""

    code = "invalid_input"


class PasswordPolicyError(InvalidInput):
    code = "password_policy"


class UserExists(AuthError):
    code = "user_exists"


class NotFound(AuthError):
    code = "not_found"


class InvalidCredentials(AuthError):
    """Wrong username or password, or an unknown, revoked or expired token. The message
    never says which, so it cannot be used to find out which usernames exist."""

    code = "invalid_credentials"

    def __init__(self, sv: str | None = None, en: str | None = None) -> None:
        super().__init__(
            sv or "Fel användarnamn eller lösenord.",
            en or "Wrong username or password.",
        )


class LoginThrottled(AuthError):
    """Too many failed logins for an account or from an address; `retry_after` seconds."""

    code = "login_throttled"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, int(retry_after))
        minutes = max(1, -(-self.retry_after // 60))  # rounded up
        super().__init__(
            f"För många misslyckade inloggningar. Försök igen om {minutes} "
            f"{'minut' if minutes == 1 else 'minuter'}.",
            f"Too many failed logins. Try again in {minutes} "
            f"{'minute' if minutes == 1 else 'minutes'}.",
        )


class PermissionDenied(AuthError):
    code = "permission_denied"


class TablesMissing(AuthError):
    code = "tables_missing"

    def __init__(self) -> None:
        super().__init__(
            "Databasens tabeller för användare saknas. Kör `survey-engine db migrate` först.",
            "The database has no user tables yet. Run `survey-engine db migrate` first.",
        )
