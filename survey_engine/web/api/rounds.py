"""/api/v1/rounds: rounds, their responses, overview and export."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Response, get, post
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from survey_engine.services import comparison, overview, responses, rounds as service
from survey_engine.web.api.common import Action, Id, Limit, Offset, Actor, errors, requires
from survey_engine.web.api.schemas import (
    DeadlineIn, OverviewOut, ResponseOut, ResponsePage, RoundIn, RoundOut, RoundPage, StartIn,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CompareSort = Annotated[str, QueryParameter(max_length=100, description="name, level, percent or an area id; "
                                            "a leading - sorts descending")]
Lang = Annotated[Literal["sv", "en"], QueryParameter(description="language of the Excel headers and words")]
ApprovedOnly = Annotated[bool, QueryParameter(description="count only responses approved by the unit's approver "
                                                          "(docs/sign-off.md): the `counted` column and the file say so")]
StatusFilter = Annotated[Literal["draft", "open", "closed"] | None, QueryParameter(description="only rounds in this status")]


class RoundController(Controller):
    path = "/rounds"
    tags = ["rounds"]

    @get("/", summary="List rounds", responses=errors(422), guards=[requires(Action.ROUND_READ)])
    async def list_rounds(self, status: StatusFilter = None, limit: Limit = 50, offset: Offset = 0) -> RoundPage:
        items, total = await service.list_rounds(status, limit, offset)
        return RoundPage(items=[RoundOut.model_validate(i, from_attributes=True) for i in items], total=total, limit=limit,
                         offset=offset)

    @post("/", summary="Create a round (draft) on a published questionnaire version", responses=errors(404, 422),
          guards=[requires(Action.ROUND_MANAGE)])
    async def create_round(self, data: JSONBody[RoundIn], actor: Actor) -> RoundOut:
        rnd = await service.create_round(data.name, data.questionnaire, data.version, data.units,
                                         data.opens_on, data.closes_on, actor=actor)
        return RoundOut.model_validate(rnd, from_attributes=True)

    @get("/{round_id:int}", summary="Get a round", responses=errors(404), guards=[requires(Action.ROUND_READ)])
    async def get_round(self, round_id: Id) -> RoundOut:
        return RoundOut.model_validate(await service.get_round(round_id), from_attributes=True)

    @post("/{round_id:int}/open", summary="Open a round for answers", status_code=HTTP_200_OK, responses=errors(404, 409),
          guards=[requires(Action.ROUND_MANAGE)])
    async def open_round(self, round_id: Id, actor: Actor) -> RoundOut:
        return RoundOut.model_validate(await service.open_round(round_id, actor=actor), from_attributes=True)

    @post("/{round_id:int}/close", summary="Close a round: its responses are locked", status_code=HTTP_200_OK,
          responses=errors(404, 409), guards=[requires(Action.ROUND_MANAGE)])
    async def close_round(self, round_id: Id, actor: Actor) -> RoundOut:
        return RoundOut.model_validate(await service.close_round(round_id, actor=actor), from_attributes=True)

    @post("/{round_id:int}/reopen", summary="Open a closed round again", status_code=HTTP_200_OK,
          responses=errors(404, 409), guards=[requires(Action.ROUND_MANAGE)])
    async def reopen_round(self, round_id: Id, actor: Actor) -> RoundOut:
        return RoundOut.model_validate(await service.reopen_round(round_id, actor=actor), from_attributes=True)

    @post("/{round_id:int}/deadline", summary="Move the round's last day (closes_on)", status_code=HTTP_200_OK,
          responses=errors(404, 409, 422), guards=[requires(Action.ROUND_MANAGE)])
    async def round_deadline(self, round_id: Id, data: JSONBody[DeadlineIn], actor: Actor) -> RoundOut:
        return RoundOut.model_validate(await service.extend_deadline(round_id, data.closes_on, actor=actor),
                                       from_attributes=True)

    @get("/{round_id:int}/overview", summary="Response rate and completeness per unit", responses=errors(404),
         guards=[requires(Action.OVERVIEW_READ)])
    async def round_overview(self, round_id: Id, actor: Actor) -> OverviewOut:
        return OverviewOut.model_validate(await overview.round_overview(round_id, actor=actor), from_attributes=True)

    @get("/{round_id:int}/export", summary="The whole round as one JSON document", responses=errors(404),
         description="The round, the questionnaire identity, and per unit its answers (answers-file format), "
         "comments, evidence notes, status, live scores and the snapshot stored at submission.",
         guards=[requires(Action.EXPORT_READ)])
    async def export_round(self, round_id: Id, actor: Actor) -> dict[str, Any]:
        return await overview.export_round(round_id, actor=actor)

    @get("/{round_id:int}/comparison.csv", summary="The comparison across units as CSV (codes)",
         description="The rows of the comparison page (docs/web-pages.md, \"Comparison export\"): every started "
         "response, drafts marked, with level, next level, share towards it, overall and per-area percent, "
         "with codes and ids, the sign-off `stage` and whether the city figures count the row (`counted`); "
         "then a row per unit that has not started (`stage` `not_started`, not counted, empty level). "
         "Needs overview and export rights; an audit event `report.compare`.",
         media_type="text/csv", responses=errors(404, 422),
         guards=[requires(Action.OVERVIEW_READ), requires(Action.EXPORT_READ)])
    async def comparison_csv(self, round_id: Id, actor: Actor, sort: CompareSort = "name",
                             approved_only: ApprovedOnly = False) -> Response[bytes]:
        return await _comparison_download(round_id, "csv", actor, sort, "sv", approved_only)

    @get("/{round_id:int}/comparison.xlsx", summary="The comparison across units as Excel (words)",
         description="The same rows as comparison.csv with headers and words in `lang`, numbers rounded for "
         "people. Needs overview and export rights; an audit event `report.compare`.",
         media_type=XLSX, responses=errors(404, 422),
         guards=[requires(Action.OVERVIEW_READ), requires(Action.EXPORT_READ)])
    async def comparison_xlsx(self, round_id: Id, actor: Actor, sort: CompareSort = "name",
                              lang: Lang = "sv", approved_only: ApprovedOnly = False) -> Response[bytes]:
        return await _comparison_download(round_id, "xlsx", actor, sort, lang, approved_only)

    @get("/{round_id:int}/responses", summary="List the round's responses (a respondent sees their own units')",
         responses=errors(404, 422), guards=[requires(Action.RESPONSE_READ, unit_from_object=True)])
    async def list_responses(self, round_id: Id, actor: Actor, limit: Limit = 100, offset: Offset = 0) -> ResponsePage:
        items, total = await responses.list_responses(round_id, limit, offset, actor=actor)
        return ResponsePage(items=[ResponseOut.model_validate(i, from_attributes=True) for i in items], total=total, limit=limit, offset=offset)

    @post("/{round_id:int}/responses", summary="Start a unit's response (pre-filled from its previous round)",
          description="201 with the new response; 200 with the existing one when the unit already started.",
          responses=errors(404, 422, 423), guards=[requires(Action.RESPONSE_WRITE, unit_from_object=True)])
    async def start_response(self, round_id: Id, data: JSONBody[StartIn], actor: Actor) -> Response[ResponseOut]:
        state, created = await responses.start_response(round_id, data.unit, actor=actor, prefill=data.prefill)
        return Response(ResponseOut.model_validate(state, from_attributes=True), status_code=HTTP_201_CREATED if created else HTTP_200_OK)


async def _comparison_download(round_id: int, fmt: str, actor: Any, sort: str, lang: str,
                               approved_only: bool = False) -> Response[bytes]:
    """One download of the comparison table; each format is its own route so that the
    OpenAPI document names the content type it answers with."""
    content, _media, name = await comparison.compare_export(round_id, fmt, actor=actor, lang=lang, sort=sort,
                                                            approved_only=approved_only)
    return Response(content=content, media_type="text/csv" if fmt == "csv" else XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
