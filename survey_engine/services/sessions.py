"""Server-side sessions kept in the database (table auth_session), so that every
worker process sees the same sessions. `web.session_store.DatabaseStore` adapts these
functions to Litestar's store interface.

Keys are "namespace:key"; a namespace may have children ("sessions.x").
"""
from __future__ import annotations

import datetime as dt

from survey_engine import clock
from survey_engine.store.auth_tables import SessionRecord
from survey_engine.store.db import writing


def _expired(row: dict, now: dt.datetime) -> bool:
    return row["expires_at"] is not None and row["expires_at"] <= now


async def put(key: str, namespace: str, data: bytes, expires_in: dt.timedelta | None) -> None:
    expires_at = clock.now() + expires_in if expires_in else None
    async with writing():
        # An upsert: two workers setting the same key at once must not collide.
        await SessionRecord.insert(
            SessionRecord(key=key, namespace=namespace, data=data, expires_at=expires_at)
        ).on_conflict(
            target=SessionRecord.key,
            action="DO UPDATE",
            values=[SessionRecord.data, SessionRecord.expires_at, SessionRecord.namespace],
        )


async def _row(key: str) -> dict | None:
    return await SessionRecord.select(SessionRecord.data, SessionRecord.expires_at).where(
        SessionRecord.key == key
    ).first()


async def fetch(key: str, renew_for: dt.timedelta | None = None) -> bytes | None:
    """The stored data, or None when absent or expired (an expired entry is deleted)."""
    row = await _row(key)
    if row is None:
        return None
    now = clock.now()
    if _expired(row, now):
        await delete(key)
        return None
    if renew_for and row["expires_at"] is not None:
        async with writing():
            await SessionRecord.update({SessionRecord.expires_at: now + renew_for}).where(SessionRecord.key == key)
    return bytes(row["data"])


async def delete(key: str) -> None:
    async with writing():
        await SessionRecord.delete().where(SessionRecord.key == key)


async def delete_namespace(namespace: str) -> None:
    """Delete every entry of `namespace` and of its child namespaces."""
    async with writing():
        await SessionRecord.delete().where(
            (SessionRecord.namespace == namespace)
            # Child namespaces: "ns." up to (not including) "ns/" ('/' follows '.').
            | ((SessionRecord.namespace >= namespace + ".") & (SessionRecord.namespace < namespace + "/"))
        )


async def exists(key: str) -> bool:
    row = await _row(key)
    return row is not None and not _expired(row, clock.now())


async def expires_in(key: str) -> int | None:
    row = await _row(key)
    if row is None or row["expires_at"] is None:
        return None
    seconds = int((row["expires_at"] - clock.now()).total_seconds())
    return seconds if seconds > 0 else None


async def delete_expired() -> int:
    """Remove expired entries of every namespace; returns how many."""
    now = clock.now()
    async with writing():
        expired = await SessionRecord.count().where(SessionRecord.expires_at <= now)
        await SessionRecord.delete().where(SessionRecord.expires_at <= now)
    return expired
