"""The outbox: every e-mail is stored first, then delivered by SMTP (standard library
smtplib, run in a thread). A refused or unreachable server leaves the message queued
with the error; the next send tries it again; after MAX_ATTEMPTS it is marked failed
and listed for a manual retry. Rules in docs/operations.md, "E-mail reminders".

Notices sent on a user's action (a response submitted or returned) go through
`deliver_soon`: inside `deferring()` (the web handlers of those actions) it only
collects the ids, and `send_later` delivers them after the HTTP response has gone out,
so a slow mail server never holds up the user's request (docs/operations.md,
"Notices after the response").
"""
from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import logging
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

from survey_engine import clock
from survey_engine.errors import Invalid, NotFound
from survey_engine.services import audit
from survey_engine.services.access import Action, Principal, check
from survey_engine.services.common import page_args
from survey_engine.services.views import (
    DeliveryCounts, OutboxCounts, OutboxMessageText, OutboxMessageView, RetryResult,
)
from survey_engine.settings import SettingsError, SmtpSettings, smtp_settings
from survey_engine.store.db import is_unique_violation, write_transaction
from survey_engine.store.mail_tables import OutboxMessage
from survey_engine.text import Text

MAX_ATTEMPTS = 10
CLAIM_MINUTES = 15  # a sender that died mid-send frees its messages after this long
BATCH = 200
STATUSES = ("queued", "sent", "failed")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """A message to put in the outbox."""

    key: str
    kind: str
    recipient: str
    language: str
    subject: str
    body: str
    round_id: int | None = None
    unit_code: str | None = None


def _clean_header(value: str) -> str:
    return " ".join("".join(c if c.isprintable() else " " for c in value).split())[:290]


async def enqueue(messages: Iterable[Outgoing], created_by: str = "") -> list[int]:
    """Store messages whose key is new; the ids of those stored. A key already in the
    outbox (sent, queued or failed) is skipped: that is what keeps reminders idempotent."""
    messages = list({m.key: m for m in messages}.values())
    if not messages:
        return []
    for attempt in range(3):
        try:
            async with write_transaction():
                keys = [m.key for m in messages]
                existing: set[str] = set()
                for i in range(0, len(keys), 500):
                    existing |= {r["key"] for r in await OutboxMessage.select(OutboxMessage.key).where(
                        OutboxMessage.key.is_in(keys[i:i + 500]))}
                new = [m for m in messages if m.key not in existing]
                if not new:
                    return []
                now = clock.now()
                rows = await OutboxMessage.insert(*[OutboxMessage(
                    key=m.key[:400], kind=m.kind, round_id=m.round_id, unit_code=m.unit_code,
                    recipient=m.recipient, language=m.language, subject=_clean_header(m.subject), body=m.body,
                    status="queued", attempts=0, last_error="", created_at=now, created_by=created_by[:200],
                ) for m in new]).returning(OutboxMessage.id)
                return [r["id"] for r in rows]
        except Exception as exc:  # another sender queued the same key at the same moment: look again
            if not is_unique_violation(exc) or attempt == 2:
                raise
    return []  # pragma: no cover


