"""/api/v1/plans: improvement plans, their actions, follow-up and reports (docs/planning.md).

Planners and administrators change plans; respondents read their own unit's plans;
analysts, auditors and planners read all. The unit of a plan is known only once the
service has loaded it, so every guard uses `unit_from_object=True` and the service
checks the plan's own unit. Every change names the plan revision it is based on; a
stale one gets 409 with the current plan in `current`.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from litestar import Controller, MediaType, Response, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED
from pydantic import BaseModel, ConfigDict, Field

from survey_engine.web.api.schemas import _Input as PlainTextInput

from survey_engine.services import plan_reports as reports
from survey_engine.reporting.plans import MEDIA_TYPES
from survey_engine.services import plans as service
from survey_engine.web.api.common import Action, Actor, Id, errors, requires
from survey_engine.web.api.schemas import ErrorOut

PERIOD_PATTERN = r"^[0-9]{4}H[12]$"
Lang = Annotated[Literal["sv", "en"], QueryParameter(description="language of the report")]
RoundFilter = Annotated[int | None, QueryParameter(ge=1, le=2_147_483_647, description="only plans made from this round")]
LaterRound = Annotated[int | None, QueryParameter(
    ge=1, le=2_147_483_647, description="the later round to measure with (default: the latest one with a submitted "
                                        "response of the unit)")]
UnitFilter = Annotated[str | None, QueryParameter(min_length=1, max_length=64, description="only this unit's plans")]
# "scope" is a reserved handler argument in Litestar (the ASGI scope): read it under another name.
RoundRequired = Annotated[int, QueryParameter(ge=1, le=2_147_483_647, description="the round the plans were made from")]
ScopeFilter = Annotated[Literal["unit", "city"] | None, QueryParameter(name="scope", description="unit plans or city plans")]


class _Out(BaseModel):
    # from_attributes: the services return typed views (services/views.py)
    model_config = ConfigDict(extra="ignore", from_attributes=True)


class _In(PlainTextInput):  # control characters refused (schemas._Input)
    pass


class PeriodOut(_Out):
    period: str = Field(examples=["2026H2"])
    effort: int = Field(description="effort points of the actions planned in it (dropped ones excluded)")


class ActionOut(_Out):
    id: int
    question: str | None = Field(description="the question of the plan's questionnaire version; null: a "
                                             "free-standing action")
    title: str
    area: str
    level: int | None
    priority: float | None
    kind: str = Field(description="improve | investigate | own")
    credit: float | None = Field(description="the question's credit when the plan was made")
    effort: int | None
    period: str | None = Field(description="the half-year; null: the backlog")
    owner: str
    status: Literal["planned", "in_progress", "done", "dropped"]
    due_date: dt.date | None
    done_on: dt.date | None = Field(None, description="the day it was marked done (docs/indicators.md D10)")
    note: str
    sort_order: int
    updated_at: dt.datetime | None = None


class QuestionnaireRefOut(_Out):
    id: str
    version: str


class PlanOut(_Out):
    id: int
    title: str
    scope: Literal["unit", "city"]
    unit: str | None
    unit_name: str | None
    round_id: int
    round_name: str
    response_id: int | None
    questionnaire: QuestionnaireRefOut
    method: str | None = Field(description="city plans: the roll-up method")
    start: str
    periods: list[PeriodOut]
    capacity: int
    revision: int = Field(description="send it with every change")
    created_by: str
    created_at: dt.datetime
    updated_by: str
    updated_at: dt.datetime
    actions: list[ActionOut]


class PlanSummaryOut(_Out):
    id: int
    title: str
    scope: Literal["unit", "city"]
    unit: str | None
    unit_name: str | None
    round_id: int
    round_name: str
    start: str
    periods: int
    capacity: int
    revision: int
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    status_counts: dict[str, int]


class PlanListOut(_Out):
    items: list[PlanSummaryOut]


class PlanConflictOut(ErrorOut):
    current: PlanOut | None = Field(None, description="the plan as it is now (stale revision)")


class PlanIn(_In):
    round_id: int = Field(ge=1, le=2_147_483_647, description="the round whose submitted response the plan is made from")
    unit: str | None = Field(None, min_length=1, max_length=64,
                             description="the förvaltning's code; leave out for the city roll-up")
    start: str | None = Field(None, pattern=PERIOD_PATTERN, description="first half-year (default: the next one)",
                              examples=["2026H2"])
    periods: int = Field(4, ge=1, le=service.MAX_PERIODS)
    capacity: int = Field(10, ge=0, le=service.MAX_CAPACITY, description="effort points per half-year")
    method: Literal["weakest", "mean"] = Field("weakest", description="city plans: the roll-up method")
    title: str | None = Field(None, max_length=300)


class PlanUpdateIn(_In):
    revision: int = Field(ge=0, le=2_147_483_647)
    title: str | None = Field(None, min_length=1, max_length=300)
    periods: int | None = Field(None, ge=1, le=service.MAX_PERIODS)


class ActionFields(_In):
    period: str | None = Field(None, pattern=PERIOD_PATTERN, description="a half-year of the plan; null: the backlog")
    owner: str | None = Field(None, max_length=service.MAX_OWNER)
    status: Literal["planned", "in_progress", "done", "dropped"] | None = None
    due_date: dt.date | None = None
    done_on: dt.date | None = Field(None, description="when it was done; set to today when the status becomes "
                                    "done unless given, cleared when it leaves done")
    note: str | None = Field(None, max_length=service.MAX_NOTE)
    sort_order: int | None = Field(None, ge=-1_000_000, le=1_000_000)
    title: str | None = Field(None, max_length=service.MAX_TITLE, description="free-standing actions")
    area: str | None = Field(None, max_length=200, description="free-standing actions")
    level: int | None = Field(None, ge=1, le=20, description="free-standing actions")


class ActionUpdateIn(ActionFields):
    revision: int = Field(ge=0, le=2_147_483_647, description="the plan revision your copy is based on")


class ActionAddIn(ActionFields):
    revision: int = Field(ge=0, le=2_147_483_647, description="the plan revision your copy is based on")
    question: str | None = Field(None, min_length=1, max_length=200,
                                 description="a question of the plan's questionnaire; leave out for an own action")


class ActionFollowUpOut(ActionOut):
    effect: str | None = Field(description="met | improved | unchanged | worse | not_comparable; null: not "
                                           "measured (no later response, or a free-standing action)")
    flagged: bool = Field(description="done, but the effect is unchanged or worse")
    credit_before: float | None
    credit_after: float | None
    successor: str | None = Field(description="the question of the later version that continues this one")


class SourceOut(_Out):
    round_id: int
    round_name: str
    questionnaire: QuestionnaireRefOut
    response_id: int | None
    units: list[str]


class AreaFollowUpOut(_Out):
    area: str
    level_before: int | None
    level_after: int | None
    percent_before: float | None
    percent_after: float | None
    comparable_share: float | None


class CountsOut(_Out):
    actions: int
    status: dict[str, int]
    effect: dict[str, int]
    matrix: dict[str, dict[str, int]]
    flagged: int


class PlanHeadOut(_Out):
    id: int
    title: str
    scope: Literal["unit", "city"]
    unit: str | None
    unit_name: str | None
    round_id: int
    revision: int


class FollowUpOut(_Out):
    plan: PlanHeadOut
    before: SourceOut
    after: SourceOut | None
    actions: list[ActionFollowUpOut]
    areas: list[AreaFollowUpOut]
    counts: CountsOut


class SummaryOut(_Out):
    round_id: int
    round_name: str
    later_round_id: int | None
    units: list[FollowUpOut]
    city: FollowUpOut | None
    total: CountsOut


def _errors(*codes: int) -> dict[int, ResponseSpec]:
    out = errors(*codes)
    if 409 in out:
        out[409] = ResponseSpec(data_container=PlanConflictOut,
                                description="krock: planen har ändrats / conflict: the plan changed meanwhile "
                                            "(`current` holds it)")
    return out


def _file(content: bytes, media_type: str, name: str) -> Response[bytes]:
    html = media_type.startswith("text/html")
    return Response(content=content, media_type=MediaType.HTML if html else media_type,
                    headers={"Content-Disposition": f'{"inline" if html else "attachment"}; filename="{name}"'})


_READ = [requires(Action.PLAN_READ, unit_from_object=True)]
_WRITE = [requires(Action.PLAN_WRITE, unit_from_object=True)]


class PlanController(Controller):
    path = "/plans"
    tags = ["plans"]

    @get("/", summary="List the plans you may read", guards=_READ, responses=_errors(422))
    async def list_plans(self, actor: Actor, unit: UnitFilter = None, round_id: RoundFilter = None,
                         plan_scope: ScopeFilter = None) -> PlanListOut:
        items = await service.list_plans(actor, unit=unit, round_id=round_id, scope=plan_scope)
        return PlanListOut(items=[PlanSummaryOut.model_validate(i) for i in items])

    @post("/", summary="Generate and save a plan", status_code=HTTP_201_CREATED, guards=_WRITE,
          description="From the unit's submitted response in the round, or (no `unit`) from the roll-up of the "
          "round's submitted responses with unit weights. Priorities and scheduling follow docs/planning.md.",
          responses=_errors(404, 422))
    async def create_plan(self, data: JSONBody[PlanIn], actor: Actor) -> PlanOut:
        plan = await service.create_plan(actor, data.round_id, data.unit, start=data.start, periods=data.periods,
                                         capacity=data.capacity, method=data.method, title=data.title)
        return PlanOut.model_validate(plan)

    @get("/{plan_id:int}", summary="A plan with its actions", guards=_READ, responses=_errors(404))
    async def get_plan(self, plan_id: Id, actor: Actor) -> PlanOut:
        return PlanOut.model_validate(await service.get_plan(actor, plan_id))

    @patch("/{plan_id:int}", summary="Rename a plan or change its number of half-years", guards=_WRITE,
           responses=_errors(404, 409, 422))
    async def update_plan(self, plan_id: Id, data: JSONBody[PlanUpdateIn], actor: Actor) -> PlanOut:
        plan = await service.update_plan(actor, plan_id, data.revision, title=data.title, periods=data.periods)
        return PlanOut.model_validate(plan)

    @post("/{plan_id:int}/actions", summary="Add an action (a question, or a free-standing one with a title)",
          status_code=HTTP_201_CREATED, guards=_WRITE, responses=_errors(404, 409, 422))
    async def add_action(self, plan_id: Id, data: JSONBody[ActionAddIn], actor: Actor) -> PlanOut:
        fields = {k: getattr(data, k) for k in data.model_fields_set if k not in ("revision", "question")}
        plan = await service.add_action(actor, plan_id, data.revision, fields, question=data.question)
        return PlanOut.model_validate(plan)

    @patch("/{plan_id:int}/actions/{action_id:int}", summary="Change an action",
           description="Only the fields sent change: `period` (null = backlog), `owner`, `status`, `due_date`, "
           "`note`, `sort_order`; for free-standing actions also `title`, `area`, `level`. Dropping an action "
           "is `status: dropped`.", guards=_WRITE, responses=_errors(404, 409, 422))
    async def update_action(self, plan_id: Id, action_id: Id, data: JSONBody[ActionUpdateIn],
                            actor: Actor) -> PlanOut:
        changes = {k: getattr(data, k) for k in data.model_fields_set if k != "revision"}
        plan = await service.update_action(actor, plan_id, action_id, data.revision, changes)
        return PlanOut.model_validate(plan)

    @get("/{plan_id:int}/followup", summary="The effect of each action, measured by a later round",
         guards=_READ, responses=_errors(404, 422))
    async def follow_up(self, plan_id: Id, actor: Actor, round_id: LaterRound = None) -> FollowUpOut:
        return FollowUpOut.model_validate(await service.follow_up(actor, plan_id, round_id))

    @get("/summary", summary="Which measures were taken and what effect did they have",
         description="The latest plan of each förvaltning (and of the city) made from `round_id`, followed up, "
         "with counts per förvaltning and in total; only the plans you may read.",
         guards=_READ, responses=_errors(404, 422))
    async def summary(self, actor: Actor, round_id: RoundRequired,
                      later_round_id: LaterRound = None) -> SummaryOut:
        return SummaryOut.model_validate(await service.follow_up_summary(actor, round_id, later_round_id))

    # Reports: one route per file type, so each names its media type exactly.
    @get("/{plan_id:int}/report.pdf", summary="The plan as PDF", guards=_READ, responses=_errors(404),
         media_type=MEDIA_TYPES["pdf"])
    async def plan_pdf(self, plan_id: Id, actor: Actor, lang: Lang = "sv") -> Response[bytes]:
        return _file(*await reports.plan_report(actor, plan_id, "pdf", lang))

    @get("/{plan_id:int}/report.xlsx", summary="The plan as XLSX", guards=_READ, responses=_errors(404),
         media_type=MEDIA_TYPES["xlsx"])
    async def plan_xlsx(self, plan_id: Id, actor: Actor, lang: Lang = "sv") -> Response[bytes]:
        return _file(*await reports.plan_report(actor, plan_id, "xlsx", lang))

    @get("/{plan_id:int}/followup.html", summary="The plan's follow-up as an HTML report", guards=_READ,
         responses=_errors(404, 422), media_type=MediaType.HTML)
    async def follow_up_html(self, plan_id: Id, actor: Actor, lang: Lang = "sv",
                             round_id: LaterRound = None) -> Response[bytes]:
        return _file(*await reports.follow_up_report(actor, plan_id, "html", lang, round_id))

    @get("/{plan_id:int}/followup.xlsx", summary="The plan's follow-up as XLSX", guards=_READ,
         responses=_errors(404, 422), media_type=MEDIA_TYPES["xlsx"])
    async def follow_up_xlsx(self, plan_id: Id, actor: Actor, lang: Lang = "sv",
                             round_id: LaterRound = None) -> Response[bytes]:
        return _file(*await reports.follow_up_report(actor, plan_id, "xlsx", lang, round_id))

    @get("/summary.html", summary="The follow-up of every plan of a round as an HTML report", guards=_READ,
         responses=_errors(404, 422), media_type=MediaType.HTML)
    async def summary_html(self, actor: Actor, round_id: RoundRequired, lang: Lang = "sv",
                           later_round_id: LaterRound = None) -> Response[bytes]:
        return _file(*await reports.summary_report(actor, round_id, "html", lang, later_round_id))

    @get("/summary.xlsx", summary="The follow-up of every plan of a round as XLSX", guards=_READ,
         responses=_errors(404, 422), media_type=MEDIA_TYPES["xlsx"])
    async def summary_xlsx(self, actor: Actor, round_id: RoundRequired, lang: Lang = "sv",
                           later_round_id: LaterRound = None) -> Response[bytes]:
        return _file(*await reports.summary_report(actor, round_id, "xlsx", lang, later_round_id))
