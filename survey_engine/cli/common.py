"""Helpers shared by the command modules: printing problems and exiting with status 2."""
from __future__ import annotations

import asyncio
import contextlib
import io
import json
import sys
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterable, NoReturn, TypeVar

import click

from survey_engine.errors import AppError
from survey_engine.questionnaire.errors import Problem

EXIT_INVALID = 2
MAX_INPUT_FILE = 20_000_000  # bytes; an input file (audit, indicator values) larger than this is refused
T = TypeVar("T")


def fail(message: str) -> NoReturn:
    """Print one clear message on standard error and exit with status 2."""
    click.echo(f"fel/error: {message}", err=True)
    sys.exit(EXIT_INVALID)


def fail_problems(problems: Iterable[Problem], what: str = "") -> NoReturn:
    problems = list(problems)
    if what:
        click.echo(f"{what}: {len(problems)} fel/errors", err=True)
    for problem in problems:
        click.echo(f"  {problem}", err=True)
    sys.exit(EXIT_INVALID)


def fail_app(exc: AppError) -> NoReturn:
    """Print a service error with one line per offending field or question (and its line
    in the input file, where known), then exit with status 2."""
    click.echo(f"fel/error: {exc.message}", err=True)
    for err in exc.errors:
        where = str(err.get("question") or err.get("field") or "")
        if err.get("line") is not None:
            where = f"{where} (rad/line {err['line']})".strip()
        message = err.get("message", "")
        click.echo(f"  {where}: {message}" if where else f"  {message}", err=True)
    sys.exit(EXIT_INVALID)


def cli_actor():
    """Who is acting: a trusted local administrator named `cli:<$SURVEY_ENGINE_USER or
    the operating-system user>`; that name goes into the history and the audit log."""
    from survey_engine.services.access import system_actor  # services load the ORM; keep --help fast

    return system_actor()


async def migrate_quietly() -> None:
    from survey_engine.store.db import migrate  # loads Piccolo; keep --help fast

    with contextlib.redirect_stdout(io.StringIO()):
        await migrate()


def run_db(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine against a migrated database; service errors exit 2 with a clear message."""

    async def go() -> T:
        await migrate_quietly()
        return await make()

    try:
        return asyncio.run(go())
    except AppError as exc:
        fail_app(exc)


def read_input_file(path: str) -> bytes:
    """The bytes of an input file named on the command line, or a clear message and exit 2."""
    p = Path(path)
    try:
        if p.is_dir():
            raise OSError("is a folder / är en mapp")
        if p.stat().st_size > MAX_INPUT_FILE:
            raise OSError("too large / för stor")
        return p.read_bytes()
    except OSError as exc:
        fail(f"{path}: filen kan inte läsas / the file cannot be read ({exc.strerror or exc})")


def read_input_text(path: str) -> str:
    """The UTF-8 text of an input file named on the command line (the same checks as a
    questionnaire file: exists, not a folder, not too large, UTF-8), or a clear message
    naming the file and exit 2."""
    from survey_engine.questionnaire.errors import QuestionnaireError
    from survey_engine.questionnaire.load import read_text_file  # YAML loader; keep --help fast

    try:
        return read_text_file(path)
    except QuestionnaireError as exc:
        fail("\n".join(str(p) for p in exc.problems))


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
