"""Hand-written SQL on the running transaction's connection, for the hot write path.

Piccolo's query builder cost about as much per autosave as the statements themselves
(docs/benchmarks.md, "Write path"), so the save (services/responses.py) runs a few
fixed statements directly on the driver of the transaction it is in: aiosqlite on
SQLite, asyncpg on PostgreSQL. Statements are written once with `{}` for each
parameter and turned into `?` or `$n` per engine (cached). Only for statements whose
text is fixed in code: parameters are always bound, never formatted into the text.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from survey_engine.store.db import engine


@lru_cache(maxsize=256)
def _compile(sql: str, postgres: bool) -> str:
    if not postgres:
        return sql.replace("{}", "?")
    parts = sql.split("{}")
    return "".join(p + (f"${i + 1}" if i < len(parts) - 1 else "") for i, p in enumerate(parts))


def _connection():
    db = engine()
    txn = db.current_transaction.get()
    return db.engine_type == "postgres", (txn.connection if txn is not None else None)


async def fetch(sql: str, *args: Any) -> list[dict[str, Any]]:
    """Rows as dicts. Outside a transaction through the engine (a kept or pooled
    connection); inside one directly on the transaction's connection."""
    postgres, connection = _connection()
    if connection is None:
        from piccolo.querystring import QueryString

        qs = QueryString(sql, *args)
        qs.query_type = "select" if sql.lstrip()[:6].upper() == "SELECT" else "raw"
        return [dict(r) for r in await engine().run_querystring(qs)]
    text = _compile(sql, postgres)
    if postgres:
        return [dict(r) for r in await connection.fetch(text, *args)]
    return await connection.execute_fetchall(text, args)  # one round trip; the row factory makes dicts


async def execute(sql: str, *args: Any) -> None:
    """Run a statement inside the running transaction (store.db.write_transaction)."""
    postgres, connection = _connection()
    if connection is None:
        raise RuntimeError("store.sql.execute runs inside a transaction (store.db.write_transaction)")
    text = _compile(sql, postgres)
    if postgres:
        await connection.execute(text, *args)
    else:
        await connection.execute_fetchall(text, args)  # one round trip to the connection's thread


def is_postgres() -> bool:
    return engine().engine_type == "postgres"


async def batch(statements: list[tuple[str, tuple]]) -> list[list[dict[str, Any]]]:
    """Run statements in order inside the running transaction; the rows of each.

    On SQLite all of them go to the connection's thread in **one** round trip (each
    round trip is a thread wake-up, which under load costs more than the statement);
    on PostgreSQL they run one after the other on the transaction's connection."""
    postgres, connection = _connection()
    if connection is None:
        raise RuntimeError("store.sql.batch runs inside a transaction (store.db.write_transaction)")
    if postgres:
        return [[dict(r) for r in await connection.fetch(_compile(text, True), *args)] for text, args in statements]
    compiled = [(_compile(text, False), args) for text, args in statements]
    run_in_thread = getattr(connection, "_execute", None)  # aiosqlite 0.22 (pinned in pyproject.toml)
    if run_in_thread is None:  # pragma: no cover - another aiosqlite: one round trip each
        return [await connection.execute_fetchall(text, args) for text, args in compiled]

    def run() -> list[list[dict[str, Any]]]:
        handle = connection._conn  # the sqlite3 connection, used only on its own thread
        return [handle.execute(text, args).fetchall() for text, args in compiled]

    return await run_in_thread(run)
