"""/api/v1/users: user administration (administrators only)."""
from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post, put
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from survey_engine.services import mfa
from survey_engine.services import users as auth_service
from survey_engine.web.api.access_schemas import LanguageIn, RoleIn, UnitsIn, UserIn, UserOut, UserPage
from survey_engine.web.api.common import Action, Name, Actor, errors, requires

ActiveOnly = Annotated[bool, QueryParameter(description="only active users")]


def user_out(info: auth_service.UserInfo) -> UserOut:
    return UserOut(id=info.id, username=info.username, display_name=info.display_name, email=info.email,
                   role=info.role.value, active=info.active, units=list(info.units), has_password=info.has_password,
                   created_at=info.created_at, updated_at=info.updated_at, last_login_at=info.last_login_at,
                   locked_until=info.locked_until, language="en" if info.language == "en" else "sv")


class UserController(Controller):
    path = "/users"
    tags = ["users"]
    guards = [requires(Action.USER_MANAGE)]

    @get("/", summary="List users", responses=errors())
    async def list_users(self, active_only: ActiveOnly = False) -> UserPage:
        items = await auth_service.list_users(include_disabled=not active_only)
        return UserPage(items=[user_out(u) for u in items], total=len(items))

    @post("/", summary="Create a user", responses=errors(409, 422),
          description="Respondents need at least one unit; other roles none. Without a password the account "
          "can only use API tokens. Passwords: at least 12 characters.")
    async def create_user(self, data: JSONBody[UserIn], actor: Actor) -> Response[UserOut]:
        info = await auth_service.create_user(actor, data.username, data.role, password=data.password,
                                              display_name=data.display_name, email=data.email, units=data.units)
        return Response(user_out(info), status_code=HTTP_201_CREATED)

    @get("/{username:str}", summary="Get a user", responses=errors(404))
    async def get_user(self, username: Name) -> UserOut:
        return user_out(await auth_service.get_user(username))

    @post("/{username:str}/disable", summary="Disable a user (logins, sessions and tokens stop at once)",
          status_code=HTTP_200_OK, responses=errors(404, 422))
    async def disable_user(self, username: Name, actor: Actor) -> UserOut:
        return user_out(await auth_service.disable_user(actor, username))

    @post("/{username:str}/logout-everywhere", summary="End every session of a user (administrator)",
          status_code=HTTP_200_OK, responses=errors(404))
    async def logout_everywhere(self, username: Name, actor: Actor) -> UserOut:
        await auth_service.logout_everywhere(actor, username)
        return user_out(await auth_service.get_user(username))

    @post("/{username:str}/mfa-reset", summary="Remove a user's second factor (a lost phone)",
          description="The user adds a new one from /konto, or at the next login when REQUIRE_MFA_ADMIN applies.",
          status_code=HTTP_200_OK, responses=errors(404))
    async def mfa_reset(self, username: Name, actor: Actor) -> UserOut:
        await mfa.reset(actor, username)
        return user_out(await auth_service.get_user(username))

    @post("/{username:str}/enable", summary="Enable a disabled user", status_code=HTTP_200_OK, responses=errors(404))
    async def enable_user(self, username: Name, actor: Actor) -> UserOut:
        return user_out(await auth_service.enable_user(actor, username))

    @put("/{username:str}/role", summary="Set a user's role (and units, for a respondent)", responses=errors(404, 422))
    async def set_role(self, username: Name, data: JSONBody[RoleIn], actor: Actor) -> UserOut:
        return user_out(await auth_service.set_role(actor, username, data.role, units=data.units))

    @put("/{username:str}/units", summary="Set the units a respondent is bound to", responses=errors(404, 422))
    async def set_units(self, username: Name, data: JSONBody[UnitsIn], actor: Actor) -> UserOut:
        return user_out(await auth_service.set_units(actor, username, data.units))

    @put("/{username:str}/language", summary="Set the language of a user's e-mails (sv, en)",
         description="The approvers' notice of a submitted response and a respondent's reminders are written in "
         "it (docs/sign-off.md). Audited as `user.language`.", responses=errors(404, 422))
    async def set_language(self, username: Name, data: JSONBody[LanguageIn], actor: Actor) -> UserOut:
        await auth_service.set_language(actor, username, data.language)
        return user_out(await auth_service.get_user(username))
