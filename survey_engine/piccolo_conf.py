"""Piccolo configuration: PostgreSQL when DATABASE_URL is a postgres URL, else SQLite."""
from piccolo.conf.apps import AppRegistry

from survey_engine.settings import database_settings, postgres_config

_settings = database_settings()

if _settings.is_postgres:
    from piccolo.engine.postgres import PostgresEngine

    DB = PostgresEngine(config=postgres_config(_settings.url))
else:
    from piccolo.engine.sqlite import SQLiteEngine

    _settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    # A busy timeout lets concurrent writers wait instead of failing with
    # "database is locked"; writes are also serialised in-process (store.db).
    DB = SQLiteEngine(path=str(_settings.sqlite_path), timeout=30)

APP_REGISTRY = AppRegistry(apps=["survey_engine.store.piccolo_app", "survey_engine.store.auth_app"])
