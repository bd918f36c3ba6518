"""Two-step verification pages (docs/security.md, "Tvåstegsverifiering"):
/logga-in/kod is the login's second step (and, for an administrator who must have it
but has not yet, the place to add it); /konto/tvasteg turns it on and off."""
from __future__ import annotations

import datetime as dt

from litestar import Request, get, post
from litestar.response import Response, Template

from survey_engine import clock
from survey_engine.errors import AppError, LoginThrottled
from survey_engine.services import mfa
from survey_engine.services import users as user_service
from survey_engine.services.policy import Action
from survey_engine.web import security as auth_web
from survey_engine.web.ui.common import form_text, lang_of, need, redirect, render
from survey_engine.web.ui.pages import HOME_BY_ROLE, PENDING_KEY, PENDING_NEXT, PENDING_SINCE, _safe_next

PENDING_LIFETIME = dt.timedelta(minutes=5)


def _pending(request: Request) -> tuple[int, str] | None:
    session = request.session if isinstance(request.scope.get("session"), dict) else {}
    uid, since = session.get(PENDING_KEY), session.get(PENDING_SINCE)
    if not isinstance(uid, int) or not isinstance(since, str):
        return None
    try:
        started = dt.datetime.fromisoformat(since)
    except ValueError:
        return None
    if clock.now() - started > PENDING_LIFETIME:
        return None
    return uid, _safe_next(str(session.get(PENDING_NEXT) or "/"))


async def _code_page(request: Request, uid: int, status: int = 200, error: str = "") -> Template:
    row = await user_service.load_principal(uid)
    enrol = row is not None and not await mfa.enabled(uid)
    secret = uri = ""
    if enrol:
        secret, uri = await mfa.start_enrolment(uid, row.username)
    return render(request, "login_code.html", status=status, error=error, enrol=enrol, secret=secret, uri=uri)


@get("/logga-in/kod", name="ui.login.code")
async def code_page(request: Request) -> Response:
    pending = _pending(request)
    if pending is None:
        return redirect("/logga-in")
    return await _code_page(request, pending[0])


@post("/logga-in/kod", name="ui.login.code.post")
async def code_post(request: Request) -> Response:
    pending = _pending(request)
    lang = lang_of(request)
    if pending is None:
        return redirect("/logga-in")
    uid, target = pending
    principal = await user_service.load_principal(uid)
    if principal is None:
        request.clear_session()
        return redirect("/logga-in")
    code = form_text(await request.form(), "code")
    try:
        if await mfa.enabled(uid):
            await mfa.verify_login_code(uid, principal.username, code)
        else:
            await mfa.confirm_enrolment(uid, principal.username, code)
    except LoginThrottled as exc:
        request.clear_session()  # start again from the password, after the wait
        response = render(request, "login_code.html", status=429, error=exc.text.get(lang), enrol=False,
                          secret="", uri="")
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except AppError as exc:
        return await _code_page(request, uid, 401 if exc.code == "invalid_credentials" else 422, exc.text.get(lang))
    auth_web.start_session(request, principal)
    if target == "/":
        target = HOME_BY_ROLE.get(principal.role, "/")
    return redirect(target)


@post("/konto/tvasteg/start", name="ui.account.mfa.start")
async def mfa_start(request: Request) -> Response:
    principal = need(request, Action.ACCOUNT_MANAGE_OWN)
    try:
        secret, uri = await mfa.start_enrolment(principal.user_id, principal.username)
    except AppError as exc:
        return redirect("/konto", exc.text.get(lang_of(request)))
    return render(request, "account_mfa.html", secret=secret, uri=uri, error="")


@post("/konto/tvasteg/bekrafta", name="ui.account.mfa.confirm")
async def mfa_confirm(request: Request) -> Response:
    principal = need(request, Action.ACCOUNT_MANAGE_OWN)
    lang = lang_of(request)
    try:
        await mfa.confirm_enrolment(principal.user_id, principal.username, form_text(await request.form(), "code"))
    except AppError as exc:
        secret, uri = await mfa.start_enrolment(principal.user_id, principal.username)
        return render(request, "account_mfa.html", status=422, secret=secret, uri=uri, error=exc.text.get(lang))
    return redirect("/konto", "Tvåstegsverifiering är på." if lang == "sv" else "Two-step verification is on.")


@post("/konto/tvasteg/av", name="ui.account.mfa.disable")
async def mfa_disable(request: Request) -> Response:
    principal = need(request, Action.ACCOUNT_MANAGE_OWN)
    lang = lang_of(request)
    try:
        await mfa.disable(principal, principal.user_id, form_text(await request.form(), "code"))
    except AppError as exc:
        return redirect("/konto", exc.text.get(lang))
    return redirect("/konto", "Tvåstegsverifiering är av." if lang == "sv" else "Two-step verification is off.")


ROUTES = [code_page, code_post, mfa_start, mfa_confirm, mfa_disable]
