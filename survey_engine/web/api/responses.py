"""/api/v1/responses: answers, history, submit, reopen, scores, answers files."""
from __future__ import annotations

from litestar import Controller, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK

from survey_engine.services import responses as service
from survey_engine.web.api.common import Actor, Limit, Offset, actor_of, errors
from survey_engine.web.api.schemas import (
    AnswersFile, HistoryEntry, HistoryPage, ResponseOut, SaveIn, ScoresOut, SnapshotOut, SubmitIn,
)


class ResponseController(Controller):
    path = "/responses"
    tags = ["responses"]

    @get("/{response_id:int}", summary="Get a response with its answers", responses=errors(404))
    async def get_response(self, response_id: FromPath[int]) -> ResponseOut:
        return ResponseOut.model_validate(await service.get_response(response_id))

    @post(
        "/{response_id:int}/answers",
        summary="Save a batch of answers",
        description="Send the revision your copy is based on. A stale revision gets 409 with the current "
        "response in `current`; nothing is overwritten. `null` clears an answer. Values are checked "
        "against the questionnaire (422 names each question).",
        status_code=HTTP_200_OK,
        responses=errors(404, 409, 422, 423),
    )
    async def save_answers(self, response_id: FromPath[int], data: JSONBody[SaveIn], x_user: Actor = None) -> ResponseOut:
        state = await service.save_answers(response_id, data.revision, data.answers, data.comments, data.evidence,
                                           actor=actor_of(x_user))
        return ResponseOut.model_validate(state)

    @get("/{response_id:int}/history", summary="Every change to the answers, with who and when", responses=errors(404, 422))
    async def history(self, response_id: FromPath[int], question: FromQuery[str | None] = None,
                      limit: Limit = 100, offset: Offset = 0) -> HistoryPage:
        items, total = await service.answer_history(response_id, question, limit, offset)
        return HistoryPage(items=[HistoryEntry.model_validate(i) for i in items], total=total, limit=limit, offset=offset)

    @post("/{response_id:int}/submit", summary="Submit the response",
          description="Refused (422) with `missing`, the required questions still unanswered. Stores a score "
          "snapshot with the engine's and the questionnaire's identity.",
          status_code=HTTP_200_OK, responses=errors(404, 409, 422, 423))
    async def submit(self, response_id: FromPath[int], data: JSONBody[SubmitIn | None] = None,
                     x_user: Actor = None) -> ResponseOut:
        revision = data.revision if data is not None else None
        return ResponseOut.model_validate(await service.submit_response(response_id, actor=actor_of(x_user), revision=revision))

    @post("/{response_id:int}/reopen", summary="Reopen a submitted response (admin)", status_code=HTTP_200_OK,
          responses=errors(404, 409, 423))
    async def reopen(self, response_id: FromPath[int], x_user: Actor = None) -> ResponseOut:
        return ResponseOut.model_validate(await service.reopen_response(response_id, actor=actor_of(x_user)))

    @get("/{response_id:int}/scores", summary="Live scores on the current answers", responses=errors(404))
    async def scores(self, response_id: FromPath[int]) -> ScoresOut:
        return ScoresOut.model_validate(await service.live_scores(response_id))

    @get("/{response_id:int}/snapshot", summary="The score snapshot stored at the latest submission",
         responses=errors(404))
    async def snapshot(self, response_id: FromPath[int]) -> SnapshotOut:
        snap = await service.latest_snapshot(response_id)
        if snap is None:
            await service.get_response(response_id)  # 404 for an unknown response
            from survey_engine.services import NotFound

            raise NotFound("Svaret har inte skickats in än / the response has not been submitted yet")
        return SnapshotOut.model_validate(snap)

    @get("/{response_id:int}/answers-file", summary="Export the answers (answers-file format)", responses=errors(404))
    async def export_answers(self, response_id: FromPath[int]) -> AnswersFile:
        return AnswersFile.model_validate(await service.export_answers(response_id))

    @put("/{response_id:int}/answers-file", summary="Import an answers file (replaces the answers)",
         description="Questions absent from the file become unanswered; comments and evidence notes stay. "
         "Recorded in the history like any save. `revision` (optional) refuses a stale import.",
         responses=errors(404, 409, 422, 423))
    async def import_answers(self, response_id: FromPath[int], data: JSONBody[AnswersFile],
                             revision: FromQuery[int | None] = None, x_user: Actor = None) -> ResponseOut:
        state = await service.import_answers(response_id, data.model_dump(), actor=actor_of(x_user), revision=revision,
                                             source="<answers-file>")
        return ResponseOut.model_validate(state)
