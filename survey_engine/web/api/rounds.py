"""/api/v1/rounds: rounds, their responses, overview and export."""
from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from survey_engine.services import overview, responses, rounds as service
from survey_engine.web.api.common import Actor, Limit, Offset, actor_of, errors
from survey_engine.web.api.schemas import (
    OverviewOut, ResponseOut, ResponsePage, RoundIn, RoundOut, RoundPage, StartIn,
)


class RoundController(Controller):
    path = "/rounds"
    tags = ["rounds"]

    @get("/", summary="List rounds", responses=errors(422))
    async def list_rounds(self, status: FromQuery[str | None] = None, limit: Limit = 50, offset: Offset = 0) -> RoundPage:
        items, total = await service.list_rounds(status, limit, offset)
        return RoundPage(items=[RoundOut.model_validate(i) for i in items], total=total, limit=limit, offset=offset)

    @post("/", summary="Create a round (draft) on a published questionnaire version", responses=errors(404, 422))
    async def create_round(self, data: JSONBody[RoundIn], x_user: Actor = None) -> RoundOut:
        rnd = await service.create_round(data.name, data.questionnaire, data.version, data.units,
                                         data.opens_on, data.closes_on, actor=actor_of(x_user))
        return RoundOut.model_validate(rnd)

    @get("/{round_id:int}", summary="Get a round", responses=errors(404))
    async def get_round(self, round_id: FromPath[int]) -> RoundOut:
        return RoundOut.model_validate(await service.get_round(round_id))

    @post("/{round_id:int}/open", summary="Open a round for answers", status_code=HTTP_200_OK, responses=errors(404, 409))
    async def open_round(self, round_id: FromPath[int], x_user: Actor = None) -> RoundOut:
        return RoundOut.model_validate(await service.open_round(round_id, actor=actor_of(x_user)))

    @post("/{round_id:int}/close", summary="Close a round: its responses are locked", status_code=HTTP_200_OK,
          responses=errors(404, 409))
    async def close_round(self, round_id: FromPath[int], x_user: Actor = None) -> RoundOut:
        return RoundOut.model_validate(await service.close_round(round_id, actor=actor_of(x_user)))

    @get("/{round_id:int}/overview", summary="Response rate and completeness per unit", responses=errors(404))
    async def round_overview(self, round_id: FromPath[int]) -> OverviewOut:
        return OverviewOut.model_validate(await overview.round_overview(round_id))

    @get("/{round_id:int}/export", summary="The whole round as one JSON document", responses=errors(404),
         description="The round, the questionnaire identity, and per unit its answers (answers-file format), "
         "comments, evidence notes, status, live scores and the snapshot stored at submission.")
    async def export_round(self, round_id: FromPath[int]) -> dict[str, Any]:
        return await overview.export_round(round_id)

    @get("/{round_id:int}/responses", summary="List the round's responses", responses=errors(404, 422))
    async def list_responses(self, round_id: FromPath[int], limit: Limit = 100, offset: Offset = 0) -> ResponsePage:
        items, total = await responses.list_responses(round_id, limit, offset)
        return ResponsePage(items=[ResponseOut.model_validate(i) for i in items], total=total, limit=limit, offset=offset)

    @post("/{round_id:int}/responses", summary="Start a unit's response (pre-filled from its previous round)",
          description="201 with the new response; 200 with the existing one when the unit already started.",
          responses=errors(404, 422, 423))
    async def start_response(self, round_id: FromPath[int], data: JSONBody[StartIn], x_user: Actor = None) -> Response[ResponseOut]:
        state, created = await responses.start_response(round_id, data.unit, actor=actor_of(x_user), prefill=data.prefill)
        return Response(ResponseOut.model_validate(state), status_code=HTTP_201_CREATED if created else HTTP_200_OK)
