"""/api/v1/auth (login, logout, who am I) and /api/v1/tokens (one's own API tokens)."""
from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from survey_engine.services import users as auth_service
from survey_engine.web import security as auth_web
from survey_engine.errors import InvalidCredentials, MfaEnrolmentRequired, MfaRequired, PermissionDenied
from survey_engine.settings import oidc_settings
from survey_engine.text import Text
from survey_engine.services.policy import Principal as _Principal
from survey_engine.web.api.access_schemas import (
    LoginIn, LoginOut, MeOut, PasswordChangedOut, PasswordChangeIn, TokenCreatedOut, TokenIn, TokenOut,
    TotpCodeIn, TotpStartOut,
)
from survey_engine.web.api.common import Action, Id, Actor, errors, requires
from survey_engine.services import audit, login
from survey_engine.services import account, mfa, tokens


def me_of(principal: _Principal, display_name: str = "") -> MeOut:
    return MeOut(username=principal.username, display_name=display_name, role=principal.role.value,
                 units=sorted(principal.units), via=principal.via)


def token_out(info: tokens.TokenInfo) -> TokenOut:
    return TokenOut(id=info.id, username=info.username, name=info.name, prefix=info.prefix,
                    created_at=info.created_at, created_by=info.created_by, last_used_at=info.last_used_at,
                    expires_at=info.expires_at, revoked_at=info.revoked_at, active=info.active)


async def second_step(principal: _Principal, code: str | None) -> None:
    """Two-step verification after a right password (docs/security.md, "Tvåstegsverifiering")."""
    if await mfa.enabled(principal.user_id):
        if not code:
            raise MfaRequired()
        await mfa.verify_login_code(principal.user_id, principal.username, code)
    elif mfa.required_for(principal.role):
        raise MfaEnrolmentRequired()


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/login", summary="Log in with username and password (sets the session cookie)",
          description="Returns the CSRF token to send as `X-CSRF-Token` with every state-changing request on "
          "this session. Repeated failures lock the account or the address for a while (429 with Retry-After).",
          status_code=HTTP_200_OK, responses=errors(415, 422, 429), opt={"public": True}, security=[{}])
    async def login(self, request: Request, data: JSONBody[LoginIn]) -> LoginOut:
        # Login CSRF: a cross-site form can post text/plain that
        # parses as JSON, and log the victim's browser into the attacker's account. Only
        # application/json (which a cross-site page cannot send without CORS) from this
        # site's own origin is accepted; the HTML form login has its CSRF token.
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/json":
            raise HTTPException(status_code=415, detail="Skicka inloggningen som application/json / "
                                "send the login as application/json")
        if auth_web.cross_site(request):
            raise PermissionDeniedException(detail="Inloggning från en annan webbplats nekas / "
                                            "a login from another site is refused")
        if not oidc_settings().local_login:
            raise PermissionDenied(Text(
                "Inloggning med lösenord är avstängd här; logga in med organisationens konto (/api/v1/auth/sso/start).",
                "Password login is turned off here; use single sign-on (/api/v1/auth/sso/start)."))
        if "\x00" in data.username:  # no username has one; answer like any wrong login
            raise InvalidCredentials()
        # Behind a proxy, uvicorn's --forwarded-allow-ips already puts the real client here.
        address = auth_web.client_address(request)
        principal = await login.authenticate(data.username, data.password, address)
        await second_step(principal, data.totp)
        csrf = auth_web.start_session(request, principal)
        user = await auth_service.get_user(principal.username)
        return LoginOut(csrf_token=csrf, user=me_of(principal, user.display_name))

    @post("/logout", summary="Log out (ends the session)", status_code=HTTP_200_OK, responses=errors(),
          opt={"public": True})
    async def logout(self, request: Request) -> dict[str, str]:
        principal = request.scope.get("user")
        if isinstance(principal, _Principal) and principal.via == "session":
            await audit.record(principal, "logout", "user", principal.username)
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

    @post("/totp/start", summary="Start two-step verification: a new secret for an authenticator app",
          status_code=HTTP_200_OK, responses=errors(422), guards=[requires(Action.ACCOUNT_MANAGE_OWN)])
    async def totp_start(self, actor: Actor) -> TotpStartOut:
        secret, uri = await mfa.start_enrolment(actor.user_id, actor.username)
        return TotpStartOut(secret=secret, uri=uri)

    @post("/totp/confirm", summary="Turn two-step verification on with a code from the app",
          status_code=HTTP_200_OK, responses=errors(422), guards=[requires(Action.ACCOUNT_MANAGE_OWN)])
    async def totp_confirm(self, data: JSONBody[TotpCodeIn], actor: Actor) -> dict[str, str]:
        await mfa.confirm_enrolment(actor.user_id, actor.username, data.code)
        return {"detail": "Tvåstegsverifiering är på / two-step verification is on"}

    @post("/totp/disable", summary="Turn two-step verification off (with a current code)",
          status_code=HTTP_200_OK, responses=errors(422), guards=[requires(Action.ACCOUNT_MANAGE_OWN)])
    async def totp_disable(self, data: JSONBody[TotpCodeIn], actor: Actor) -> dict[str, str]:
        await mfa.disable(actor, actor.user_id, data.code)
        return {"detail": "Tvåstegsverifiering är av / two-step verification is off"}

    @post("/logout-everywhere", summary="Log out everywhere: end every session of mine",
          description="Ends this session and every other session of the logged-in user (other browsers, "
          "devices). API tokens stay; revoke them under /tokens.",
          status_code=HTTP_200_OK, responses=errors(), opt={"public": True})
    async def logout_everywhere(self, request: Request) -> dict[str, str]:
        principal = auth_web.current_principal(request)  # 401 when anonymous
        await auth_service.logout_everywhere(principal, principal.username)
        if principal.via == "session":
            auth_web.end_session(request)
        return {"detail": "Utloggad överallt / logged out everywhere"}

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
