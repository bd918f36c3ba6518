"""A Litestar `Store` kept in the database (table auth_session), so that every worker
process sees the same sessions. Use it as the "sessions" store of the app:

    Litestar(..., stores={"sessions": DatabaseStore()},
             middleware=[ServerSideSessionConfig(...).middleware])

ServerSideSessionConfig looks its store up by name (`store="sessions"` by default) in
the app's store registry.
"""
from __future__ import annotations

import datetime as dt
import re

from litestar.stores.base import NamespacedStore

from survey_engine.auth.tables import SessionRecord
from survey_engine.auth._tx import writing

_NAMESPACE = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _seconds(value: int | dt.timedelta) -> dt.timedelta:
    return value if isinstance(value, dt.timedelta) else dt.timedelta(seconds=value)


class DatabaseStore(NamespacedStore):
    """Key/value store over the SessionRecord table. Keys live in a namespace
    ("sessions" by default); `with_namespace("x")` gives the child namespace
    "sessions.x", and `delete_all()` on a parent also empties its children."""

    __slots__ = ()

    def __init__(self, namespace: str = "sessions") -> None:
        if not _NAMESPACE.match(namespace) or len(namespace) > 100:
            raise ValueError(f"bad store namespace {namespace!r}")
        self.namespace = namespace

    def with_namespace(self, namespace: str) -> "DatabaseStore":
        return DatabaseStore(f"{self.namespace}.{namespace}")

    def _key(self, key: str) -> str:
        full = f"{self.namespace}:{key}"
        if len(full) > 300:
            raise ValueError("store key too long")
        return full

    async def set(self, key: str, value: str | bytes, expires_in: int | dt.timedelta | None = None) -> None:
        data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        expires_at = _now() + _seconds(expires_in) if expires_in else None
        full = self._key(key)
        async with writing():
            # An upsert: two workers setting the same key at once must not collide.
            await SessionRecord.insert(
                SessionRecord(key=full, namespace=self.namespace, data=data, expires_at=expires_at)
            ).on_conflict(
                target=SessionRecord.key,
                action="DO UPDATE",
                values=[SessionRecord.data, SessionRecord.expires_at, SessionRecord.namespace],
            )

    async def _row(self, key: str) -> dict | None:
        return (
            await SessionRecord.select(SessionRecord.data, SessionRecord.expires_at)
            .where(SessionRecord.key == self._key(key))
            .first()
        )

    @staticmethod
    def _expired(row: dict, now: dt.datetime) -> bool:
        return row["expires_at"] is not None and row["expires_at"] <= now

    async def get(self, key: str, renew_for: int | dt.timedelta | None = None) -> bytes | None:
        row = await self._row(key)
        if row is None:
            return None
        now = _now()
        if self._expired(row, now):
            await self.delete(key)
            return None
        if renew_for and row["expires_at"] is not None:
            async with writing():
                await SessionRecord.update({SessionRecord.expires_at: now + _seconds(renew_for)}).where(
                    SessionRecord.key == self._key(key)
                )
        return bytes(row["data"])

    async def delete(self, key: str) -> None:
        async with writing():
            await SessionRecord.delete().where(SessionRecord.key == self._key(key))

    async def delete_all(self) -> None:
        async with writing():
            await SessionRecord.delete().where(
                (SessionRecord.namespace == self.namespace)
                # Child namespaces: "ns." up to (not including) "ns/" ('/' follows '.').
                | ((SessionRecord.namespace >= self.namespace + ".") & (SessionRecord.namespace < self.namespace + "/"))
            )

    async def exists(self, key: str) -> bool:
        row = await self._row(key)
        return row is not None and not self._expired(row, _now())

    async def expires_in(self, key: str) -> int | None:
        row = await self._row(key)
        if row is None or row["expires_at"] is None:
            return None
        seconds = int((row["expires_at"] - _now()).total_seconds())
        return seconds if seconds > 0 else None

    async def delete_expired(self) -> int:
        """Remove expired entries of every namespace; returns how many. Expired entries
        are never served anyway; this only keeps the table small (run it now and then,
        e.g. from a periodic task or on start-up)."""
        now = _now()
        async with writing():
            expired = await SessionRecord.count().where(SessionRecord.expires_at <= now)
            await SessionRecord.delete().where(SessionRecord.expires_at <= now)
        return expired
