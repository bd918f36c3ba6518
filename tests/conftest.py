"""Test set-up shared by the whole suite.

The database is chosen before any table is used (Piccolo binds tables on first use):
- DATABASE_URL unset: a fresh SQLite file in a temporary folder for this run;
- DATABASE_URL a postgres URL: a fresh database with a unique name is created on that
  server for this run and dropped at the end.
Tests that touch the database take the `db` fixture, which empties every table first,
so tests are isolated from each other on both engines.
"""
from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from pathlib import Path

import pytest

from survey_engine.settings import database_settings, postgres_config

from support import QUESTIONNAIRES, REPO, empty_database  # noqa: E402,F401

_tmp = tempfile.mkdtemp(prefix="survey-engine-tests-")
_settings = database_settings()
_pg_admin_url: str | None = None
_pg_db_name: str | None = None

if _settings.is_postgres:
    import asyncpg

    _pg_admin_url = _settings.url
    _pg_db_name = f"se_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"

    async def _create() -> None:
        conn = await asyncpg.connect(**postgres_config(_pg_admin_url))
        await conn.execute(f'CREATE DATABASE "{_pg_db_name}"')
        await conn.close()

    asyncio.run(_create())
    base, _, _ = _pg_admin_url.rpartition("/")
    os.environ["DATABASE_URL"] = f"{base}/{_pg_db_name}"
else:
    os.environ.pop("DATABASE_URL", None)
    os.environ["SURVEY_ENGINE_SQLITE"] = str(Path(_tmp) / "test.sqlite")

os.environ.setdefault("PICCOLO_CONF", "survey_engine.piccolo_conf")
# Backups are signed (docs/security.md, "Backups"); commands started by tests inherit it.
os.environ.setdefault("BACKUP_SIGNING_KEY", "test-key-" + "0123456789abcdef" * 3)


def pytest_report_header(config) -> str:
    return f"database: {'PostgreSQL ' + str(_pg_db_name) if _pg_db_name else 'SQLite ' + os.environ['SURVEY_ENGINE_SQLITE']}"


def pytest_sessionfinish(session, exitstatus) -> None:
    if _pg_db_name is None:
        return
    import asyncpg

    async def _drop() -> None:
        conn = await asyncpg.connect(**postgres_config(_pg_admin_url))
        await conn.execute(f'DROP DATABASE IF EXISTS "{_pg_db_name}" WITH (FORCE)')
        await conn.close()

    try:
        asyncio.run(_drop())
    except Exception as exc:  # leave a note, never hide the test result
        print(f"\nnote: could not drop test database {_pg_db_name}: {exc}")


@pytest.fixture(scope="session")
async def migrated_db():
    from survey_engine.store.db import migrate

    await migrate()


@pytest.fixture
async def db(migrated_db):
    """An empty, migrated database on the engine of this pass."""
    yield await empty_database()


@pytest.fixture
def reset_database(db):
    """`await reset_database()` empties every table again within a test."""
    return empty_database


@pytest.fixture
def questionnaires_dir() -> Path:
    return QUESTIONNAIRES
