"""The Litestar application factory. Build a fresh app with `create_app()` (one per
test, one per worker): state such as connection pools lives on the app."""
from __future__ import annotations

from litestar import Litestar, MediaType, get
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Tag

from survey_engine import __version__
from survey_engine.web.api import API_PREFIX, api_router
from survey_engine.web.api.errors import EXCEPTION_HANDLERS

INDEX = f"""<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>survey-engine</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; line-height: 1.5">
<h1>survey-engine</h1>
<p>Självskattning av informations- och cybersäkerhet (MCF:s mognadsmodell).<br>
<em>Self-assessment of information and cyber security maturity.</em></p>
<ul>
<li><a href="/schema">API-dokumentation / API documentation</a> (OpenAPI: <a href="/schema/openapi.json">openapi.json</a>)</li>
<li><a href="{API_PREFIX}/rounds">Omgångar / rounds</a> · <a href="{API_PREFIX}/units">enheter / units</a> ·
<a href="{API_PREFIX}/questionnaires">enkätversioner / questionnaire versions</a></li>
</ul>
</body></html>
"""


@get("/", media_type=MediaType.HTML, include_in_schema=False)
async def index() -> str:
    return INDEX


async def _start_pool() -> None:
    from survey_engine.store.db import engine

    db = engine()
    if db.engine_type == "postgres":
        await db.start_connection_pool()


async def _close_pool() -> None:
    from survey_engine.store.db import engine

    db = engine()
    if db.engine_type == "postgres":
        await db.close_connection_pool()


def create_app(debug: bool = False) -> Litestar:
    return Litestar(
        route_handlers=[index, api_router()],
        exception_handlers=EXCEPTION_HANDLERS,
        on_startup=[_start_pool],
        on_shutdown=[_close_pool],
        openapi_config=OpenAPIConfig(
            title="survey-engine API",
            version=__version__,
            description="Omgångar, svar och poäng för självskattning av cybersäkerhet / rounds, responses "
            "and scores of the cyber security self-assessment. Errors are JSON with `detail` and, for "
            "invalid input, `errors` naming each field or question. Send `X-User` to be named in the history.",
            tags=[
                Tag(name="units", description="Kommun och förvaltningar / organisational units"),
                Tag(name="questionnaires", description="Publicerade enkätversioner / published questionnaire versions"),
                Tag(name="rounds", description="Omgångar / survey rounds"),
                Tag(name="responses", description="Svar / responses and answers"),
            ],
        ),
        debug=debug,
    )
