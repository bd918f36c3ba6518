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
    async with connection.execute(text, args) as cursor:
        return await cursor.fetchall()  # the engine's row factory makes dicts


async def execute(sql: str, *args: Any) -> None:
    """Run a statement inside the running transaction (store.db.write_transaction)."""
    postgres, connection = _connection()
    if connection is None:
        raise RuntimeError("store.sql.execute runs inside a transaction (store.db.write_transaction)")
    text = _compile(sql, postgres)
    if postgres:
        await connection.execute(text, *args)
    else:
        async with connection.execute(text, args):
            pass


def is_postgres() -> bool:
    return engine().engine_type == "postgres"
