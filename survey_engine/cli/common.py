"""Helpers shared by the command modules: printing problems and exiting with status 2."""
from __future__ import annotations

import sys
from typing import Iterable, NoReturn

import click

from survey_engine.questionnaire.errors import Problem

EXIT_INVALID = 2


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
