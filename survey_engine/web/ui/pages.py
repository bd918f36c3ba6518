"""Logging in and out, and the start page that sends each role to its own pages."""
from __future__ import annotations

from urllib.parse import urlsplit

from litestar import Request, get, post
from litestar.response import Response, Template

from survey_engine.web import security as auth_web
from survey_engine.errors import AppError, LoginThrottled
from survey_engine.services.policy import Role
from survey_engine.web.ui.common import current, form_text, lang_of, principal_of, redirect, render
from survey_engine.services import login as login_service
from survey_engine.services import audit
from survey_engine.settings import oidc_settings
from survey_engine import clock
from survey_engine.services import mfa

# A login waiting for its one-time code (web/ui/mfa.py): kept in the session, which has no
# user id yet, so the person is still anonymous everywhere.
PENDING_KEY, PENDING_SINCE, PENDING_NEXT = "mfa_uid", "mfa_since", "mfa_next"

HOME_BY_ROLE = {
    Role.RESPONDENT: "/mina-enkater",
    Role.ANALYST: "/analys",
    Role.PLANNER: "/analys",
    Role.AUDITOR: "/analys",
    Role.ADMIN: "/admin",
    Role.APPROVER: "/godkannande",
}


def _safe_next(target: str) -> str:
    """Only a path on this site (no scheme, no host, no //evil.example)."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@get("/", name="ui.start")
async def start_page(request: Request) -> Response:
    principal = principal_of(request)
    if principal is None:
        return redirect("/logga-in")
    return redirect(HOME_BY_ROLE.get(principal.role, "/analys"))


def _login_options() -> dict:
    """Which ways to log in the login page offers (docs/security.md, "Inloggning med OpenID Connect")."""
    conf = oidc_settings()
    return {"sso_enabled": conf.enabled, "local_login": conf.local_login}


@get("/logga-in", name="ui.login")
async def login_page(request: Request) -> Template:
    return render(request, "login.html", next=_safe_next(request.query_params.get("next", "/")), username="",
                  logged_out=request.query_params.get("ut") == "1", **_login_options())


@post("/logga-in", name="ui.login.post", opt={"public": True})
async def login(request: Request) -> Response:
    form = await request.form()
    lang = lang_of(request)
    username = form_text(form, "username").strip()
    password = form_text(form, "password")
    target = _safe_next(form_text(form, "next", "/"))
    options = _login_options()
    if not options["local_login"]:
        return render(request, "login.html", status=403, next=target, username=username, **options,
                      error=("Inloggning med lösenord är avstängd här; logga in med organisationens konto."
                             if lang == "sv" else "Password login is turned off here; log in with your "
                             "organisation's account."))
    if not username or not password:
        return render(request, "login.html", status=422, next=target, username=username, **options,
                      error=("Fyll i både användarnamn och lösenord." if lang == "sv"
                             else "Fill in both username and password."))
    try:
        principal = await login_service.authenticate(username, password, auth_web.client_address(request))
    except LoginThrottled as exc:
        response = render(request, "login.html", status=429, next=target, username=username, **options,
                          error=exc.text.get(lang))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except AppError as exc:
        status = 401 if exc.code == "invalid_credentials" else 403
        return render(request, "login.html", status=status, next=target, username=username, **options,
                      error=exc.text.get(lang))
    if await mfa.enabled(principal.user_id) or mfa.required_for(principal.role):
        # The password was right; the one-time code comes next (web/ui/mfa.py).
        request.set_session({PENDING_KEY: principal.user_id, PENDING_SINCE: clock.now().isoformat(),
                             PENDING_NEXT: target})
        return redirect("/logga-in/kod")
    auth_web.start_session(request, principal)
    if target == "/":
        target = HOME_BY_ROLE.get(principal.role, "/")
    return redirect(target)


@post("/logga-ut", name="ui.logout")
async def logout(request: Request) -> Response:
    principal = principal_of(request)
    if principal is not None:
        await audit.record(principal, "logout", "user", principal.username)
        auth_web.end_session(request)
    return redirect("/logga-in?ut=1")


@get("/om", name="ui.about")
async def about_page(request: Request) -> Template:
    current(request)
    return render(request, "about.html")


ROUTES = [start_page, login_page, login, logout, about_page]
