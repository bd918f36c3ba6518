"""A deliberately plain implementation of docs/scoring.md, used as an oracle in tests and as
the baseline of `bench/score_bench.py`.

It walks the Pydantic model for every response and follows the spec's wording line by
line (e.g. the area level is found by trying L = 0..top), sharing no code with the
compiled engine except the result classes.
"""
from __future__ import annotations

from typing import Any, Mapping

from survey_engine.questionnaire.model import Questionnaire
from survey_engine.scoring.result import (
    AreaScore,
    OverallScore,
    QuestionnaireRef,
    QuestionScore,
    ScoreResult,
)


def _holds(cond: Any, visible_answers: dict[str, Any]) -> bool:
    if cond.kind == "all":
        return all(_holds(c, visible_answers) for c in cond.conditions)
    if cond.kind == "any":
        return any(_holds(c, visible_answers) for c in cond.conditions)
    if cond.question not in visible_answers:  # hidden or unanswered: false
        return False
    value = visible_answers[cond.question]
    if cond.kind == "in":
        return value in cond.values
    if cond.kind == "includes":
        return cond.value in value
    if cond.kind == "min":
        return value >= cond.min
    raise ValueError(cond.kind)


def reference_score(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> ScoreResult:
    q = questionnaire
    visible_answers: dict[str, Any] = {}
    questions: list[QuestionScore] = []
    required_visible = 0
    required_done = 0
    unknown_count = 0
    for question in q.questions():
        visible = question.show_if is None or _holds(question.show_if, visible_answers)
        value = answers.get(question.id)
        if visible and value is not None:
            visible_answers[question.id] = value
        status, included, credit, unknown = "answered", False, None, False
        if not visible:
            status = "hidden"
        elif question.type == "text":
            status = "unscored"
        elif value is None:
            status = "missing"
            if question.required:
                included, credit = True, 0.0
        elif question.type == "choice":
            option = q.scale_of(question).option(value)
            if option.not_applicable:
                status = "not_applicable"
            else:
                included, credit, unknown = True, option.credit, option.unknown
        elif question.type == "multi":
            total = sum(o.weight for o in question.options)
            checked = sum(o.weight for o in question.options if o.value in value)
            included, credit = True, checked / total
        else:  # number
            included = True
            credit = next((b.credit for b in question.bands if b.min <= value), 0.0)
        if visible and question.required:
            required_visible += 1
            if status in ("answered", "not_applicable"):
                required_done += 1
        if status == "answered" and unknown:
            unknown_count += 1
        met = (credit >= q.met_threshold - 1e-9) if included else None
        questions.append(QuestionScore(question.id, question.area, status, included,
                                       credit, met, bool(unknown)))
    areas, overall_level, overall_percent = reference_areas(q, questions)
    completeness = required_done / required_visible if required_visible else 1.0
    return ScoreResult(
        questionnaire=QuestionnaireRef(q.id, q.version, q.hash),
        overall=OverallScore(overall_level, overall_percent, completeness, unknown_count),
        areas=areas,
        questions=tuple(questions),
    )


def reference_areas(q: Questionnaire, outcomes) -> tuple[tuple[AreaScore, ...], int | None, float | None]:
    """Area and overall figures from per-question outcomes (anything with id, included,
    credit and met), following docs/scoring.md's definitions literally."""
    by_id = {o.id: o for o in outcomes}
    areas = []
    assessed = []
    for area in q.areas:
        target = q.area_target(area)
        inc = [(question, by_id[question.id]) for question in area.questions
               if by_id[question.id].included]
        if not inc:
            areas.append(AreaScore(area.id, False, None, None, target, None, None))
            continue
        total_w = 0.0
        total_wc = 0.0
        for question, o in inc:
            total_w += question.weight
            total_wc += question.weight * o.credit
        percent = 100.0 * total_wc / total_w
        top = max(question.level for question, _ in inc)
        level = 0
        for candidate in range(0, top + 1):
            if all(o.met for question, o in inc if question.level <= candidate):
                level = candidate
        progress = None
        if level < top:
            at_next = [(question, o) for question, o in inc if question.level == level + 1]
            met_w = 0.0
            all_w = 0.0
            for question, o in at_next:
                all_w += question.weight
                if o.met:
                    met_w += question.weight
            progress = met_w / all_w
        areas.append(AreaScore(area.id, True, level, percent, target, max(0, target - level), progress))
        assessed.append((area.weight, level, percent))
    if not assessed:
        return tuple(areas), None, None
    sum_w = 0.0
    sum_wp = 0.0
    for w, _, p in assessed:
        sum_w += w
        sum_wp += w * p
    return tuple(areas), min(lv for _, lv, _ in assessed), sum_wp / sum_w
