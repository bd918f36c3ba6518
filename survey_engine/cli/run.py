"""`survey-engine run`: what the README's run command (`make run`) starts."""
from __future__ import annotations

import os
from pathlib import Path

import click

QUESTIONNAIRES = Path(__file__).resolve().parents[2] / "questionnaires"


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True, help="adress / address")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="port")
@click.option("--no-demo", is_flag=True, help="läs inte in demodata i en tom databas / no demo data in an empty database")
def run_command(host: str, port: int, no_demo: bool) -> None:
    """Sätt upp databasen, läs in demodata om den är tom och starta webbservern.

    Set up the database, load the demo data if it is empty, and start the web server.
    """
    from survey_engine.cli.common import run_db
    from survey_engine.cli.serve import serve_app
    from survey_engine.services.demo import database_is_empty, demo_logins, load_demo
    from survey_engine.settings import database_settings

    settings = database_settings()
    where = "PostgreSQL" if settings.is_postgres else f"SQLite ({settings.sqlite_path})"

    async def prepare() -> bool:
        if no_demo:
            return False
        if not await database_is_empty():
            # The demo users get fresh passwords at every start, so the printed logins work.
            await demo_logins(log=click.echo)
            return False
        click.echo("Tom databas: läser in demodata / empty database: loading the demo data …")
        await load_demo(QUESTIONNAIRES, log=click.echo)  # prints the demo logins too
        return True

    if host in ("127.0.0.1", "localhost", "::1") and "SECURE_COOKIES" not in os.environ:
        # Plain HTTP on this machine: a Secure cookie would never come back to the server.
        os.environ["SECURE_COOKIES"] = "false"

    click.echo(f"Databas / database: {where}")
    loaded = run_db(prepare)
    base = f"http://{host}:{port}"
    click.echo(
        "\n"
        f"  survey-engine körs på / runs at   {base}\n"
        f"  API-dokumentation / API docs      {base}/schema\n"
        f"  Omgångar / rounds (JSON)          {base}/api/v1/rounds\n"
        "\n"
        "  Nästa steg / next steps:\n"
        f"    curl -H 'Authorization: Bearer se_…' {base}/api/v1/rounds/2/overview   # svarsfrekvens / response rate 2026\n"
        "    survey-engine token create demo-analytiker --name skript   # API-token / an API token\n"
        "    survey-engine round list                   # omgångar / rounds\n"
        "    survey-engine questionnaire publish FILE   # ny enkätversion / new questionnaire version\n"
        "    survey-engine units import FILE.csv        # egna enheter / your own units\n"
        f"  {'Demodata inläst / demo data loaded.' if loaded else ''}\n"
        "  Stoppa med Ctrl-C / stop with Ctrl-C.\n"
    )
    serve_app(host, port)


def register(main: click.Group) -> None:
    main.add_command(run_command)
