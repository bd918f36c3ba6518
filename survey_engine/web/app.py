"""The Litestar application factory. Build a fresh app with `create_app()` (one per
test, one per worker): state such as connection pools lives on the app."""
from __future__ import annotations

import asyncio
import contextlib
import logging

from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, Tag

from survey_engine import __version__
from survey_engine.web.api import api_router
from survey_engine.web import security as auth_web
from survey_engine.web.api.errors import EXCEPTION_HANDLERS
from survey_engine.web.health import health_router
from survey_engine.web import api_docs, ui
from survey_engine.web.limits import BoundedRequest
from survey_engine.web.headers import add_security_headers
from survey_engine.store.db import engine
from survey_engine.settings import oidc_settings, server_settings
from survey_engine.services.retention import prune

# Request bodies larger than this are refused with 413 before they are read whole;
# publishing a questionnaire (YAML up to 5 MB) raises it on its own route.
MAX_BODY_BYTES = 1_048_576


async def _start_pool() -> None:
    db = engine()
    if db.engine_type == "postgres":
        pool = server_settings()
        await db.start_connection_pool(min_size=pool.pool_min, max_size=pool.pool_max)


PRUNE_EVERY = 3600  # seconds between retention runs of a server (services/retention.py)
_log = logging.getLogger("survey_engine.web")


async def _prune_loop() -> None:
    while True:
        try:
            await prune()
        except Exception:  # never let retention stop the server; try again next time
            _log.exception("pruning login attempts and sessions failed")
        await asyncio.sleep(PRUNE_EVERY)


async def _start_pruning(app: Litestar) -> None:
    app.state.pruner = asyncio.create_task(_prune_loop())


async def _stop_pruning(app: Litestar) -> None:
    """Cancel the pruner and wait until it has stopped. A prune cancelled in the middle
    of a query must give its connection back before the pool closes: asyncpg's
    `Pool.close()` waits for every connection, and a shutdown that does not wait for
    the task could hang there for ever (seen on PostgreSQL when a server stopped
    right after starting)."""
    task = getattr(app.state, "pruner", None)
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task


async def _close_pool() -> None:
    db = engine()
    if db.engine_type == "postgres":
        await db.close_connection_pool()
    elif hasattr(db, "close_connections"):  # SQLite: the connections kept open (store/engine.py)
        await db.close_connections()


def create_app(debug: bool = False, secure_cookies: bool | None = None, db_pool: bool = True) -> Litestar:
    """The app. `secure_cookies` None reads SECURE_COOKIES from the environment (default
    true: session cookies only over HTTPS); tests and local HTTP pass False.

    `db_pool=False` leaves PostgreSQL without a connection pool (a connection per
    query). Tests pass it: Litestar's test clients run startup hooks in a thread of
    their own, and an asyncpg pool made there must not be used from the test's loop."""
    if secure_cookies is None:
        secure_cookies = server_settings().secure_cookies
    oidc_settings()  # a wrong single sign-on setting stops the start, not the first login
    security_schemes, security = auth_web.openapi_security()
    return Litestar(
        # "/" is the pages' start page (survey_engine.web.ui)
        route_handlers=[api_router(), health_router(), *ui.route_handlers()],
        template_config=ui.template_config(),
        csrf_config=ui.csrf_config(secure=secure_cookies),
        # Sessions live in the database (every worker sees them); the principal
        # middleware then turns a bearer token or a session into request.user and
        # checks the CSRF header of API changes made with a session cookie.
        stores=auth_web.session_stores(),
        middleware=[auth_web.session_config(secure=secure_cookies).middleware, auth_web.PrincipalMiddleware()],
        before_send=[add_security_headers],  # every response (web/headers.py)
        exception_handlers={k: ui.page_aware(v) for k, v in EXCEPTION_HANDLERS.items()},
        request_max_body_size=MAX_BODY_BYTES,
        request_class=BoundedRequest,  # JSON nesting bounded (web/limits.py)
        # A server (db_pool) also prunes old login attempts and expired sessions hourly.
        on_startup=[_start_pool, _start_pruning] if db_pool else [],
        on_shutdown=[_stop_pruning, _close_pool] if db_pool else [],
        openapi_config=OpenAPIConfig(
            render_plugins=api_docs.render_plugins(),  # no third-party CDN (web/api_docs.py)
            title="survey-engine API",
            version=__version__,
            description="Omgångar, svar och poäng för självskattning av cybersäkerhet / rounds, responses "
            "and scores of the cyber security self-assessment. Log in with `POST /api/v1/auth/login` (a "
            "session cookie; send the returned `X-CSRF-Token` with every change) or send an API token as "
            "`Authorization: Bearer se_…`. Errors are JSON with `detail` and, for invalid input, `errors` "
            "naming each field or question.",
            components=Components(security_schemes=security_schemes),
            security=security,
            tags=[
                Tag(name="auth", description="Inloggning och API-token / login, logout and API tokens"),
                Tag(name="users", description="Användare och roller (administratör) / users and roles (admin)"),
                Tag(name="audit", description="Granskningslogg / audit log (admin, auditor)"),
                Tag(name="units", description="Kommun och förvaltningar / organisational units"),
                Tag(name="questionnaires", description="Publicerade enkätversioner / published questionnaire versions"),
                Tag(name="rounds", description="Omgångar / survey rounds"),
                Tag(name="responses", description="Svar / responses and answers"),
                Tag(name="indicators", description="Uppmätta indikatorer / measured indicators"),
                Tag(name="sign-off", description="Godkännande av förvaltningschef / sign-off by the unit's approver "
                    "(docs/sign-off.md)"),
            ],
        ),
        debug=debug,
    )
