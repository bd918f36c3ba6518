"""Database plumbing: migrations, the engine in use, and safe writing transactions."""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import AsyncIterator

from piccolo.engine import engine_finder


def engine():
    db = engine_finder()
    if db is None:  # pragma: no cover - piccolo_conf always defines DB
        raise RuntimeError("Piccolo found no database engine (PICCOLO_CONF).")
    return db


def is_sqlite() -> bool:
    return engine().engine_type == "sqlite"


async def migrate() -> None:
    """Bring the database up to date with every migration (idempotent)."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    if is_sqlite():
        # WAL lets readers proceed while one writer writes; it persists in the file.
        await engine()._run_in_new_connection("PRAGMA journal_mode=WAL;")
    result = await run_forwards(app_name="all", migration_id="all", fake=False)
    if not result.success:
        raise RuntimeError(f"database migration failed: {result.message}")


# SQLite allows one writer at a time. Serialising our own writers in-process, and
# starting every writing transaction as IMMEDIATE, avoids "database is locked"
# (see notes/stack.md); PostgreSQL needs neither, but the lock is harmless there.
_write_lock: asyncio.Lock | None = None
_write_lock_loop: asyncio.AbstractEventLoop | None = None


def _lock() -> asyncio.Lock:
    global _write_lock, _write_lock_loop
    loop = asyncio.get_running_loop()
    if _write_lock is None or _write_lock_loop is not loop:
        _write_lock, _write_lock_loop = asyncio.Lock(), loop
    return _write_lock


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """A transaction for code that reads then writes; use it for every write."""
    db = engine()
    if db.engine_type == "sqlite":
        from piccolo.engine.sqlite import TransactionType

        async with _lock():
            async with db.transaction(transaction_type=TransactionType.immediate):
                yield
    else:
        async with db.transaction():
            yield
