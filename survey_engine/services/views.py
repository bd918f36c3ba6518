"""Typed results of the services (issue 12, item 4): what a use case returns, as frozen
dataclasses, so callers read attributes instead of indexing dicts by strings. The API
schemas (web/api/schemas.py) validate from them with `from_attributes=True`; the JSON
shapes stay as they were.

Moved here one use case at a time (docs/architecture.md, "Typed results")."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Snapshot:
    """The scores stored when a response was submitted (its latest submission)."""

    revision: int
    engine_version: str
    questionnaire_hash: str
    created_at: dt.datetime
    created_by: str
    scores: dict[str, Any]  # ScoreResult.to_dict()


@dataclass(frozen=True)
class LiveScores:
    """The engine's result on a response's current answers."""

    response_id: int
    revision: int
    engine_version: str
    scores: dict[str, Any]  # ScoreResult.to_dict()


@dataclass(frozen=True)
class AnswerChange:
    """One change to one answer (a row of the answer history)."""

    question: str
    revision: int
    old_value: Any
    new_value: Any
    old_comment: str
    new_comment: str
    old_evidence: str
    new_evidence: str
    actor: str  # who; "prefill" for answers carried over from the previous round
    at: dt.datetime


@dataclass(frozen=True)
class AnswersFile:
    """A response as an answers file (docs/questionnaire-format.md)."""

    questionnaire: str
    version: str
    answers: dict[str, Any]


@dataclass(frozen=True)
class AnswerState:
    """One question's saved answer within a response state."""

    value: Any  # string, number or list of strings; None = unanswered
    comment: str
    evidence: str
    updated_by: str
    updated_at: dt.datetime
    revision: int  # the response revision at which this answer last changed


@dataclass(frozen=True)
class ResponseState:
    """A response with its answers (in questionnaire order), as the respondent and the
    API see it. Every read and write of services/responses.py returns one; a stale save
    carries the current one in its Conflict (`extra["current"]`)."""

    id: int
    round_id: int
    unit: str  # unit code
    unit_name: str
    status: str  # draft | submitted | reopened
    revision: int  # the next save names it; grows with every successful save
    started_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    prefilled_from: int | None  # the earlier response the answers were carried over from
    answers: dict[str, AnswerState]

    def values(self) -> dict[str, Any]:
        """{question id: value} of the answered questions."""
        return {qid: a.value for qid, a in self.answers.items() if a.value is not None}
