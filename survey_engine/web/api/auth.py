"""/api/v1/auth (login, logout, who am I) and /api/v1/tokens (one's own API tokens)."""
from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from survey_engine.services import users as auth_service
from survey_engine.web import security as auth_web
from survey_engine.errors import InvalidCredentials, PermissionDenied
from survey_engine.settings import oidc_settings
from survey_engine.text import Text
from survey_engine.services.policy import Principal as _Principal
from survey_engine.web.api.access_schemas import (
    LoginIn, LoginOut, MeOut, PasswordChangedOut, PasswordChangeIn, TokenCreatedOut, TokenIn, TokenOut,
)
from survey_engine.web.api.common import Action, Id, Actor, errors, requires
from survey_engine.services import login
from survey_engine.services import account, tokens


def me_of(principal: _Principal, display_name: str = "") -> MeOut:
    return MeOut(username=principal.username, display_name=display_name, role=principal.role.value,
                 units=sorted(principal.units), via=principal.via)


def token_out(info: tokens.TokenInfo) -> TokenOut:
    return TokenOut(id=info.id, username=info.username, name=info.name, prefix=info.prefix,
                    created_at=info.created_at, created_by=info.created_by, last_used_at=info.last_used_at,
                    expires_at=info.expires_at, revoked_at=info.revoked_at, active=info.active)


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/login", summary="Log in with username and password (sets the session cookie)",
          description="Returns the CSRF token to send as `X-CSRF-Token` with every state-changing request on "
          "this session. Repeated failures lock the account or the address for a while (429 with Retry-After).",
          status_code=HTTP_200_OK, responses=errors(422, 429), opt={"public": True}, security=[{}])
    async def login(self, request: Request, data: JSONBody[LoginIn]) -> LoginOut:
        if not oidc_settings().local_login:
            raise PermissionDenied(Text(
                "Inloggning med lösenord är avstängd här; logga in med organisationens konto (/api/v1/auth/sso/start).",
                "Password login is turned off here; use single sign-on (/api/v1/auth/sso/start)."))
        if "\x00" in data.username:  # no username has one; answer like any wrong login
            raise InvalidCredentials()
        # Behind a proxy, uvicorn's --forwarded-allow-ips already puts the real client here.
        address = auth_web.client_address(request)
        principal = await login.authenticate(data.username, data.password, address)
        csrf = auth_web.start_session(request, principal)
        user = await auth_service.get_user(principal.username)
        return LoginOut(csrf_token=csrf, user=me_of(principal, user.display_name))

    @post("/logout", summary="Log out (ends the session)", status_code=HTTP_200_OK, responses=errors(),
          opt={"public": True})
    async def logout(self, request: Request) -> dict[str, str]:
        auth_web.end_session(request)
        return {"detail": "Utloggad / logged out"}

    @post("/password", summary="Change my own password (ends every session of the account)",
          description="Needs the current password (a wrong one counts like a failed login). The new one must "
          "have at least 12 characters and be neither a common password nor the username (docs/security.md). "
          "With a session cookie, the answer starts a new session: use its `csrf_token` from now on.",
          status_code=HTTP_200_OK, responses=errors(401, 422, 429), guards=[requires(Action.ACCOUNT_MANAGE_OWN)])
    async def change_password(self, request: Request, data: JSONBody[PasswordChangeIn], actor: Actor) -> PasswordChangedOut:
        await account.change_own_password(actor, data.current_password, data.new_password,
                                          auth_web.client_address(request))
        csrf = auth_web.start_session(request, actor) if actor.via == "session" else None
        return PasswordChangedOut(detail="Lösenordet är bytt / password changed", csrf_token=csrf)

    @get("/me", summary="Who is logged in", responses=errors(), opt={"public": True})
    async def me(self, request: Request) -> MeOut:
        principal = auth_web.current_principal(request)  # 401 when anonymous
        user = await auth_service.get_user(principal.username)
        return me_of(principal, user.display_name)


class TokenController(Controller):
    path = "/tokens"
    tags = ["auth"]
    guards = [requires(Action.TOKEN_MANAGE_OWN)]

    @get("/", summary="My API tokens (never their secrets)", responses=errors())
    async def list_tokens(self, actor: Actor) -> list[TokenOut]:
        return [token_out(t) for t in await tokens.list_tokens(actor, actor.username)]

    @post("/", summary="Create an API token for me (the secret is shown once)", responses=errors(422))
    async def create_token(self, data: JSONBody[TokenIn], actor: Actor) -> Response[TokenCreatedOut]:
        expires = dt.timedelta(days=data.days) if data.days else None
        plain, info = await tokens.create_token(actor, actor.username, data.name, expires_in=expires)
        return Response(TokenCreatedOut(token=plain, info=token_out(info)), status_code=HTTP_201_CREATED)

    @post("/{token_id:int}/revoke", summary="Revoke one of my tokens (administrators: anyone's)",
          status_code=HTTP_200_OK, responses=errors(404))
    async def revoke_token(self, token_id: Id, actor: Actor) -> TokenOut:
        return token_out(await tokens.revoke_token(actor, token_id))
