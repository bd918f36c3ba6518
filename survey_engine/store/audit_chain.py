"""The hash chain of the audit log (docs/security.md, "Audit log").

Each event stores `prev_hash` (the `hash` of the event before it, by id; "" for the
first) and `hash` = SHA-256 over prev_hash and the event's fields in one canonical
form. Changing any field of a row breaks its own hash; deleting a row breaks the
next row's prev_hash. `survey-engine audit verify` walks the chain.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any


def _canonical_details(details: Any) -> Any:
    if isinstance(details, (str, bytes)):
        try:
            details = json.loads(details or "{}")
        except ValueError:
            return details  # not JSON: hash the text as it is
    return details


def _iso(at: Any) -> str:
    if isinstance(at, dt.datetime):
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.timezone.utc)
        return at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")
    return str(at)


def event_hash(prev_hash: str, at: Any, actor: str, action: str, object_type: str, object_id: str,
               unit: str | None, details: Any) -> str:
    body = json.dumps(
        [prev_hash or "", _iso(at), actor, action, object_type, object_id, unit, _canonical_details(details)],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def row_hash(row: dict, prev_hash: str) -> str:
    return event_hash(prev_hash, row["at"], row["actor"], row["action"], row["object_type"], row["object_id"],
                      row["unit"], row["details"])
