"""Follow-up: the effect of a plan, measured by a later round (docs/planning.md, "Follow-up").

Works across questionnaire versions through continuity (docs/questionnaire-format.md): the
question of V2 that continues an action's question of V1 is compared with it.
"""
from __future__ import annotations

from dataclasses import dataclass

from survey_engine.questionnaire.model import Questionnaire

from survey_engine.questionnaire.continuity import continuity_map, successor_map

EFFECTS = ("met", "improved", "unchanged", "worse", "not_comparable")
ACTION_STATUSES = ("planned", "in_progress", "done", "dropped")

# Credits closer than this count as equal (they come from the same option tables).
_EQUAL = 1e-9


def _check_result(q: Questionnaire, result) -> None:
    if result.questionnaire.hash != q.hash:
        raise ValueError(f"a result for {result.questionnaire.id} {result.questionnaire.version} was "
                         f"given with questionnaire {q.id} {q.version}: pass each round's own version")


def _same_version(q1: Questionnaire, q2: Questionnaire) -> bool:
    return q1 is q2 or (q1.id == q2.id and q1.version == q2.version and q1.hash == q2.hash)


def _successor(question_id: str, q1: Questionnaire, q2: Questionnaire) -> str | None:
    if _same_version(q1, q2):
        return question_id if q1.question(question_id) is not None else None
    return successor_map(q2, q1).get(question_id)


def action_effect(question_id: str, q1: Questionnaire, result1, q2: Questionnaire, result2) -> str:
    """The effect of the action on `question_id` (a question of q1, scored in result1)
    as measured by result2 (a later round, questionnaire q2):
    met / improved / unchanged / worse / not_comparable."""
    _check_result(q1, result1)
    _check_result(q2, result2)
    successor = _successor(question_id, q1, q2)
    if successor is None:
        return "not_comparable"
    after = result2.question(successor)
    if after is None or not after.included:
        return "not_comparable"
    if after.met:
        return "met"
    before = result1.question(question_id)
    if before is None or not before.included:  # no credit to compare with
        return "not_comparable"
    if after.credit > before.credit + _EQUAL:
        return "improved"
    if after.credit < before.credit - _EQUAL:
        return "worse"
    return "unchanged"


def is_flagged(status: str, effect: str) -> bool:
    """An action reported `done` whose measured effect is `unchanged` or `worse`."""
    return status == "done" and effect in ("unchanged", "worse")


def comparable_share(q1: Questionnaire, q2: Questionnaire, area_id: str) -> float | None:
    """Σ w of q2's scored questions in the area that continue a q1 question / Σ w of all
    q2's scored questions in the area; None when q2 has no such area."""
    area = q2.area(area_id)
    if area is None:
        return None
    if _same_version(q1, q2):
        continuing = {question.id for question in q2.questions()}
    else:
        continuing = set(continuity_map(q2, q1))
    total = 0.0
    comparable = 0.0
    for question in area.questions:
        if not question.scored:
            continue
        total += question.weight
        if question.id in continuing:
            comparable += question.weight
    return comparable / total if total else None


@dataclass(frozen=True)
class AreaFollowUp:
    """One area in both rounds. Figures are None where the area is missing from a
    version or was not assessed in a round."""

    area: str
    level_before: int | None
    level_after: int | None
    percent_before: float | None
    percent_after: float | None
    comparable_share: float | None

    def to_dict(self) -> dict:
        return {
            "area": self.area,
            "level_before": self.level_before,
            "level_after": self.level_after,
            "percent_before": self.percent_before,
            "percent_after": self.percent_after,
            "comparable_share": self.comparable_share,
        }


def area_follow_up(q1: Questionnaire, result1, q2: Questionnaire, result2) -> list[AreaFollowUp]:
    """Every area of q2 (file order), then any area only q1 has, with level and
    percent in both rounds and the comparable share."""
    _check_result(q1, result1)
    _check_result(q2, result2)
    before = {a.id: a for a in result1.areas}
    after = {a.id: a for a in result2.areas}
    same = _same_version(q1, q2)
    cmap = None if same else continuity_map(q2, q1)
    out: list[AreaFollowUp] = []
    for area in q2.areas:
        b, a = before.get(area.id), after.get(area.id)
        total = comparable = 0.0
        for question in area.questions:
            if question.scored:
                total += question.weight
                if same or question.id in cmap:
                    comparable += question.weight
        out.append(AreaFollowUp(
            area=area.id,
            level_before=b.level if b else None,
            level_after=a.level if a else None,
            percent_before=b.percent if b else None,
            percent_after=a.percent if a else None,
            comparable_share=comparable / total if total else None,
        ))
    for area in q1.areas:
        if q2.area(area.id) is None:
            b = before.get(area.id)
            out.append(AreaFollowUp(area.id, b.level if b else None, None,
                                    b.percent if b else None, None, None))
    return out
