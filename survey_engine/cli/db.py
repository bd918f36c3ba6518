"""`survey-engine db …`: database maintenance."""
from __future__ import annotations

import asyncio

import click


@click.group("db")
def db_group() -> None:
    """Database: migrations and status."""


@db_group.command("migrate")
def migrate_command() -> None:
    """Create or update every table (safe to run again)."""
    from survey_engine.settings import database_settings
    from survey_engine.store.db import migrate

    settings = database_settings()
    asyncio.run(migrate())
    where = "PostgreSQL" if settings.is_postgres else f"SQLite ({settings.sqlite_path})"
    click.echo(f"Databasen är uppdaterad / database is up to date: {where}")


def register(main: click.Group) -> None:
    main.add_command(db_group)
