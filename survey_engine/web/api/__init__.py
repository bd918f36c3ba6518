"""The JSON API under /api/v1. Every route has a guard (see `common.py`); the only
public ones are health and the login/logout/me routes."""
from __future__ import annotations

from litestar import Router, get
from litestar.di import Provide

from survey_engine.web.api.audit import AuditController
from survey_engine.web.api.audits import AuditsController
from survey_engine.web.api.auth import AuthController, TokenController
from survey_engine.web.api.common import provide_actor
from survey_engine.web.api.evidence import EvidenceController
from survey_engine.web.api.indicators import IndicatorController, MeasuredAnswerController
from survey_engine.web.api.plans import PlanController
from survey_engine.web.api.provided import PROVIDED_HANDLERS
from survey_engine.web.api.questionnaires import QuestionnaireController
from survey_engine.web.api.reminders import REMINDER_HANDLERS
from survey_engine.web.api.responses import ResponseController
from survey_engine.web.api.signoff import SIGNOFF_HANDLERS
from survey_engine.web.api.rounds import RoundController
from survey_engine.web.api.sso import SsoController
from survey_engine.web.api.units import UnitController
from survey_engine.web.api.users import UserController
from survey_engine import __version__
from survey_engine.scoring import ENGINE_VERSION

API_PREFIX = "/api/v1"
API_CONTROLLERS = [
    AuthController, TokenController, UserController, AuditController,
    UnitController, QuestionnaireController, RoundController, ResponseController,
    PlanController, SsoController, IndicatorController, MeasuredAnswerController, *REMINDER_HANDLERS,
    AuditsController, EvidenceController, *PROVIDED_HANDLERS, *SIGNOFF_HANDLERS,
]


@get("/health", tags=["meta"], summary="Liveness check", opt={"public": True}, security=[{}])
async def health() -> dict[str, str]:
    return {"status": "ok", "version": __version__, "engine_version": ENGINE_VERSION}


def api_router(extra_handlers: list | None = None) -> Router:
    """The API router; `extra_handlers` lets other API modules (plans, …) join it and
    share the `actor` dependency."""
    return Router(
        path=API_PREFIX,
        route_handlers=[health, *API_CONTROLLERS, *(extra_handlers or [])],
        dependencies={"actor": Provide(provide_actor)},
    )
