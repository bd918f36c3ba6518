"""Domain errors of the services, mapped one-to-one to HTTP statuses by the web layer
and to exit status 2 with a message by the command line."""
from __future__ import annotations

from typing import Any, Iterable

from survey_engine.questionnaire.errors import Problem


class ServiceError(Exception):
    """Something a user asked for cannot be done; `message` says why and what to do."""

    status_code = 400

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None, **extra: Any):
        super().__init__(message)
        self.message = message
        self.errors = errors or []
        self.extra = extra

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"detail": self.message}
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


class NotFound(ServiceError):
    status_code = 404


class Conflict(ServiceError):
    """The request clashes with the current state (stale revision, duplicate, wrong status)."""

    status_code = 409


class Invalid(ServiceError):
    """The input is wrong: `errors` names each offending field or question."""

    status_code = 422


class Locked(ServiceError):
    """The thing is locked for changes, e.g. every response of a closed round."""

    status_code = 423


def problems_to_errors(problems: Iterable[Problem], key: str = "field") -> list[dict[str, Any]]:
    """Loader/answers problems as API error items (`question` for answers, else `field`)."""
    out = []
    for p in problems:
        item: dict[str, Any] = {key: p.path, "message": p.message}
        if p.line is not None:
            item["line"] = p.line
        out.append(item)
    return out


def is_unique_violation(exc: BaseException) -> bool:
    """True for a unique-constraint violation on SQLite or PostgreSQL."""
    import sqlite3

    if isinstance(exc, sqlite3.IntegrityError) and "UNIQUE" in str(exc).upper():
        return True
    try:
        from asyncpg.exceptions import UniqueViolationError
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, UniqueViolationError)
