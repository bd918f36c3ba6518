"""`survey-engine demo` and `survey-engine serve`: demo data and the web server."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import click

from survey_engine.cli.common import run_db

QUESTIONNAIRES = Path(__file__).resolve().parents[2] / "questionnaires"


@click.command("demo")
@click.option("--reset", is_flag=True, help="töm enheter, omgångar och svar först / first delete units, rounds and responses")
@click.option("--questionnaires", "folder", type=click.Path(file_okay=False), default=str(QUESTIONNAIRES),
              show_default=True, help="mapp med enkätfiler / folder of questionnaire files")
def demo_command(reset: bool, folder: str) -> None:
    """Fyll databasen med demodata: Malmö stad, 13 förvaltningar och 2 bolag, omgångar 2024 och 2026.

    Load demo data: Malmö stad with 13 förvaltningar and 2 companies, a closed 2024 round on
    mcf-cybersakerhet 2024.1 and an open 2026 round on 2026.1 with synthetic answers.
    Refuses a database that already holds data unless --reset.
    """
    from survey_engine.services.demo import load_demo

    click.echo("Läser in demodata / loading demo data …")

    async def go():
        try:
            return await load_demo(Path(folder), reset=reset, log=click.echo)
        except FileNotFoundError as exc:
            from survey_engine.errors import NotFound
            from survey_engine.text import Text

            raise NotFound(Text.same(str(exc))) from exc

    run_db(go)
    click.echo("Klart / done. Starta webbservern / start the web server: survey-engine serve")


def serve_app(host: str, port: int, workers: int = 1, log_level: str | None = None) -> None:
    """Run uvicorn on the app factory; logging, proxies and pools follow the environment
    (settings.ENVIRONMENT_VARIABLES)."""
    import uvicorn

    from survey_engine.logging import log_config
    from survey_engine.settings import SettingsError, server_settings

    try:
        settings = server_settings()
    except SettingsError as exc:
        from survey_engine.cli.common import fail

        fail(str(exc))
    level = log_level or settings.log_level
    if not os.environ.get("SURVEY_ENGINE_CSRF_SECRET"):
        # The worker processes inherit this environment: one secret for all of them, so
        # a form rendered by one worker is accepted by another. It lasts until the
        # server stops; set the variable to keep forms valid across restarts.
        os.environ["SURVEY_ENGINE_CSRF_SECRET"] = secrets.token_urlsafe(32)
    uvicorn.run("survey_engine.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level=level, log_config=log_config(settings.log_format, level),
                # Forwarded headers only from TRUSTED_PROXIES; none trusted by default.
                proxy_headers=bool(settings.trusted_proxies),
                forwarded_allow_ips=",".join(settings.trusted_proxies) or None)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, envvar="WEB_HOST", show_envvar=True,
              help="adress att lyssna på / address to listen on")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), envvar="WEB_PORT",
              show_envvar=True, help="port")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), envvar="WEB_WORKERS",
              show_envvar=True, help="antal processer / number of worker processes")
def serve_command(host: str, port: int, workers: int) -> None:
    """Starta webbservern (API under /api/v1, dokumentation under /schema).

    Start the web server (the API under /api/v1, its documentation under /schema).
    Migrate the database first: survey-engine db migrate.
    """
    serve_app(host, port, workers)


def register(main: click.Group) -> None:
    main.add_command(demo_command)
    main.add_command(serve_command)
