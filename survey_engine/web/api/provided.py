"""Shared answers (docs/shared-answers.md): /api/v1/rounds/{id}/providers (who answers
which questions for whom; admins and analysts change it) and
/api/v1/responses/{id}/provided (what a response's provided questions hold, and the
served unit's overrides)."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from litestar import Controller, delete, get, post
from litestar.params import JSONBody, PathParameter
from litestar.status_codes import HTTP_200_OK
from pydantic import Field

from survey_engine.services import provided
from survey_engine.web.api.common import MAX_INT, Action, Actor, Id, errors, requires
from survey_engine.web.api.schemas import AnswerValue, ResponseOut, _Input, _Model

QuestionId = Annotated[str, PathParameter(min_length=1, max_length=200, pattern=r"^[a-z0-9][a-z0-9._-]*$")]
Selector = Field(min_length=3, max_length=250, pattern=r"^(area|tag):[a-z0-9][a-z0-9._-]*$",
                 description="the questions: `area:<area id>` or `tag:<tag>` of the round's questionnaire",
                 examples=["tag:it-drift"])
UnitCode = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


class ProviderIn(_Input):
    provider: UnitCode = Field(description="the unit that answers")
    selector: str = Selector
    served: list[UnitCode] | None = Field(None, max_length=1000,
                                          description="the units it answers for (omit: every other unit of the round)")


class ProviderOut(_Model):
    provider: str
    provider_name: str
    selector: str
    questions: list[str]
    served: list[str]
    served_names: list[str]


class ProvidersOut(_Model):
    round: int
    items: list[ProviderOut]


class ProvidedQuestionOut(_Model):
    question: str
    provider: str
    provider_name: str
    selector: str
    source: Literal["provided", "override"] = Field(description="provided: the provider's answer is this "
                                                    "unit's; override: the unit answers itself, for `reason`")
    reason: str | None = None
    override_by: str | None = None
    override_at: dt.datetime | None = None
    provider_value: AnswerValue = None
    provider_comment: str = ""
    provider_evidence: str = ""
    provider_response: int | None = None
    provider_status: str


class ServesOut(_Model):
    selector: str
    units: list[str]
    unit_names: list[str]
    questions: list[str]


class ProvidedOut(_Model):
    response: int
    unit: str
    round: int
    questions: dict[str, ProvidedQuestionOut]
    serves: list[ServesOut] = Field(description="for a provider's response: whom its answers reach")


class OverrideIn(_Input):
    revision: int = Field(ge=0, le=MAX_INT, description="the revision your copy is based on")
    value: AnswerValue = Field(description="the unit's own answer")
    reason: str = Field(min_length=1, max_length=2000, description="why the unit answers itself (required)")
    comment: str | None = Field(None, max_length=4000)
    evidence: str | None = Field(None, max_length=4000)


def _providers(round_id: int, items: list[dict[str, Any]]) -> ProvidersOut:
    return ProvidersOut(round=round_id, items=[ProviderOut.model_validate(i) for i in items])


class ProviderController(Controller):
    path = "/rounds"
    tags = ["shared answers"]

    @get("/{round_id:int}/providers", summary="Who answers which questions for whom in the round",
         responses=errors(404), guards=[requires(Action.ROUND_READ)])
    async def list_providers(self, round_id: Id, actor: Actor) -> ProvidersOut:
        return _providers(round_id, await provided.list_providers(round_id, actor=actor))

    @post("/{round_id:int}/providers", summary="Let a unit answer a set of questions for other units",
          description="Adding links that exist changes nothing. The provider's current answers reach the "
          "served units' responses at once. A unit either provides or is served in a round, and a question "
          "has one provider per unit (409 otherwise).",
          status_code=HTTP_200_OK, responses=errors(404, 409, 422, 423), guards=[requires(Action.PROVIDER_MANAGE)])
    async def set_provider(self, round_id: Id, data: JSONBody[ProviderIn], actor: Actor) -> ProvidersOut:
        return _providers(round_id, await provided.set_provider(round_id, data.provider, data.selector, data.served,
                                                                actor=actor))

    @post("/{round_id:int}/providers/remove", summary="End a provider's links (the answers stay as the units' own)",
          status_code=HTTP_200_OK, responses=errors(404, 422, 423), guards=[requires(Action.PROVIDER_MANAGE)])
    async def remove_provider(self, round_id: Id, data: JSONBody[ProviderIn], actor: Actor) -> ProvidersOut:
        return _providers(round_id, await provided.remove_provider(round_id, data.provider, data.selector,
                                                                   data.served, actor=actor))


class ProvidedController(Controller):
    path = "/responses"
    tags = ["shared answers"]

    @get("/{response_id:int}/provided", summary="The response's provided questions: provider, its answer, source",
         responses=errors(404), guards=[requires(Action.RESPONSE_READ, unit_from_object=True)])
    async def provided_questions(self, response_id: Id, actor: Actor) -> ProvidedOut:
        return ProvidedOut.model_validate(await provided.provided_for_response(response_id, actor=actor))

    @post("/{response_id:int}/provided/{question_id:str}/override",
          summary="Answer a provided question yourselves, with a reason",
          description="The unit's own answer wins over the provider's until the override is removed. The "
          "reason is required and kept (audit log, the response's page).",
          status_code=HTTP_200_OK, responses=errors(404, 409, 422, 423),
          guards=[requires(Action.RESPONSE_WRITE, unit_from_object=True)])
    async def override(self, response_id: Id, question_id: QuestionId, data: JSONBody[OverrideIn],
                       actor: Actor) -> ResponseOut:
        state = await provided.override_answer(response_id, question_id, data.value, data.reason,
                                               revision=data.revision, comment=data.comment,
                                               evidence=data.evidence, actor=actor)
        return ResponseOut.model_validate(state, from_attributes=True)

    @delete("/{response_id:int}/provided/{question_id:str}/override", status_code=HTTP_200_OK,
            summary="Go back to the provider's answer", responses=errors(404, 409, 423),
            guards=[requires(Action.RESPONSE_WRITE, unit_from_object=True)])
    async def remove_override(self, response_id: Id, question_id: QuestionId, actor: Actor) -> ResponseOut:
        return ResponseOut.model_validate(await provided.remove_override(response_id, question_id, actor=actor),
                                          from_attributes=True)


PROVIDED_HANDLERS = [ProviderController, ProvidedController]
