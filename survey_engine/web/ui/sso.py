"""Single sign-on pages: /sso/start sends the browser to the organisation's identity
provider, /sso/callback receives it back (docs/security.md, "Inloggning med OpenID
Connect"). A refused login gets a page that says why and offers to start again."""
from __future__ import annotations

from litestar import Request, get
from litestar.response import Redirect, Response

from survey_engine.errors import SsoFailed, SsoUnavailable
from survey_engine.services import oidc
from survey_engine.web import security as auth_web
from survey_engine.web.sso_common import SSO_COOKIE, callback_url, clear_flow_cookie, flow_cookie, is_secure
from survey_engine.web.ui.common import lang_of, render
from survey_engine.web.ui.pages import HOME_BY_ROLE, _safe_next


def _failure(request: Request, exc: SsoFailed | SsoUnavailable) -> Response:
    response = render(request, "sso_error.html", status=exc.status_code, message=exc.text.get(lang_of(request)))
    response.cookies.append(clear_flow_cookie(is_secure(request)))
    return response


@get("/sso/start", name="ui.sso.start")
async def sso_start(request: Request) -> Response:
    target = _safe_next(request.query_params.get("next", "/"))
    try:
        started = await oidc.begin(callback_url(request), target)
    except (SsoFailed, SsoUnavailable) as exc:
        return _failure(request, exc)
    return Redirect(path=started.authorization_url, status_code=303,
                    cookies=[flow_cookie(started.browser_value, is_secure(request))])


@get("/sso/callback", name="ui.sso.callback")
async def sso_callback(request: Request) -> Response:
    q = request.query_params
    try:
        done = await oidc.complete(q.get("state", ""), q.get("code", ""), request.cookies.get(SSO_COOKIE, ""),
                                   error=q.get("error", ""), iss=q.get("iss", ""))
    except (SsoFailed, SsoUnavailable) as exc:
        return _failure(request, exc)
    auth_web.start_session(request, done.principal)
    target = _safe_next(done.next_path)
    if target == "/":
        target = HOME_BY_ROLE.get(done.principal.role, "/")
    return Redirect(path=target, status_code=303, cookies=[clear_flow_cookie(is_secure(request))])


ROUTES = [sso_start, sso_callback]
