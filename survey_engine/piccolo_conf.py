"""Piccolo configuration: PostgreSQL when DATABASE_URL is a postgres URL, else SQLite."""
from piccolo.conf.apps import AppRegistry

from survey_engine.settings import database_settings, postgres_config

_settings = database_settings()

if _settings.is_postgres:
    from survey_engine.store.engine import ReleasingPostgresEngine

    # Piccolo's PostgresEngine, with transactions that always give their connection
    # back to the pool, also when cancelled (store/engine.py).
    DB = ReleasingPostgresEngine(config=postgres_config(_settings.url))
else:
    from survey_engine.store.engine import KeptSQLiteEngine

    _settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    # Connections kept open per process (store/engine.py); a busy timeout lets the
    # writers of other processes wait instead of failing with "database is locked";
    # the writers of one process are serialised by the engine.
    DB = KeptSQLiteEngine(path=str(_settings.sqlite_path), busy_timeout_ms=30_000)

APP_REGISTRY = AppRegistry(apps=["survey_engine.store.piccolo_app", "survey_engine.store.auth_app"])
