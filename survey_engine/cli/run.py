"""`survey-engine run`: what the README's run command starts."""
from __future__ import annotations

from pathlib import Path

import click

QUESTIONNAIRES = Path(__file__).resolve().parents[2] / "questionnaires"


@click.command("run")
def run_command() -> None:
    """Validate and summarise the shipped questionnaires (the web server comes later)."""
    from survey_engine.questionnaire.load import load_questionnaire
    from survey_engine.questionnaire.errors import QuestionnaireError

    files = sorted(QUESTIONNAIRES.glob("*/*.yaml"))
    if not files:
        raise click.ClickException(f"no questionnaires found under {QUESTIONNAIRES}")
    bad = 0
    for path in files:
        try:
            q = load_questionnaire(path)
        except QuestionnaireError as exc:
            bad += 1
            click.echo(f"{path}: INVALID", err=True)
            for p in exc.problems:
                click.echo(f"  {p}", err=True)
            continue
        n = sum(1 for _ in q.questions())
        click.echo(f"{q.id} {q.version}: {len(q.areas)} områden, {n} frågor, {q.hash}")
    if bad:
        raise SystemExit(2)


def register(main: click.Group) -> None:
    main.add_command(run_command)
