"""Parameters and pieces shared by the API controllers.

The guard pattern (every route has one; `tests/security/test_permission_matrix.py`
fails for a route without a decision):

    @get("/{response_id:int}", guards=[requires(Action.RESPONSE_READ, unit_from_object=True)])
    async def get_response(self, response_id: Id, actor: Actor) -> ResponseOut:
        return ResponseOut.model_validate(await service.get_response(response_id, actor=actor), from_attributes=True)

- `requires(Action.X)` refuses (401/403) before the handler runs;
- `unit_from_object=True` when the unit is known only once the service has loaded the
  object: the service then checks the unit itself (`services.access.check_unit`);
- `actor: Actor` (a `Principal`) is injected (the `actor` dependency of the API router) and is
  passed to the service, which checks again and writes the audit event;
- `opt={"public": True}` only for the few open routes (health, login).
"""
from __future__ import annotations

from typing import Annotated

from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import PathParameter, QueryParameter

from survey_engine.services.policy import Action, Principal
from survey_engine.web.security import current_principal, requires
from survey_engine.web.api.schemas import ConflictOut, ErrorOut

__all__ = ["Action", "Actor", "Principal", "requires", "provide_actor", "errors", "Limit", "Offset", "Id"]

MAX_INT = 2_147_483_647  # ids are 32-bit in PostgreSQL: larger numbers can only be 404, refuse them as 400

# The acting principal, injected by the API router's `actor` dependency.
Actor = NamedDependency[Principal]
Limit = Annotated[int, QueryParameter(ge=1, le=500, description="page size (1–500)")]
Offset = Annotated[int, QueryParameter(ge=0, le=MAX_INT, description="items to skip")]
Id = Annotated[int, PathParameter(ge=1, le=MAX_INT)]
Code = Annotated[str, PathParameter(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
Name = Annotated[str, PathParameter(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")]


async def provide_actor(request: ASGIConnection) -> Principal:
    """The logged-in principal (the guard has already refused anonymous requests)."""
    return current_principal(request)


def errors(*codes: int) -> dict[int, ResponseSpec]:
    """OpenAPI descriptions of the error responses a route can give (400, 401, 403 and
    413 always: malformed input, no login, not allowed, body too large)."""
    text = {
        400: "ogiltig begäran (fel typ, saknat fält) / malformed request (wrong type, missing field)",
        401: "inte inloggad eller ogiltigt token / not logged in, or an invalid token",
        403: "saknar behörighet, eller CSRF-token saknas / not allowed, or the CSRF token is missing",
        404: "finns inte / not found",
        409: "krock med nuvarande läge / conflict with the current state",
        413: "begäran är för stor / request body too large",
        415: "fel innehållstyp: skicka application/json / wrong content type: send application/json",
        422: "ogiltig indata / invalid input (see `errors`)",
        423: "låst: omgången är stängd eller inte öppen / locked: the round is closed or not open",
        429: "för många försök / too many attempts (see Retry-After)",
        503: "tjänsten är inte inställd här (t.ex. inloggning via organisationen) / not configured here "
             "(e.g. single sign-on)",
    }
    return {
        code: ResponseSpec(data_container=ConflictOut if code == 409 else ErrorOut, description=text[code])
        for code in sorted({400, 401, 403, 413, *codes})
    }
