"""Test set-up shared by the whole suite.

The database is chosen before any table is used (Piccolo binds tables on first use):
- DATABASE_URL unset: a fresh SQLite file in a temporary folder for this run;
- DATABASE_URL a postgres URL: a fresh database with a unique name is created on that
  server for this run and dropped at the end.
Tests that touch the database take the `db` fixture, which empties every table first,
so tests are isolated from each other on both engines.

Markers (docs/architecture.md, "Test suite") are set here, not by hand in each module:
- `db`: the test uses the database of the pass (the `db`/`migrated_db` fixtures or a
  fixture of its own on the pass's engine, `anchor_db`), or lives in a folder whose tests
  start servers on that database (DB_PATHS). scripts/test.sh runs only these on PostgreSQL.
- `browser`: drives Chromium (tests/e2e).
- `slow`: starts real server processes or a browser (SLOW_PATHS).
The PostgreSQL test database is created only when the first `db` test runs, so a
`-m "not db"` run never connects to PostgreSQL (scripts/check_db_marks.sh proves it).
"""
from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from pathlib import Path

import pytest

from survey_engine.settings import database_settings, postgres_config

from tests.support import QUESTIONNAIRES, REPO, empty_database  # noqa: E402,F401

_tmp = tempfile.mkdtemp(prefix="survey-engine-tests-")
_settings = database_settings()
_pg_admin_url: str | None = None
_pg_db_name: str | None = None

if _settings.is_postgres:
    import asyncpg

    _pg_admin_url = _settings.url
    _pg_db_name = f"se_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    base, _, _ = _pg_admin_url.rpartition("/")
    os.environ["DATABASE_URL"] = f"{base}/{_pg_db_name}"
else:
    os.environ.pop("DATABASE_URL", None)
    os.environ["SURVEY_ENGINE_SQLITE"] = str(Path(_tmp) / "test.sqlite")

os.environ.setdefault("PICCOLO_CONF", "survey_engine.piccolo_conf")
# Backups are signed (docs/security.md, "Backups"); commands started by tests inherit it.
os.environ.setdefault("BACKUP_SIGNING_KEY", "test-key-" + "0123456789abcdef" * 3)


_pg_created = False

# Tests here use the pass's database without the `db` fixture (servers in subprocesses,
# the engine's own checks): paths relative to tests/.
DB_PATHS = ("store/", "faults/", "e2e/", "deploy/test_two_processes.py", "deploy/test_backup_restore.py",
            "test_bench_write_path.py")
DB_FIXTURES = {"db", "migrated_db", "reset_database", "anchor_db"}
BROWSER_PATHS = ("e2e/",)
SLOW_PATHS = ("e2e/", "faults/", "deploy/test_two_processes.py", "deploy/test_backup_restore.py",
              "mail/test_deferred_delivery.py",
              "deploy/test_health_settings.py", "test_bench_write_path.py", "security/test_schemathesis.py")
_TESTS = Path(__file__).resolve().parent


def _ensure_pg_database() -> None:
    """Create this run's PostgreSQL database (once), before the first test that needs it."""
    global _pg_created
    if _pg_db_name is None or _pg_created:
        return
    import asyncpg

    async def _create() -> None:
        conn = await asyncpg.connect(**postgres_config(_pg_admin_url))
        await conn.execute(f'CREATE DATABASE "{_pg_db_name}"')
        await conn.close()

    asyncio.run(_create())
    _pg_created = True


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        where = Path(str(item.fspath)).resolve().relative_to(_TESTS).as_posix()
        if DB_FIXTURES.intersection(item.fixturenames) or where.startswith(DB_PATHS):
            item.add_marker(pytest.mark.db)
        if where.startswith(BROWSER_PATHS):
            item.add_marker(pytest.mark.browser)
        if where.startswith(SLOW_PATHS):
            item.add_marker(pytest.mark.slow)


def pytest_runtest_setup(item) -> None:
    if item.get_closest_marker("db") is not None:
        _ensure_pg_database()


_selected: list = []


def pytest_collection_finish(session) -> None:
    _selected[:] = session.items


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """How many of the selected tests carry each marker (scripts/test.sh prints it per pass)."""
    items = _selected
    counts = {name: sum(1 for i in items if i.get_closest_marker(name)) for name in ("db", "browser", "slow")}
    engine = "SQLite" if _pg_db_name is None else "PostgreSQL" if _pg_created else "PostgreSQL (never connected)"
    terminalreporter.write_line(
        f"{engine} pass: {len(items)} tests selected; marked db {counts['db']}, "
        f"browser {counts['browser']}, slow {counts['slow']}")


def pytest_report_header(config) -> str:
    return f"database: {'PostgreSQL ' + str(_pg_db_name) if _pg_db_name else 'SQLite ' + os.environ['SURVEY_ENGINE_SQLITE']}"


def pytest_sessionfinish(session, exitstatus) -> None:
    if _pg_db_name is None or not _pg_created:
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

    _ensure_pg_database()
    await migrate()


@pytest.fixture
async def db(migrated_db):
    """An empty, migrated database on the engine of this pass."""
    yield await empty_database()


@pytest.fixture
async def client_as(db):
    """`await client_as("planner", ["a"])` -> an AsyncTestClient with a new user's bearer
    token (of that role, bound to those units); the one client helper of the API tests
    (tests/helpers/auth.py, `bearer_clients`)."""
    from tests.helpers.auth import bearer_clients

    async with bearer_clients() as make:
        yield make


@pytest.fixture
def reset_database(db):
    """`await reset_database()` empties every table again within a test."""
    return empty_database


@pytest.fixture
def questionnaires_dir() -> Path:
    return QUESTIONNAIRES
