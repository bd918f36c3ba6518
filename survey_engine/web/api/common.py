"""Parameters shared by the API controllers."""
from __future__ import annotations

from typing import Annotated

from litestar.params import HeaderParameter, QueryParameter

from survey_engine.web.api.schemas import ConflictOut, ErrorOut
from litestar.openapi.datastructures import ResponseSpec

# Who is acting. Users and roles come later; until then the caller names itself.
Actor = Annotated[
    str | None,
    HeaderParameter(name="X-User", description="who is acting (recorded in the answer history)", required=False),
]
Limit = Annotated[int, QueryParameter(ge=1, le=1000, description="page size")]
Offset = Annotated[int, QueryParameter(ge=0, description="items to skip")]


def actor_of(value: str | None) -> str:
    return (value or "").strip() or "api"


def errors(*codes: int) -> dict[int, ResponseSpec]:
    """OpenAPI descriptions of the error responses a route can give."""
    text = {
        400: "ogiltig begäran (fel typ, saknat fält) / malformed request (wrong type, missing field)",
        404: "finns inte / not found",
        409: "krock med nuvarande läge / conflict with the current state",
        422: "ogiltig indata / invalid input (see `errors`)",
        423: "låst: omgången är stängd eller inte öppen / locked: the round is closed or not open",
    }
    return {
        code: ResponseSpec(data_container=ConflictOut if code == 409 else ErrorOut, description=text[code])
        for code in (400, *codes)
    }
