"""Sign-off in the API (docs/sign-off.md): a response's sign-off state, approve, return
with a comment, the approver's queue, and the city figures with `approved_only`.

The response routes name the unit only through the response id: the guards check that
the role may do the action on some unit, the service checks the response's own unit."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any, Literal

from litestar import Controller, Response, get, post
from litestar.enums import MediaType
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK
from pydantic import BaseModel, ConfigDict, Field

from survey_engine.services import mailer, overview, reports, signoff
from survey_engine.web.api.common import MAX_INT, Action, Actor, Id, errors, requires
from survey_engine.web.api.schemas import _Input
from survey_engine.web.mail_later import after_response

ApprovedOnly = Annotated[bool, QueryParameter(description="count only responses approved by the unit's approver "
                                                          "(docs/sign-off.md)")]
IncludeDrafts = Annotated[bool, QueryParameter(description="count drafts too (ignored with approved_only)")]
RoundFilter = Annotated[int | None, QueryParameter(ge=1, le=MAX_INT, description="only this round")]
Lang = Annotated[Literal["sv", "en"], QueryParameter(description="language of the report")]
AllStates = Annotated[bool, QueryParameter(description="every started response with its state, not only those "
                                                       "awaiting approval")]


class ApproveIn(_Input):
    comment: str = Field("", max_length=2000, description="optional")
    revision: int | None = Field(None, ge=0, le=MAX_INT, description="the revision you reviewed: refuses (409) an "
                                                                        "approval of a response that changed since")


class ReturnIn(_Input):
    comment: str = Field(min_length=1, max_length=2000, description="why: the respondents see it (required)")
    revision: int | None = Field(None, ge=0, le=MAX_INT, description="the revision you reviewed")


class DecisionOut(BaseModel):
    decision: str = Field(description="approved | returned")
    revision: int = Field(description="the response revision the decision was about")
    comment: str
    decided_by: str
    decided_at: dt.datetime


class SignoffOut(BaseModel):
    response_id: int
    unit: str
    round_id: int
    status: str = Field(description="the response's status: draft | submitted | reopened")
    revision: int
    state: str = Field(description="not_submitted | awaiting_approval | approved | returned")
    approved: bool
    latest: DecisionOut | None
    history: list[DecisionOut] = Field(description="every decision, oldest first")


class MailOut(BaseModel):
    """The "returned" e-mail: to how many addresses, and what became of it."""

    model_config = ConfigDict(from_attributes=True)

    recipients: int
    sent: int = Field(description="sent during the request (0 here: the API sends after the response)")
    retry_later: int = Field(description="messages left queued after a failed attempt")
    failed: int
    errors: list[str] = Field(description="why the e-mail could not be queued or sent, each error once")
    deferred: int = Field(description="messages queued in the outbox and sent shortly, after this response; "
                          "a failure then stays in the outbox with its error (GET /api/v1/reminders/outbox)")


class ReturnOut(SignoffOut):
    mail: MailOut = Field(description="the \"returned\" e-mail: recipients, deferred (queued, sent shortly), "
                          "sent, retry_later, errors")


class QueueItemOut(BaseModel):
    response_id: int
    round_id: int
    round_name: str
    round_status: str
    unit: str
    unit_name: str
    status: str
    revision: int
    submitted_at: dt.datetime | None
    state: str
    latest: DecisionOut | None


class QueueOut(BaseModel):
    items: list[QueueItemOut]
    total: int


class CityResultsOut(BaseModel):
    round: dict[str, Any]
    approved_only: bool
    include_drafts: bool
    counted: int = Field(description="units whose results the city figures use")
    units: list[dict[str, Any]]
    city: dict[str, Any] | None = Field(description="roll-ups `mean` and `weakest`; null when no unit counts")


def _out(state: signoff.SignoffState) -> dict[str, Any]:
    data = dataclasses.asdict(state)
    data["approved"] = state.approved
    return data


class SignoffController(Controller):
    path = "/responses"
    tags = ["sign-off"]

    @get("/{response_id:int}/signoff", summary="The response's sign-off state and every decision",
         responses=errors(404), guards=[requires(Action.RESPONSE_READ, unit_from_object=True)])
    async def state(self, response_id: Id, actor: Actor) -> SignoffOut:
        return SignoffOut.model_validate(_out(await signoff.signoff_state(response_id, actor=actor)))

    @post("/{response_id:int}/approve", summary="Approve a submitted response (approver of its unit)",
          description="409 when the response is not submitted, is already approved, or changed since `revision`.",
          status_code=HTTP_200_OK, responses=errors(404, 409, 422),
          guards=[requires(Action.RESPONSE_APPROVE, unit_from_object=True)])
    async def approve(self, response_id: Id, actor: Actor, data: JSONBody[ApproveIn | None] = None) -> SignoffOut:
        data = data or ApproveIn()
        state = await signoff.approve(response_id, actor=actor, comment=data.comment, revision=data.revision)
        return SignoffOut.model_validate(_out(state))

    @post("/{response_id:int}/return", summary="Return a submitted response with a comment (reopens it)",
          description="The comment is required; the respondents see it and the unit's contacts get the "
          "\"returned\" e-mail, queued in the outbox and sent after this response (`mail.deferred`). "
          "423 when the round is closed.",
          status_code=HTTP_200_OK, responses=errors(404, 409, 422, 423),
          guards=[requires(Action.RESPONSE_APPROVE, unit_from_object=True)])
    async def return_response(self, response_id: Id, actor: Actor, data: JSONBody[ReturnIn]) -> Response[ReturnOut]:
        with mailer.deferring() as mail_ids:  # sent after the response (web/mail_later.py)
            state, mail = await signoff.return_response(response_id, data.comment, actor=actor,
                                                        revision=data.revision)
        return Response(ReturnOut.model_validate({**_out(state), "mail": mail}), status_code=HTTP_200_OK,
                        background=after_response(mail_ids))


class SignoffQueueController(Controller):
    path = "/signoff"
    tags = ["sign-off"]

    @get("/queue", summary="Responses awaiting your approval (your units')", responses=errors(422),
         guards=[requires(Action.RESPONSE_APPROVE, unit_from_object=True)])
    async def queue(self, actor: Actor, round: RoundFilter = None, all: AllStates = False) -> QueueOut:
        items = await signoff.approval_queue(actor=actor, waiting_only=not all, round_id=round)
        return QueueOut(items=[QueueItemOut.model_validate(dataclasses.asdict(i)) for i in items], total=len(items))


class RoundResultsController(Controller):
    path = "/rounds"
    tags = ["rounds"]

    @get("/{round_id:int}/results", summary="The city figures: which units count, their levels, the roll-up",
         description="`approved_only=true` counts only responses approved by their unit's approver.",
         responses=errors(404, 422), guards=[requires(Action.OVERVIEW_READ)])
    async def results(self, round_id: Id, actor: Actor, approved_only: ApprovedOnly = False,
                      include_drafts: IncludeDrafts = False) -> CityResultsOut:
        return CityResultsOut.model_validate(await overview.city_results(
            round_id, actor=actor, approved_only=approved_only, include_drafts=include_drafts))

    @get("/{round_id:int}/city-report.html", summary="The city report (HTML)", media_type=MediaType.HTML,
         description="`approved_only=true` counts only approved responses in the city figures. 422 when no "
         "response counts.", responses=errors(404, 422), guards=[requires(Action.OVERVIEW_READ)])
    async def city_report(self, round_id: Id, actor: Actor, approved_only: ApprovedOnly = False,
                          include_drafts: IncludeDrafts = False, lang: Lang = "sv") -> Response[bytes]:
        content, _media, name = await reports.city_report(round_id, "html", lang, actor=actor,
                                                         approved_only=approved_only, include_drafts=include_drafts)
        return Response(content=content, media_type=MediaType.HTML,
                        headers={"Content-Disposition": f'inline; filename="{name}"'})


SIGNOFF_HANDLERS = [SignoffController, SignoffQueueController, RoundResultsController]
