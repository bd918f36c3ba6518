"""Helpers shared by test modules. Import them from here (`from tests.support import …`),
never from a conftest: several folders have a conftest.py, and which one the name
`conftest` means depends on the order pytest loaded them."""
from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QUESTIONNAIRES = REPO / "questionnaires"


async def empty_database():
    """Empty every table, as in a fresh database, on the engine of this pass."""
    from piccolo.conf.apps import Finder
    from piccolo.table import sort_table_classes

    from survey_engine.store.db import engine, write_transaction

    db = engine()
    # Every table of every Piccolo app in the registry, children before parents.
    tables = list(reversed(sort_table_classes(Finder().get_table_classes())))
    names = ", ".join(f'"{t._meta.tablename}"' for t in tables)
    if db.engine_type == "postgres":
        await db._run_in_new_connection(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    else:
        async with write_transaction():
            for table in tables:
                await table.delete(force=True)
    return db
