"""The JSON API under /api/v1."""
from __future__ import annotations

from litestar import Router, get

from survey_engine.web.api.questionnaires import QuestionnaireController
from survey_engine.web.api.responses import ResponseController
from survey_engine.web.api.rounds import RoundController
from survey_engine.web.api.units import UnitController

API_PREFIX = "/api/v1"


@get("/health", tags=["meta"], summary="Liveness check")
async def health() -> dict[str, str]:
    from survey_engine import __version__
    from survey_engine.scoring import ENGINE_VERSION

    return {"status": "ok", "version": __version__, "engine_version": ENGINE_VERSION}


def api_router() -> Router:
    return Router(
        path=API_PREFIX,
        route_handlers=[health, UnitController, QuestionnaireController, RoundController, ResponseController],
    )
