"""The audit log: an append-only record of every state-changing action.

Services call `record(...)` inside the write transaction of the change they make, so
that the change and its audit event are committed together or not at all. This module
offers no way to change or delete an event.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, AsyncIterator

from survey_engine.services.policy import Principal
from survey_engine.store.auth_tables import AuditEvent
from survey_engine.exports import csv_text
from survey_engine.store.audit_chain import event_hash, row_hash
from survey_engine.store.db import engine, writing
from survey_engine import clock

MAX_LIMIT = 1000
CHAIN_LOCK = 7_140_014  # the advisory lock id of the audit chain (PostgreSQL)



def actor_name(actor: Principal | str) -> str:
    return actor.username if isinstance(actor, Principal) else str(actor)


def event_row(actor: Principal | str, action: str, object_type: str, object_id: Any, unit: str | None = None,
              details: dict[str, Any] | None = None) -> AuditEvent:
    """The event `record` appends (also for writers that batch their statements)."""
    details = dict(details or {})
    if isinstance(actor, Principal) and actor.via == "token":
        # Which token acted, so a leaked token's doings can be traced and undone.
        details.setdefault("via_token", actor.token_id)
    row = AuditEvent(
        at=clock.now(),
        actor=actor_name(actor)[:150],
        action=action[:64],
        object_type=object_type[:64],
        object_id=str(object_id)[:200],
        unit=unit,
        details=json.dumps(details, ensure_ascii=False, sort_keys=True, default=str),
    )
    return row


_INSERT = ("INSERT INTO auth_audit_event (at, actor, action, object_type, object_id, unit, details, prev_hash, hash) "
           "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {})")
# Run inside the writing transaction just before `insert_statement`: takes the chain's
# turn (PostgreSQL: the advisory lock `record` takes; SQLite serialises writers) and
# reads the hash the new event chains to.
CHAIN_HEAD_SQL = "SELECT hash FROM auth_audit_event ORDER BY id DESC LIMIT 1"


def chain_head_statements(postgres: bool) -> list[tuple[str, tuple]]:
    """Statements for store.sql.batch whose last result is the chain's head (zero or
    one row with `hash`)."""
    lock = [(f"SELECT pg_advisory_xact_lock({CHAIN_LOCK})", ())] if postgres else []
    return [*lock, (CHAIN_HEAD_SQL, ())]


def insert_statement(actor: Principal | str, action: str, object_type: str, object_id: Any,
                     unit: str | None = None, details: dict[str, Any] | None = None,
                     *, prev_hash: str) -> tuple[str, tuple]:
    """(SQL, parameters) appending the event chained to `prev_hash` (from
    `chain_head_statements`), for store.sql.batch: the autosave writes its changes and
    their audit event in one round trip (docs/benchmarks.md, "Write path"). Same row and hash as `record`."""
    row = event_row(actor, action, object_type, object_id, unit, details)
    digest = event_hash(prev_hash, row.at, row.actor, row.action, row.object_type, row.object_id,
                        row.unit, row.details)
    return _INSERT, (row.at, row.actor, row.action, row.object_type, row.object_id, row.unit, row.details,
                     prev_hash, digest)


async def record(
    actor: Principal | str,
    action: str,
    object_type: str,
    object_id: Any,
    unit: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one event. Inside a transaction it joins that transaction; outside one it
    writes in a transaction of its own. `details` must be JSON-serialisable (dates and
    other objects are written with str())."""
    row = event_row(actor, action, object_type, object_id, unit, details)
    async with writing():
        # The hash chain (store/audit_chain.py): events are chained one at a time. On
        # PostgreSQL a transaction-scoped advisory lock queues concurrent writers until
        # the previous one commits; SQLite serialises writers anyway.
        head: list[dict[str, Any]] = []
        for sql, args in chain_head_statements(engine().engine_type == "postgres"):
            head = await AuditEvent.raw(sql, *args)
        row.prev_hash = head[0]["hash"] if head else ""
        row.hash = event_hash(row.prev_hash, row.at, row.actor, row.action, row.object_type, row.object_id,
                              row.unit, row.details)
        await AuditEvent.insert(row)


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None  # exact, or a prefix ending in "." ("user." = every user.* action)
    object_type: str | None = None
    object_id: str | None = None
    unit: str | None = None
    since: dt.datetime | None = None  # inclusive
    until: dt.datetime | None = None  # exclusive
    actions: tuple[str, ...] | None = None  # any of these exact codes (the pages' word search)


@dataclass(frozen=True)
class Event:
    id: int
    at: dt.datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    unit: str | None
    details: dict[str, Any] = field(default_factory=dict)


