"""/api/v1/responses: answers, history, submit, reopen, scores, answers files.

Every route names the unit only through the response id, so the guards check that the
role may do the action on some unit and the service checks the response's own unit."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Response, get, post, put
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from survey_engine.errors import NotFound

from survey_engine.services import mailer, printable
from survey_engine.services import responses as service
from survey_engine.web.mail_later import after_response
from survey_engine.web.api.common import Action, Id, Limit, Offset, Actor, errors, requires
from survey_engine.web.api.schemas import (
    AnswersFile, HistoryEntry, HistoryPage, ResponseOut, SaveIn, ScoresOut, SnapshotOut, SubmitIn,
)
from survey_engine.text import Text

QuestionFilter = Annotated[str | None, QueryParameter(min_length=1, max_length=100, description="only this question")]
Revision = Annotated[int | None, QueryParameter(ge=0, le=2_147_483_647, description="refuse a stale import")]


def _on_unit(action: Action):
    return [requires(action, unit_from_object=True)]


class ResponseController(Controller):
    path = "/responses"
    tags = ["responses"]

    @get("/{response_id:int}", summary="Get a response with its answers", responses=errors(404),
         guards=_on_unit(Action.RESPONSE_READ))
    async def get_response(self, response_id: Id, actor: Actor) -> ResponseOut:
        return ResponseOut.model_validate(await service.get_response(response_id, actor=actor), from_attributes=True)

    @get("/{response_id:int}/printable", summary="A printable copy of the answers",
         description="Every question of every area in questionnaire order with the answer as people read it "
         "(in `lang`), the comment and the evidence; `visible` is false for a question hidden by its condition, "
         "`answered` false for one without an answer; `provided` names the unit that answers a shared "
         "question for this one (source `provided`) or gives the reason of the unit's own answer instead "
         "(source `override`), null for the unit's own questions. The same copy as the page /svar/{id}/utskrift.",
         responses=errors(404, 422), guards=_on_unit(Action.RESPONSE_READ))
    async def printable_answers(self, response_id: Id, actor: Actor,
                                lang: Annotated[Literal["sv", "en"], QueryParameter()] = "sv") -> dict[str, Any]:
        return await printable.printable_answers(response_id, actor=actor, lang=lang)

    @post(
        "/{response_id:int}/answers",
        summary="Save a batch of answers",
        description="Send the revision your copy is based on (the last one you saw). Answers are merged per "
        "question: the save conflicts (409, nothing stored) only when one of its own questions was changed "
        "by someone else after that revision to something else than you send; `conflicts` lists exactly "
        "those questions with their current values and who changed them when, `current` the whole "
        "response. Questions others changed that you do not send are kept. `null` clears an answer. Values are checked "
        "against the questionnaire (422 names each question). Comments and evidence notes: at most "
        "4000 characters each.",
        status_code=HTTP_200_OK,
        responses=errors(404, 409, 422, 423),
        guards=_on_unit(Action.RESPONSE_WRITE),
    )
    async def save_answers(self, response_id: Id, data: JSONBody[SaveIn], actor: Actor) -> ResponseOut:
        state = await service.save_answers(response_id, data.revision, data.answers, data.comments, data.evidence,
                                           actor=actor)
        return ResponseOut.model_validate(state, from_attributes=True)

    @get("/{response_id:int}/history", summary="Every change to the answers, with who and when",
         responses=errors(404, 422), guards=_on_unit(Action.RESPONSE_READ))
    async def history(self, response_id: Id, actor: Actor, question: QuestionFilter = None,
                      limit: Limit = 100, offset: Offset = 0) -> HistoryPage:
        items, total = await service.answer_history(response_id, question, limit, offset, actor=actor)
        return HistoryPage(items=[HistoryEntry.model_validate(i, from_attributes=True) for i in items], total=total,
                           limit=limit, offset=offset)

    @post("/{response_id:int}/submit", summary="Submit the response",
          description="Refused (422) with `missing`, the required questions still unanswered. Stores a score "
          "snapshot with the engine's and the questionnaire's identity. The approvers' e-mail is queued in the "
          "outbox and sent after this response (a slow mail server does not delay it).",
          status_code=HTTP_200_OK, responses=errors(404, 409, 422, 423), guards=_on_unit(Action.RESPONSE_SUBMIT))
    async def submit(self, response_id: Id, actor: Actor,
                     data: JSONBody[SubmitIn | None] = None) -> Response[ResponseOut]:
        revision = data.revision if data is not None else None
        with mailer.deferring() as mail_ids:  # sent after the response (web/mail_later.py)
            state = await service.submit_response(response_id, actor=actor, revision=revision)
        return Response(ResponseOut.model_validate(state, from_attributes=True), status_code=HTTP_200_OK,
                        background=after_response(mail_ids))

    @post("/{response_id:int}/reopen", summary="Reopen a submitted response (admin)", status_code=HTTP_200_OK,
          responses=errors(404, 409, 423), guards=_on_unit(Action.RESPONSE_REOPEN))
    async def reopen(self, response_id: Id, actor: Actor) -> ResponseOut:
        return ResponseOut.model_validate(await service.reopen_response(response_id, actor=actor), from_attributes=True)

    @get("/{response_id:int}/scores", summary="Live scores on the current answers", responses=errors(404),
         guards=_on_unit(Action.SCORES_READ))
    async def scores(self, response_id: Id, actor: Actor) -> ScoresOut:
        return ScoresOut.model_validate(await service.live_scores(response_id, actor=actor), from_attributes=True)

    @get("/{response_id:int}/snapshot", summary="The score snapshot stored at the latest submission",
         responses=errors(404), guards=_on_unit(Action.SCORES_READ))
    async def snapshot(self, response_id: Id, actor: Actor) -> SnapshotOut:
        snap = await service.latest_snapshot(response_id, actor=actor)
        if snap is None:
            raise NotFound(Text("Svaret har inte skickats in än", "the response has not been submitted yet"))
        return SnapshotOut.model_validate(snap, from_attributes=True)

    @get("/{response_id:int}/answers-file", summary="Export the answers (answers-file format)", responses=errors(404),
         guards=_on_unit(Action.RESPONSE_READ))
    async def export_answers(self, response_id: Id, actor: Actor) -> AnswersFile:
        return AnswersFile.model_validate(await service.export_answers(response_id, actor=actor), from_attributes=True)

    @put("/{response_id:int}/answers-file", summary="Import an answers file (replaces the answers)",
         description="Questions absent from the file become unanswered; comments and evidence notes stay. "
         "Recorded in the history like any save. `revision` (optional) refuses a stale import.",
         responses=errors(404, 409, 422, 423), guards=_on_unit(Action.RESPONSE_WRITE))
    async def import_answers(self, response_id: Id, data: JSONBody[AnswersFile], actor: Actor,
                             revision: Revision = None) -> ResponseOut:
        state = await service.import_answers(response_id, data.model_dump(), actor=actor, revision=revision,
                                             source="<answers-file>")
        return ResponseOut.model_validate(state, from_attributes=True)
