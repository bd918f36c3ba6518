"""Result objects of the scoring engine and their JSON shapes (docs/scoring.md).

`ScoreResult.to_dict()` is exactly the object printed by `survey-engine score
--format json`; `RollupResult.to_dict()` exactly the one printed by `survey-engine
rollup --format json`. Floats are never rounded here: rounding is for display.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

# Question statuses (docs/scoring.md, "Per question").
ANSWERED = "answered"
MISSING = "missing"
HIDDEN = "hidden"
NOT_APPLICABLE = "not_applicable"
UNSCORED = "unscored"
STATUSES = (ANSWERED, MISSING, HIDDEN, NOT_APPLICABLE, UNSCORED)


class QuestionnaireRef(NamedTuple):
    """Which questionnaire version a result belongs to."""

    id: str
    version: str
    hash: str

    def to_dict(self) -> dict:
        return {"id": self.id, "version": self.version, "hash": self.hash}


class QuestionScore(NamedTuple):
    """One question's outcome. `credit` and `met` are None when not included."""

    id: str
    area: str
    status: str
    included: bool
    credit: float | None
    met: bool | None
    unknown: bool

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "area": self.area,
            "status": self.status,
            "included": self.included,
            "credit": self.credit,
            "met": self.met,
            "unknown": self.unknown,
        }


class AreaScore(NamedTuple):
    """One area's figures; level/percent/gap/next_level_progress are None when the
    area has no included question (not assessed)."""

    id: str
    assessed: bool
    level: int | None
    percent: float | None
    target_level: int
    gap: int | None
    next_level_progress: float | None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "assessed": self.assessed,
            "level": self.level,
            "percent": self.percent,
            "target_level": self.target_level,
            "gap": self.gap,
            "next_level_progress": self.next_level_progress,
        }


class OverallScore(NamedTuple):
    level: int | None
    percent: float | None
    completeness: float
    unknown_count: int

    def to_dict(self) -> dict:
        return {
            "level": self.level,
            "percent": self.percent,
            "completeness": self.completeness,
            "unknown_count": self.unknown_count,
        }


class _Lookup:
    """`area(id)`, `question(id)` and `to_dict()` for the result classes: each entry's
    own `to_dict` decides its shape (a roll-up question has no `status`)."""

    areas: tuple
    questions: tuple

    @cached_property
    def _area_index(self) -> dict:
        return {a.id: a for a in self.areas}

    @cached_property
    def _question_index(self) -> dict:
        return {q.id: q for q in self.questions}

    def area(self, area_id: str):
        """The area's figures; None when the questionnaire has no such area (like
        `Questionnaire.area`)."""
        return self._area_index.get(area_id)

    def question(self, question_id: str):
        """The question's outcome; None when the questionnaire has no such question."""
        return self._question_index.get(question_id)

    def to_dict(self) -> dict:
        return {
            "questionnaire": self.questionnaire.to_dict(),
            "overall": self.overall.to_dict(),
            "areas": [a.to_dict() for a in self.areas],
            "questions": [q.to_dict() for q in self.questions],
        }


@dataclass(frozen=True, eq=True)
class ScoreResult(_Lookup):
    """The scores of one response to one questionnaire version."""

    questionnaire: QuestionnaireRef
    overall: OverallScore
    areas: tuple[AreaScore, ...]
    questions: tuple[QuestionScore, ...]


class RollupQuestion(NamedTuple):
    """A question's combined outcome over several units. `unknown` is not defined for
    a roll-up (always False, and absent from the JSON)."""

    id: str
    area: str
    included: bool
    credit: float | None
    met: bool | None

    @property
    def unknown(self) -> bool:
        return False

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "area": self.area,
            "included": self.included,
            "credit": self.credit,
            "met": self.met,
        }


class RollupOverall(NamedTuple):
    level: int | None
    percent: float | None

    def to_dict(self) -> dict:
        return {"level": self.level, "percent": self.percent}


@dataclass(frozen=True, eq=True)
class RollupResult(_Lookup):
    """One combined result from several units' results (docs/scoring.md, "Roll-up")."""

    questionnaire: QuestionnaireRef
    method: str
    weights: tuple[float, ...]
    overall: RollupOverall
    areas: tuple[AreaScore, ...]
    questions: tuple[RollupQuestion, ...]
