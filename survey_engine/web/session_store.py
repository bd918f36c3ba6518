"""A Litestar `Store` over the database session table (services.sessions), so that
every worker process sees the same sessions. It is the app's "sessions" store:

    Litestar(..., stores={"sessions": DatabaseStore()},
             middleware=[ServerSideSessionConfig(...).middleware])
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re

from litestar.stores.base import NamespacedStore

from survey_engine.services import sessions

_NAMESPACE = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")


def _delta(value: int | dt.timedelta | None) -> dt.timedelta | None:
    if not value:
        return None
    return value if isinstance(value, dt.timedelta) else dt.timedelta(seconds=value)


class DatabaseStore(NamespacedStore):
    """Keys live in a namespace ("sessions" by default); `with_namespace("x")` gives the
    child namespace "sessions.x", and `delete_all()` on a parent also empties its children."""

    __slots__ = ()

    def __init__(self, namespace: str = "sessions") -> None:
        if not _NAMESPACE.match(namespace) or len(namespace) > 100:
            raise ValueError(f"bad store namespace {namespace!r}")
        self.namespace = namespace

    def with_namespace(self, namespace: str) -> "DatabaseStore":
        return DatabaseStore(f"{self.namespace}.{namespace}")

    def _key(self, key: str) -> str:
        # Only a SHA-256 of the session id is stored: the id is a live credential, and
        # whoever reads the table (or a copy of it) must not be able to use it.
        full = f"{self.namespace}:{hashlib.sha256(key.encode('utf-8')).hexdigest()}"
        if len(full) > 300:
            raise ValueError("store key too long")
        return full

    async def set(self, key: str, value: str | bytes, expires_in: int | dt.timedelta | None = None) -> None:
        data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        await sessions.put(self._key(key), self.namespace, data, _delta(expires_in))

    async def get(self, key: str, renew_for: int | dt.timedelta | None = None) -> bytes | None:
        return await sessions.fetch(self._key(key), _delta(renew_for))

    async def delete(self, key: str) -> None:
        await sessions.delete(self._key(key))

    async def delete_all(self) -> None:
        await sessions.delete_namespace(self.namespace)

    async def exists(self, key: str) -> bool:
        return await sessions.exists(self._key(key))

    async def expires_in(self, key: str) -> int | None:
        return await sessions.expires_in(self._key(key))

    async def delete_expired(self) -> int:
        return await sessions.delete_expired()
