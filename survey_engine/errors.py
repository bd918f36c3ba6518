"""The one error hierarchy of survey-engine.

Every error a person can meet is an `AppError` carrying a `Text` (Swedish and English
sentences that say what was wrong and what to do), an HTTP status for the web layer, a
short machine `code`, and for bad input `errors`: one item per offending field or
question. The web layer turns these into JSON (`{"detail", "code", "errors"}`) or an
error page; the command line prints the message and exits with status 2.
"""
from __future__ import annotations

from typing import Any, Iterable

from survey_engine.questionnaire.errors import Problem
from survey_engine.text import Text


class AppError(Exception):
    """Something a user asked for cannot be done."""

    status_code = 400
    code = "error"

    def __init__(self, message: Text, errors: list[dict[str, Any]] | None = None, **extra: Any):
        if not isinstance(message, Text):
            raise TypeError(f"{type(self).__name__} needs a Text message, got {type(message).__name__}")
        self.text = message
        self.errors = errors or []
        self.extra = extra
        super().__init__(str(message))

    @property
    def message(self) -> str:
        """Both languages, "svenska / English" (command line, logs, API `detail`)."""
        return str(self.text)

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"detail": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body

    def __str__(self) -> str:
        lines = [self.message]
        for err in self.errors:
            where = err.get("question") or err.get("field") or ""
            lines.append(f"  {where}: {err.get('message', '')}" if where else f"  {err.get('message', '')}")
        return "\n".join(lines)


class Invalid(AppError):
    """The input is wrong: `errors` names each offending field or question."""

    status_code = 422
    code = "invalid_input"


class PasswordPolicyError(Invalid):
    code = "password_policy"


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Conflict(AppError):
    """The request clashes with the current state (stale revision, duplicate, wrong status)."""

    status_code = 409
    code = "conflict"


class UserExists(Conflict):
    code = "user_exists"


class Locked(AppError):
    """The thing is locked for changes, e.g. every response of a closed round."""

    status_code = 423
    code = "locked"


class PermissionDenied(AppError):
    status_code = 403
    code = "permission_denied"

    def __init__(self, message: Text | None = None, **extra: Any) -> None:
        super().__init__(message or Text("Du har inte behörighet att göra detta.",
                                         "You are not allowed to do this."), **extra)


class InvalidCredentials(AppError):
    """Wrong username or password, or an unknown, revoked or expired token. The message
    never says which, so it cannot be used to find out which usernames exist."""

    status_code = 401
    code = "invalid_credentials"

    def __init__(self, message: Text | None = None) -> None:
        super().__init__(message or Text("Fel användarnamn eller lösenord.", "Wrong username or password."))


class LoginThrottled(AppError):
    """Too many failed logins for an account or from an address; `retry_after` seconds."""

    status_code = 429
    code = "login_throttled"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, int(retry_after))
        minutes = max(1, -(-self.retry_after // 60))  # rounded up
        super().__init__(Text(
            f"För många misslyckade inloggningar. Försök igen om {minutes} "
            f"{'minut' if minutes == 1 else 'minuter'}.",
            f"Too many failed logins. Try again in {minutes} "
            f"{'minute' if minutes == 1 else 'minutes'}.",
        ))


class TablesMissing(AppError):
    status_code = 503
    code = "tables_missing"

    def __init__(self) -> None:
        super().__init__(Text(
            "Databasens tabeller saknas. Kör `survey-engine db migrate` först.",
            "The database has no tables yet. Run `survey-engine db migrate` first.",
        ))


def problems_to_errors(problems: Iterable[Problem], key: str = "field") -> list[dict[str, Any]]:
    """Loader/answers problems as API error items (`question` for answers, else `field`)."""
    out = []
    for p in problems:
        item: dict[str, Any] = {key: p.path, "message": p.message}
        if p.line is not None:
            item["line"] = p.line
        out.append(item)
    return out


class SsoFailed(AppError):
    """A single sign-on login that cannot be accepted (a replayed or unknown state, an ID
    token that fails its checks, an account that may not log in); the message says
    which and what to do. The details go to the log, not to the person."""

    status_code = 401
    code = "sso_failed"


class SsoUnavailable(AppError):
    """Single sign-on is not configured here, or the identity provider cannot be reached."""

    status_code = 503
    code = "sso_unavailable"


class SsoNotConfigured(AppError):
    """Single sign-on is not set up on this installation: for the client the route does
    not exist (404), which is not a failure of the server."""

    status_code = 404
    code = "sso_not_configured"


class MfaRequired(AppError):
    """The password was right; the account also needs its one-time code (`totp`)."""

    status_code = 401
    code = "mfa_required"

    def __init__(self) -> None:
        super().__init__(Text("Skriv också engångskoden från din app (fältet totp).",
                              "Also give the one-time code from your app (the totp field)."))


class MfaEnrolmentRequired(AppError):
    """An administrator without a second factor where REQUIRE_MFA_ADMIN=true."""

    status_code = 403
    code = "mfa_enrolment_required"

    def __init__(self) -> None:
        super().__init__(Text(
            "Administratörer måste ha tvåstegsverifiering här. Logga in på webbsidan en gång för att lägga till den.",
            "Administrators must use two-step verification here. Log in on the web page once to add it."))


class TooLarge(AppError):
    """An upload over its limit (an evidence file over 10 MB, a response's files over
    200 MB); the message names the file, the limit and what to do."""

    status_code = 413
    code = "too_large"


class UnsupportedType(AppError):
    """A file whose content is not one of the accepted types (docs/evidence.md)."""

    status_code = 415
    code = "unsupported_type"


class StoredFileDamaged(AppError):
    """A stored file no longer matches its SHA-256 checksum (or is missing): it is not
    served. A fault of the server's storage, not of the request."""

    status_code = 500
    code = "stored_file_damaged"
