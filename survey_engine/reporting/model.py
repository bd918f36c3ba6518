"""The report model: what a report needs about a round, as plain frozen dataclasses.

Built by `services.round_results` (the one read path for round results) and rendered
by the rest of `reporting`; nothing here touches the database.
- a *submitted* response carries the score snapshot stored at submission (when that
  snapshot belongs to the round's questionnaire version);
- a draft or reopened response (or a submitted one whose snapshot is missing) is
  scored by the same engine on its current answers.
`UnitEntry.source` says which, and the reports print it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

from survey_engine.questionnaire.model import Questionnaire
from survey_engine.scoring import (
    ENGINE_VERSION,
    AreaScore,
    OverallScore,
    QuestionnaireRef,
    QuestionScore,
    ScoreResult,
)

SOURCE_SNAPSHOT = "snapshot"  # the scores stored when the response was submitted
SOURCE_LIVE = "live"  # scored now on the current answers (drafts)

STATUS_SUBMITTED = "submitted"
STATUS_NOT_STARTED = "not_started"


@dataclass(frozen=True)
class UnitEntry:
    """One unit taking part in a round, with its response (if any) and scores."""

    code: str
    name: str
    weight: float
    status: str  # submitted | draft | reopened | not_started
    result: ScoreResult | None = None
    source: str | None = None  # SOURCE_SNAPSHOT | SOURCE_LIVE | None (no response)
    snapshot_revision: int | None = None
    snapshot_engine: str | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)
    comments: Mapping[str, str] = field(default_factory=dict)
    evidence: Mapping[str, str] = field(default_factory=dict)
    submitted_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    response_id: int | None = None
    revision: int | None = None
    # Shared answers (docs/shared-answers.md): question id -> {"source": "provided" |
    # "override", "provider", "provider_name"}; a question not here is the unit's own.
    sources: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # Signed off by an approver as it stands (docs/sign-off.md); set by round_results.
    approved: bool = False

    @property
    def submitted(self) -> bool:
        return self.status == STATUS_SUBMITTED

    @property
    def started(self) -> bool:
        return self.status != STATUS_NOT_STARTED

    @property
    def draft(self) -> bool:
        """Started but not submitted (a draft or a reopened response): shown everywhere
        as a draft, left out of the city figures unless drafts are asked for."""
        return self.started and not self.submitted


@dataclass(frozen=True)
class RoundData:
    """A round, the questionnaire version it runs on and every participating unit
    (in the order they were added to the round)."""

    id: int
    name: str
    status: str
    opens_on: dt.date | None
    closes_on: dt.date | None
    questionnaire: Questionnaire
    units: tuple[UnitEntry, ...]
    # Read with `approved_only` (docs/sign-off.md): only approved responses count in the
    # city figures; every unit is still listed with its status.
    approved_only: bool = False

    def unit(self, code: str) -> UnitEntry | None:
        for entry in self.units:
            if entry.code == code:
                return entry
        return None

    def scored_units(self, include_drafts: bool = False) -> tuple[UnitEntry, ...]:
        """The units whose results the city figures use: submitted responses, plus
        drafts when `include_drafts`; with `approved_only`, approved responses only
        (drafts never count then)."""
        if self.approved_only:
            return tuple(u for u in self.units if u.result is not None and u.submitted and u.approved)
        return tuple(
            u for u in self.units
            if u.result is not None and (u.submitted or include_drafts)
        )


@dataclass(frozen=True)
class ReportData:
    """A round and, when there is one, the previous round of the same family."""

    current: RoundData
    previous: RoundData | None
    engine_version: str = ENGINE_VERSION


def result_from_dict(data: Mapping[str, Any]) -> ScoreResult:
    """A `ScoreResult` back from its JSON object (`ScoreResult.to_dict()`), as stored in
    a score snapshot. Nothing is recomputed."""
    q = data["questionnaire"]
    o = data["overall"]
    return ScoreResult(
        questionnaire=QuestionnaireRef(q["id"], q["version"], q["hash"]),
        overall=OverallScore(o["level"], o["percent"], o["completeness"], o["unknown_count"]),
        areas=tuple(
            AreaScore(a["id"], a["assessed"], a["level"], a["percent"], a["target_level"],
                      a["gap"], a["next_level_progress"])
            for a in data["areas"]
        ),
        questions=tuple(
            QuestionScore(x["id"], x["area"], x["status"], x["included"], x["credit"],
                          x["met"], x["unknown"])
            for x in data["questions"]
        ),
    )
