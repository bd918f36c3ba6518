"""/api/v1/auth/sso: single sign-on for API clients (docs/security.md, "Inloggning med
OpenID Connect"). `start` gives the provider's authorization URL and sets the flow's
cookie; the client lets the person log in there, reads `code` and `state` from the
redirect to /sso/callback and posts them to `callback`, which answers like
`/auth/login` (a session cookie and its CSRF token)."""
from __future__ import annotations

from litestar import Controller, Request, Response, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK
from pydantic import BaseModel, ConfigDict, Field

from survey_engine.services import oidc
from survey_engine.services import users as user_service
from survey_engine.web import security as auth_web
from survey_engine.web.api.access_schemas import LoginOut
from survey_engine.web.api.auth import me_of
from survey_engine.web.api.common import errors
from survey_engine.web.sso_common import SSO_COOKIE, callback_url, clear_flow_cookie, flow_cookie, is_secure


class SsoStartIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    next: str = Field("/", max_length=500, description="page to show after a browser login (a path on this site)")


class SsoStartOut(BaseModel):
    authorization_url: str = Field(description="open it in the person's browser")
    state: str = Field(description="comes back with the code; a second use is refused")


class SsoCallbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: str = Field(min_length=1, max_length=200)
    code: str = Field("", max_length=2000)
    error: str = Field("", max_length=200, description="the provider's `error` parameter, if it sent one")
    iss: str = Field("", max_length=500, description="the provider's `iss` parameter (RFC 9207), if it sent one")


class SsoController(Controller):
    path = "/auth/sso"
    tags = ["auth"]

    @post("/start", summary="Start a single sign-on login (sets the flow's short-lived cookie)",
          status_code=HTTP_200_OK, responses=errors(404, 422, 503), opt={"public": True}, security=[{}])
    async def start(self, request: Request, data: JSONBody[SsoStartIn]) -> Response[SsoStartOut]:
        started = await oidc.begin(callback_url(request), data.next if data.next.startswith("/") else "/")
        return Response(SsoStartOut(authorization_url=started.authorization_url, state=started.state),
                        cookies=[flow_cookie(started.browser_value, is_secure(request))])

    @post("/callback", summary="Finish a single sign-on login with the provider's code and state",
          description="401 with the reason when the state is unknown or used, the ID token's signature, "
          "audience, issuer, nonce or expiry is wrong, or the account may not log in.",
          status_code=HTTP_200_OK, responses=errors(401, 404, 422, 503), opt={"public": True}, security=[{}])
    async def callback(self, request: Request, data: JSONBody[SsoCallbackIn]) -> Response[LoginOut]:
        done = await oidc.complete(data.state, data.code, request.cookies.get(SSO_COOKIE, ""), error=data.error,
                                   iss=data.iss)
        csrf = auth_web.start_session(request, done.principal)
        user = await user_service.get_user(done.principal.username)
        return Response(LoginOut(csrf_token=csrf, user=me_of(done.principal, user.display_name)),
                        cookies=[clear_flow_cookie(is_secure(request))])
