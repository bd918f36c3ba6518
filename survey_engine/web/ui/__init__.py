"""Server-rendered pages for respondents, analysts, administrators and auditors.

`create_app()` takes four things from here: `route_handlers()` (one Router with the
pages and their HTML error handlers), `template_config()`, `csrf_config()` and
`static_files()`. Pages work without JavaScript; `static/app.js` adds autosave,
live conditional questions and table sorting. Other features add pages with their
own handlers, templates extending `base.html`, and `common.register_nav(...)`.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from litestar import Router
from litestar.config.csrf import CSRFConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from survey_engine.web.ui.common import EXCEPTION_HANDLERS, NavItem, page_aware, register_nav  # noqa: F401
from survey_engine.web.ui import account, admin, analysis, audits, indicators, mfa, pages, plans, reminders, respondent, sso
from survey_engine.web.ui import evidence
from survey_engine.web.ui import provided
from survey_engine.web.ui import signoff

WEB = Path(__file__).resolve().parents[1]
TEMPLATES = WEB / "templates"
STATIC = WEB / "static"
CSRF_COOKIE = "se_csrf"

_process_secret = secrets.token_urlsafe(32)


def route_handlers() -> list:
    pages_router = Router(
        path="/",
        route_handlers=[*pages.ROUTES, *respondent.ROUTES, *analysis.ROUTES, *admin.ROUTES, *plans.ROUTES,
                        *account.ROUTES, *sso.ROUTES, *reminders.ROUTES, *mfa.ROUTES, *indicators.ROUTES,
                        *audits.ROUTES, *evidence.ROUTES, *provided.ROUTES, *signoff.ROUTES],
        exception_handlers=EXCEPTION_HANDLERS,
        include_in_schema=False,
        opt={"public": True},  # every page checks the policy itself (ui.common.need / the services)
    )
    return [pages_router, static_files()]


def _configure(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.autoescape = True
    env.trim_blocks = True
    env.lstrip_blocks = True


def template_config() -> TemplateConfig:
    return TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=_configure)


def csrf_config(secure: bool = False) -> CSRFConfig:
    """Litestar's double-submit CSRF check for the HTML forms; the API has its own
    (the session's X-CSRF-Token), so /api/ is left out. Several worker processes must
    share SURVEY_ENGINE_CSRF_SECRET; without it each process makes its own."""
    secret = os.environ.get("SURVEY_ENGINE_CSRF_SECRET") or _process_secret
    return CSRFConfig(secret=secret, cookie_name=CSRF_COOKIE, cookie_httponly=True, cookie_samesite="lax",
                      cookie_secure=secure, exclude=["^/api/", "^/schema", "^/static/"])


def static_files():
    return create_static_files_router(path="/static", directories=[STATIC], name="static",
                                      include_in_schema=False, opt={"public": True})