def _where(query, filters: AuditFilter):
    if filters.actor is not None:
        query = query.where(AuditEvent.actor == filters.actor)
    if filters.action is not None:
        if filters.action.endswith("."):
            prefix = filters.action
            # A range instead of LIKE: no wildcard characters to escape.
            query = query.where(AuditEvent.action >= prefix).where(AuditEvent.action < prefix[:-1] + "/")
        else:
            query = query.where(AuditEvent.action == filters.action)
    if filters.actions is not None:
        query = query.where(AuditEvent.action.is_in(list(filters.actions) or ["-"]))
    if filters.object_type is not None:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id is not None:
        query = query.where(AuditEvent.object_id == filters.object_id)
    if filters.unit is not None:
        query = query.where(AuditEvent.unit == filters.unit)
    if filters.since is not None:
        query = query.where(AuditEvent.at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEvent.at < filters.until)
    return query


def _event(row: dict) -> Event:
    details = row["details"]
    if isinstance(details, str):
        details = json.loads(details or "{}")
    return Event(
        id=row["id"], at=row["at"], actor=row["actor"], action=row["action"],
        object_type=row["object_type"], object_id=row["object_id"], unit=row["unit"],
        details=details,
    )


async def list_events(filters: AuditFilter | None = None, limit: int = 100, offset: int = 0) -> list[Event]:
    """Events matching `filters`, newest first."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
    if offset < 0:
        raise ValueError("offset must not be negative")
    query = _where(AuditEvent.select(), filters or AuditFilter())
    rows = await query.order_by(AuditEvent.id, ascending=False).limit(limit).offset(offset)
    return [_event(row) for row in rows]


async def count_events(filters: AuditFilter | None = None) -> int:
    return await _where(AuditEvent.count(), filters or AuditFilter())


CSV_HEADER = ("id", "at", "actor", "action", "object_type", "object_id", "unit", "details")


async def iter_events(filters: AuditFilter | None = None, batch: int = 500) -> AsyncIterator[Event]:
    """Every matching event, oldest first, read in batches (for exports)."""
    last_id = 0
    while True:
        query = _where(AuditEvent.select(), filters or AuditFilter()).where(AuditEvent.id > last_id)
        rows = await query.order_by(AuditEvent.id).limit(batch)
        if not rows:
            return
        for row in rows:
            yield _event(row)
        last_id = rows[-1]["id"]


async def export_events_csv(filters: AuditFilter | None = None, actor: Principal | str | None = None) -> str:
    """The matching events as CSV, oldest first, every cell neutralised against
    spreadsheet formulas (an actor or object id is text someone typed)."""
    rows = []
    async for event in iter_events(filters):
        rows.append(
            (
                event.id,
                event.at.astimezone(dt.timezone.utc).isoformat(),
                event.actor,
                event.action,
                event.object_type,
                event.object_id,
                event.unit,
                json.dumps(event.details, ensure_ascii=False, sort_keys=True),
            )
        )
    if actor is not None:  # who took a copy of the log is itself an event
        await record(actor, "audit.export", "audit", "-", details={"events": len(rows)})
    return csv_text(CSV_HEADER, rows)


@dataclass(frozen=True)
class ChainReport:
    """The result of `verify_chain()`: `ok`, how many events were checked, and for the
    first broken link the event id and what is wrong."""
    ok: bool
    checked: int
    broken_at: int | None = None
    problem: str = ""


async def verify_chain() -> ChainReport:
    """Walk the audit log in id order and report the first broken link: a row whose
    fields no longer give its hash (changed), or whose prev_hash is not the hash of the
    row before it (a row deleted or inserted). Deleting the newest rows cannot be seen
    from the log itself; compare `audit verify`'s count and last hash with a copy."""
    prev = ""
    checked = 0
    last_id = 0
    while True:
        rows = await AuditEvent.select(
            AuditEvent.id, AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.object_type,
            AuditEvent.object_id, AuditEvent.unit, AuditEvent.details, AuditEvent.prev_hash, AuditEvent.hash,
        ).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(MAX_LIMIT)
        if not rows:
            return ChainReport(True, checked, problem=prev)
        for row in rows:
            if row["prev_hash"] != prev:
                return ChainReport(False, checked, row["id"],
                                   "prev_hash passar inte föregående händelse: en händelse före denna är borttagen "
                                   "eller ändrad / prev_hash does not match the event before: an event before this "
                                   "one was deleted or altered")
            if row_hash(row, prev) != row["hash"]:
                return ChainReport(False, checked, row["id"],
                                   "händelsen är ändrad (dess hash stämmer inte) / the event was changed (its hash "
                                   "does not match)")
            prev, last_id = row["hash"], row["id"]
            checked += 1
