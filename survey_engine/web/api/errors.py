"""Exception handlers: every error is JSON with a `detail` sentence, and for bad input
an `errors` list naming the fields or questions. Never a traceback for bad input."""
from __future__ import annotations

import logging
import re

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_500_INTERNAL_SERVER_ERROR

from survey_engine.errors import AppError, LoginThrottled

log = logging.getLogger("survey_engine.web")
_TOO_LONG = re.compile(r"should have at most \d+ (characters?|items?)\b")


def service_error(request: Request, exc: AppError) -> Response:
    retry_after = exc.retry_after if isinstance(exc, LoginThrottled) else exc.extra.get("retry_after")
    headers = {"Retry-After": str(retry_after)} if retry_after else None  # 429s: login throttle, reminders
    return Response(content=exc.to_dict(), status_code=exc.status_code, headers=headers)


def validation_error(request: Request, exc: ValidationException) -> Response:
    items = []
    for item in exc.extra or []:
        if isinstance(item, dict):
            field = item.get("key") or item.get("source") or ""
            items.append({"field": str(field), "message": str(item.get("message", ""))})
        else:
            items.append({"message": str(item)})
    # Text or a list over its length limit is an invalid value (422, like the limits the
    # services check); a wrong type, a missing field or malformed JSON stays 400.
    # So is a control character in text (survey_engine/plaintext.py).
    too_long = bool(items) and all(
        (_TOO_LONG.search(i.get("message", "")) or "styrtecken" in i.get("message", "")) and i.get("field")
        for i in items)
    return Response(
        content={"detail": "Ogiltig begäran / invalid request: " + (exc.detail or ""), "errors": items},
        status_code=422 if too_long else HTTP_400_BAD_REQUEST,
    )


def http_error(request: Request, exc: HTTPException) -> Response:
    return Response(content={"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


def _is_bad_value(exc: BaseException) -> bool:
    """A value the database refused (PostgreSQL: a NUL character, a number out of
    range, …), or text that cannot be encoded: bad input that slipped past the checks,
    not a server fault."""
    if isinstance(exc, UnicodeEncodeError):
        return True
    try:
        from asyncpg.exceptions import DataError
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, DataError)


def unexpected_error(request: Request, exc: Exception) -> Response:
    if _is_bad_value(exc):
        log.warning("bad value refused by the database on %s %s: %s", request.method, request.url.path,
                    type(exc).__name__)
        return Response(
            content={"detail": "Ett värde kan inte lagras (t.ex. ett NUL-tecken eller ett för stort tal) / "
                     "a value cannot be stored (e.g. a NUL character or a number out of range)"},
            status_code=422,
        )
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return Response(
        content={"detail": "Ett oväntat fel inträffade; det är loggat / an unexpected error occurred; it is logged"},
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
    )


EXCEPTION_HANDLERS = {
    AppError: service_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    Exception: unexpected_error,
}
