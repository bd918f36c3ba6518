"""`survey-engine backup FILE` and `survey-engine restore FILE` (the format and the
rules are in survey_engine.store.backup)."""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import IO

import click

from survey_engine.cli.common import fail
from survey_engine.store.backup import BackupError, read_backup, restore_backup, write_backup
from survey_engine.store.db import migration_status


# ---------------------------------------------------------------- commands

def _where() -> str:
    from survey_engine.settings import database_settings

    s = database_settings()
    return "PostgreSQL" if s.is_postgres else f"SQLite ({s.sqlite_path})"


def _run_backup(out: IO[str]) -> dict[str, int]:
    """Back up without migrating first: a backup taken before an upgrade must show the
    database as it was. A database that this version would still migrate is refused."""
    async def go() -> dict[str, int]:
        status = await migration_status()
        pending = {app: s["pending"] for app, s in status.items() if s["pending"]}
        if pending:
            fail(f"databasen är inte migrerad till den här versionen / the database is not migrated to this "
                 f"version ({sum(map(len, pending.values()))} migrations pending): back it up with the version "
                 f"that runs it, or run `survey-engine db migrate` first ({_where()})")
        counts = await write_backup(out)
        await _audit("backup.create", {"rows": sum(counts.values())})
        return counts

    return _database_call(go)


async def _audit(action: str, details: dict) -> None:
    """Backups and restores are audit events (docs/security.md, "Audit log")."""
    from survey_engine.services import audit
    from survey_engine.services.access import system_actor

    await audit.record(system_actor(), action, "database", "-", details=details)


def _database_call(make):
    """Run a coroutine; a database that cannot be reached or read is one sentence, exit 2."""
    try:
        return asyncio.run(make())
    except (BackupError, OSError) as exc:
        fail(f"{exc} ({_where()})")
    except Exception as exc:  # asyncpg / sqlite3 errors share no base class
        fail(f"databasfel / database error ({_where()}): {type(exc).__name__}: {exc}")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
def backup_command(file: str) -> None:
    """Skriv hela databasen till FILE (JSON lines; - = standard ut).

    Write the whole database to FILE as JSON lines (- for standard output): every
    table of every app, ids kept, readable by `survey-engine restore` on SQLite or
    PostgreSQL. Safe while the server runs (one consistent snapshot).
    """
    if file == "-":
        counts = _run_backup(sys.stdout)
    else:
        path = Path(file)
        tmp = path.with_name(path.name + ".partial")
        try:
            # Readable by its owner only (0600), whatever the umask: the file holds every
            # answer and every password hash (docs/security.md, "Backups").
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.fchmod(fd, 0o600)
            with open(fd, "w", encoding="utf-8", newline="\n") as out:
                counts = _run_backup(out)
            tmp.replace(path)  # only a complete backup gets the real name
        except OSError as exc:
            fail(f"Kan inte skriva / cannot write {file}: {exc.strerror}")
        finally:
            if tmp.exists():
                tmp.unlink()
    click.echo(f"Säkerhetskopia / backup: {sum(counts.values())} rader / rows in {len(counts)} tabeller / "
               f"tables from {_where()} -> {file}", err=True)


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--force", is_flag=True, help="töm en databas med data först / empty a database that holds data first")
def restore_command(file: str, force: bool) -> None:
    """Läs in en säkerhetskopia i en ny databas.

    Restore a backup made by `survey-engine backup` into the database of
    DATABASE_URL (migrated first). Refuses a database that already holds data unless
    --force, which replaces everything in it. All or nothing.
    """
    try:
        if file == "-":
            header, rows = read_backup(iter(sys.stdin), "<stdin>")
        else:
            with open(file, encoding="utf-8") as handle:
                header, rows = read_backup(iter(handle), file)
    except OSError as exc:
        fail(f"Kan inte läsa / cannot read {file}: {exc.strerror}")
    except UnicodeDecodeError:
        fail(f"{file}: inte UTF-8-text / not UTF-8 text")
    except BackupError as exc:
        fail(str(exc))

    async def go() -> dict[str, int]:
        from survey_engine.cli.common import migrate_quietly

        await migrate_quietly()  # the target gets every table of this version first
        counts = await restore_backup(header, rows, force=force, report=report)
        await _audit("backup.restore", {"rows": sum(counts.values()), "source": header.get("source"),
                                        "created_at": header.get("created_at"), **report})
        return counts

    report: dict = {}
    counts = _database_call(go)
    click.echo(f"Återläst / restored: {sum(counts.values())} rader / rows in {len(counts)} tabeller / tables "
               f"from {file} ({header.get('source')}, {header.get('created_at')}) into {_where()}")
    if report.get("evidence_files_removed"):
        click.echo(f"Borttaget ur underlagsmappen / removed from the evidence folder: "
                   f"{report['evidence_files_removed']} filer från den ersatta databasen / files of the replaced data")
    for problem in report.get("evidence_files_not_removed") or []:
        click.echo(f"Kunde inte ta bort / could not remove: {problem}", err=True)


def register(main: click.Group) -> None:
    main.add_command(backup_command)
    main.add_command(restore_command)