def _describe(exc: BaseException) -> str:
    """One line saying why delivery failed, Swedish / English."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{addr}: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
                 for addr, (code, msg) in exc.recipients.items()]
        return f"Mottagaren nekades / recipient refused: {'; '.join(parts)}"[:1000]
    if isinstance(exc, smtplib.SMTPResponseException):
        msg = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"E-postservern svarade / the mail server answered {exc.smtp_code} {msg}"[:1000]
    if isinstance(exc, (socket.timeout, TimeoutError)) or (
            isinstance(exc, smtplib.SMTPServerDisconnected) and "timed out" in str(exc)):
        return "E-postservern svarade inte i tid / the mail server timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "E-postservern vägrade anslutningen / the mail server refused the connection"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"E-postservern stängde anslutningen / the mail server disconnected: {exc}"[:1000]
    if isinstance(exc, ssl.SSLError):
        return f"STARTTLS misslyckades / STARTTLS failed: {exc}"[:1000]
    if isinstance(exc, UnicodeError):
        return ("SMTP_USER eller SMTP_PASSWORD har tecken utanför ASCII, som SMTP-inloggning inte klarar / "
                f"SMTP_USER or SMTP_PASSWORD has non-ASCII characters, which SMTP login cannot send: {exc}")[:1000]
    return f"Kunde inte skicka / could not send: {type(exc).__name__}: {exc}"[:1000]


def _build(settings: SmtpSettings, row: dict[str, Any]) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = row["recipient"]
    msg["Subject"] = _clean_header(row["subject"])
    msg["Date"] = format_datetime(clock.now())
    msg["Message-ID"] = make_msgid(idstring=f"outbox{row['id']}", domain=settings.sender.rpartition("@")[2] or None)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a reminder
    msg.set_content(row["body"], charset="utf-8")
    msg["Content-Language"] = row["language"]  # after set_content, which clears Content-* headers
    return msg


def _deliver_sync(settings: SmtpSettings, rows: list[dict[str, Any]]) -> dict[int, str | None]:
    """Send `rows` over one connection; message id -> None (sent) or the error."""
    results: dict[int, str | None] = {}
    try:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    except Exception as exc:  # refused, unknown host, timeout …
        return {r["id"]: _describe(exc) for r in rows}
    try:
        try:
            smtp.ehlo()
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.user:
                smtp.login(settings.user, settings.password)
        except Exception as exc:  # any failure (even a password smtplib cannot encode) leaves them queued
            return {r["id"]: _describe(exc) for r in rows}
        for i, row in enumerate(rows):
            try:
                smtp.send_message(_build(settings, row))
                results[row["id"]] = None
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                error = _describe(exc)
                for rest in rows[i:]:
                    results[rest["id"]] = error
                break
            except Exception as exc:  # refused, or a message that cannot be encoded: this one waits
                results[row["id"]] = _describe(exc)
                try:
                    smtp.rset()
                except (OSError, smtplib.SMTPException):
                    pass
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return results


async def _claim(ids: list[int] | None, round_id: int | None) -> list[dict[str, Any]]:
    now = clock.now()
    stale = now - dt.timedelta(minutes=CLAIM_MINUTES)
    free = (OutboxMessage.claimed_at.is_null()) | (OutboxMessage.claimed_at < stale)
    async with write_transaction():
        query = OutboxMessage.select(OutboxMessage.id).where(OutboxMessage.status == "queued", free)
        if ids is not None:
            query = query.where(OutboxMessage.id.is_in(ids or [-1]))
        if round_id is not None:
            query = query.where(OutboxMessage.round_id == round_id)
        candidates = [r["id"] for r in await query.order_by(OutboxMessage.id).limit(BATCH)]
        if not candidates:
            return []
        # The same conditions again in the UPDATE: a concurrent sender's claim wins there.
        claimed = await OutboxMessage.update({OutboxMessage.claimed_at: now}).where(
            OutboxMessage.id.is_in(candidates), OutboxMessage.status == "queued", free,
        ).returning(OutboxMessage.id)
        claimed_ids = [r["id"] for r in claimed]
        return await OutboxMessage.select().where(OutboxMessage.id.is_in(claimed_ids or [-1])).order_by(OutboxMessage.id)


async def deliver(ids: list[int] | None = None, round_id: int | None = None,
                  settings: SmtpSettings | None = None) -> DeliveryCounts:
    """Send queued messages (these ids, or of this round, or all); the counts and errors.
    No policy check: callers (send_due, remind_unit, retry) check theirs."""
    summary: dict[str, Any] = {"sent": 0, "retry_later": 0, "failed": 0, "errors": []}
    try:
        settings = settings or smtp_settings()
    except SettingsError as exc:
        return await _leave_queued(ids, round_id, f"E-postinställningarna är fel / the mail settings are wrong: {exc}",
                                   summary)
    if not settings.configured:
        return await _leave_queued(ids, round_id, "SMTP_HOST är inte satt: meddelandet väntar i kön / "
                                   "SMTP_HOST is not set: the message waits in the outbox", summary)
    seen: set[int] = set()
    while True:
        rows = [r for r in await _claim(ids, round_id) if r["id"] not in seen]
        if not rows:
            break
        seen.update(r["id"] for r in rows)
        results = await asyncio.to_thread(_deliver_sync, settings, rows)
        now = clock.now()
        async with write_transaction():
            for row in rows:
                error = results.get(row["id"], "inte försökt / not tried")
                attempts = row["attempts"] + 1
                if error is None:
                    await OutboxMessage.update({
                        OutboxMessage.status: "sent", OutboxMessage.sent_at: now, OutboxMessage.attempts: attempts,
                        OutboxMessage.last_error: "", OutboxMessage.claimed_at: None,
                        OutboxMessage.last_attempt_at: now}).where(OutboxMessage.id == row["id"])
                    summary["sent"] += 1
                else:
                    status = "failed" if attempts >= MAX_ATTEMPTS else "queued"
                    await OutboxMessage.update({
                        OutboxMessage.status: status, OutboxMessage.attempts: attempts,
                        OutboxMessage.last_error: error, OutboxMessage.claimed_at: None,
                        OutboxMessage.last_attempt_at: now}).where(OutboxMessage.id == row["id"])
                    summary["failed" if status == "failed" else "retry_later"] += 1
                    if error not in summary["errors"]:
                        summary["errors"].append(error)
        if any(e is not None for e in results.values()) or len(rows) < BATCH:
            break  # a server that fails now fails for the rest too: leave them for the next run
    return DeliveryCounts(**summary)


# The ids of messages queued during a web request, to be delivered after its response
# (None: not collecting, deliver_soon sends at once). A context variable: each request
# runs in its own task, so a request only ever sees its own list.
_later: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("mail_later", default=None)


@contextmanager
def deferring() -> Iterator[list[int]]:
    """Within this block `deliver_soon` collects message ids instead of sending them;
    yields that list. The caller passes it to `send_later` once its response is ready
    (a Litestar background task: run after the response has been sent)."""
    ids: list[int] = []
    token = _later.set(ids)
    try:
        yield ids
    finally:
        _later.reset(token)


async def deliver_soon(ids: list[int]) -> DeliveryCounts | None:
    """Deliver these queued messages now, or, inside `deferring()`, note them for
    `send_later` and return None (the messages are stored in the outbox either way)."""
    collecting = _later.get()
    if collecting is None:
        return await deliver(ids)
    collecting.extend(i for i in ids if i not in collecting)
    return None


async def send_later(ids: list[int]) -> None:
    """Deliver what `deferring()` collected: after the response, so nobody waits for it.
    A failure stays in the outbox with its error like any other (deliver records it);
    anything else (the database gone) is logged: the messages then simply stay queued
    for the next `reminders send` or a retry."""
    if not ids:
        return
    try:
        counts = await deliver(list(ids))
    except Exception as exc:
        log.warning("deferred e-mail %s not delivered, left in the outbox: %s", ids, exc)
        return
    if counts.errors:
        log.warning("deferred e-mail %s: %s sent, %s left queued, %s failed: %s", ids, counts.sent,
                    counts.retry_later, counts.failed, "; ".join(counts.errors))


async def _leave_queued(ids: list[int] | None, round_id: int | None, error: str,
                        summary: dict[str, Any]) -> DeliveryCounts:
    async with write_transaction():
        query = OutboxMessage.update({OutboxMessage.last_error: error}).where(OutboxMessage.status == "queued")
        if ids is not None:
            query = query.where(OutboxMessage.id.is_in(ids or [-1]))
        if round_id is not None:
            query = query.where(OutboxMessage.round_id == round_id)
        rows = await query.returning(OutboxMessage.id)
    summary["retry_later"] = len(rows)
    summary["errors"].append(error)
    return DeliveryCounts(**summary)


_MESSAGE_FIELDS = ("id", "kind", "round_id", "unit_code", "recipient", "language", "subject", "status", "attempts",
                   "last_error", "created_at", "created_by", "last_attempt_at", "sent_at")


def _message_view(row: dict[str, Any]) -> OutboxMessageView:
    return OutboxMessageView(**{k: row[k] for k in _MESSAGE_FIELDS})


async def list_outbox(status: str | None = None, round_id: int | None = None, problems: bool = False,
                      limit: int = 100, offset: int = 0, *, actor: Principal) -> tuple[list[OutboxMessageView], int]:
    """The outbox, newest first. `problems`: only messages that failed or whose last try
    failed (queued with an error)."""
    check(actor, Action.REMINDER_READ)
    limit, offset = page_args(limit, offset)
    if status is not None and status not in STATUSES:
        raise Invalid(Text(f"Okänd status {status[:20]!r}", f"unknown status {status[:20]!r}"),
                      [{"field": "status", "message": " | ".join(STATUSES)}])
    query, count = OutboxMessage.select(), OutboxMessage.count()
    conditions = []
    if status is not None:
        conditions.append(OutboxMessage.status == status)
    if round_id is not None:
        conditions.append(OutboxMessage.round_id == round_id)
    if problems:
        conditions.append((OutboxMessage.status == "failed") | (
            (OutboxMessage.status == "queued") & (OutboxMessage.last_error != "")))
    if conditions:
        query, count = query.where(*conditions), count.where(*conditions)
    rows = await query.order_by(OutboxMessage.id, ascending=False).limit(limit).offset(offset)
    return [_message_view(r) for r in rows], await count


async def get_message(message_id: int, *, actor: Principal) -> OutboxMessageText:
    check(actor, Action.REMINDER_READ)
    row = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
    if row is None:
        raise NotFound(Text(f"Meddelande {message_id} finns inte", f"message {message_id} not found"))
    return OutboxMessageText(**{k: row[k] for k in _MESSAGE_FIELDS}, body=row["body"])


async def retry(message_id: int, *, actor: Principal) -> RetryResult:
    """Put a failed (or waiting) message back in the queue and try to send it now."""
    check(actor, Action.REMINDER_SEND)
    async with write_transaction():
        row = await OutboxMessage.select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.unit_code,
                                         OutboxMessage.kind).where(OutboxMessage.id == message_id).first()
        if row is None:
            raise NotFound(Text(f"Meddelande {message_id} finns inte", f"message {message_id} not found"))
        if row["status"] == "sent":
            from survey_engine.errors import Conflict

            raise Conflict(Text("Meddelandet är redan skickat", "the message has already been sent"))
        await OutboxMessage.update({OutboxMessage.status: "queued", OutboxMessage.attempts: 0,
                                    OutboxMessage.claimed_at: None}).where(OutboxMessage.id == message_id)
        await audit.record(actor, "reminder.retry", "mail", message_id, unit=row["unit_code"],
                           details={"kind": row["kind"], "was": row["status"]})
    counts = await deliver([message_id])
    return RetryResult(sent=counts.sent, retry_later=counts.retry_later, failed=counts.failed,
                       errors=counts.errors, message=await get_message(message_id, actor=actor))


async def outbox_counts(round_id: int | None = None) -> OutboxCounts:
    """How many messages are queued, sent, failed, and waiting with an error."""
    out = {}
    for status in STATUSES:
        query = OutboxMessage.count().where(OutboxMessage.status == status)
        if round_id is not None:
            query = query.where(OutboxMessage.round_id == round_id)
        out[status] = await query
    query = OutboxMessage.count().where(OutboxMessage.status == "queued", OutboxMessage.last_error != "")
    if round_id is not None:
        query = query.where(OutboxMessage.round_id == round_id)
    out["waiting_with_error"] = await query
    return OutboxCounts(**out)
