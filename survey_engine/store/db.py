"""Database plumbing: migrations, the engine in use, and safe writing transactions."""
from __future__ import annotations

import os
from contextlib import asynccontextmanager
from typing import AsyncIterator

from piccolo.engine import engine_finder


_found: tuple[str | None, object] | None = None


def engine():
    """Piccolo's engine (piccolo_conf.DB). Kept once found: engine_finder imports the
    configuration module on every call, which cost 0.1 ms several times per save."""
    global _found
    conf = os.environ.get("PICCOLO_CONF")
    if _found is not None and _found[0] == conf:
        return _found[1]
    db = engine_finder()
    if db is None:  # pragma: no cover - piccolo_conf always defines DB
        raise RuntimeError("Piccolo found no database engine (PICCOLO_CONF).")
    _found = (conf, db)
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


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """A transaction for code that reads then writes; use it for every write.

    SQLite allows one writer at a time: the engine (store/engine.py) serialises the
    writers of this process, and the transaction starts as IMMEDIATE, so that it takes
    the write lock at once (a DEFERRED transaction that reads then writes fails at once
    under concurrency). PostgreSQL needs neither."""
    db = engine()
    if db.engine_type == "sqlite":
        from piccolo.engine.sqlite import TransactionType

        async with db.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with db.transaction():
            yield


def in_transaction() -> bool:
    return engine().current_transaction.get() is not None


@asynccontextmanager
async def writing() -> AsyncIterator[None]:
    """Join the running write transaction, or open one when there is none.

    write_transaction() takes an in-process lock that is not re-entrant, so code that
    may run inside a caller's transaction (the audit log, for one) uses this instead."""
    if in_transaction():
        yield
    else:
        async with write_transaction():
            yield


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


# ---------------------------------------------------------------- migration bookkeeping

_known: dict[str, list[str]] | None = None

def known_migrations() -> dict[str, list[str]]:
    """app name -> the migration ids this code ships (from each app's migrations folder)."""
    global _known
    if _known is None:
        from piccolo.apps.migrations.commands.base import BaseMigrationManager
        from piccolo.conf.apps import Finder

        manager = BaseMigrationManager()
        registry = Finder().get_app_registry()
        _known = {
            name: manager.get_migration_ids(manager.get_migration_modules(config.migrations_folder_path))
            for name, config in registry.app_configs.items()
        }
    return _known


async def migration_status() -> dict[str, dict[str, list[str]]]:
    """Per app: `pending` (shipped, not run) and `unknown` (run here, not shipped: the
    database was migrated by a newer version). Raises if the database cannot be read."""
    from piccolo.apps.migrations.tables import Migration

    ran: dict[str, set[str]] = {}
    if await Migration.table_exists():
        for row in await Migration.select(Migration.name, Migration.app_name):
            ran.setdefault(row["app_name"], set()).add(row["name"])
    out = {}
    for app, ids in known_migrations().items():
        done = ran.get(app, set())
        out[app] = {"pending": [i for i in ids if i not in done], "unknown": sorted(done - set(ids))}
    return out
