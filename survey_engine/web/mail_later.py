"""E-mail notices sent after the HTTP response (docs/operations.md, "Notices after the
response"): a handler runs the action inside `mailer.deferring()`, which queues the
notices in the outbox but does not send them, and hands the collected ids to
`after_response`, a Litestar background task that runs once the response has been sent.
So a slow or hanging mail server never holds up a submit or a return."""
from __future__ import annotations

from litestar.background_tasks import BackgroundTask

from survey_engine.services import mailer


def after_response(ids: list[int]) -> BackgroundTask | None:
    """The background task that delivers `ids` (None when nothing was queued)."""
    return BackgroundTask(mailer.send_later, list(ids)) if ids else None
