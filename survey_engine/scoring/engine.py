"""The compiled scoring engine (docs/scoring.md).

A questionnaire version is compiled once into a `ScoringPlan`: every answer's outcome
(the QuestionScore, weight x credit, met) is computed in advance, every `show_if`
becomes a closure, and the scoring loop is written out as one straight-line function
for this questionnaire (see codegen.py). Scoring a response then makes no look-ups in
the Pydantic model. Plans are cached by the questionnaire's content hash.

Pure: no I/O, no clock, no randomness.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock
from typing import Any, Callable, Mapping, Sequence

from survey_engine.questionnaire.model import (
    AllCondition,
    AnyCondition,
    IncludesCondition,
    InCondition,
    MinCondition,
    Questionnaire,
)
from survey_engine.scoring.codegen import CHOICE, MULTI, NUMBER, TEXT, generate_scorer
from survey_engine.scoring.result import (
    ANSWERED,
    HIDDEN,
    MISSING,
    NOT_APPLICABLE,
    UNSCORED,
    AreaScore,
    QuestionnaireRef,
    QuestionScore,
    ScoreResult,
)

ENGINE_VERSION = "scoring/1"

# Tolerance of the `met` test: credit >= met_threshold - MET_EPSILON.
MET_EPSILON = 1e-9

_KINDS = {"text": TEXT, "choice": CHOICE, "multi": MULTI, "number": NUMBER}

# Visible answers seen so far, by question id; a condition reads only this.
Seen = dict
ConditionFn = Callable[[Seen], bool]


def _compile_condition(cond: Any) -> ConditionFn:
    """A closure for one condition. A question that is hidden or unanswered is absent
    from `seen`, so every test on it is false."""
    if isinstance(cond, InCondition):
        qid, values = cond.question, frozenset(cond.values)

        def test_in(seen: Seen) -> bool:
            v = seen.get(qid)
            return v is not None and v in values

        return test_in
    if isinstance(cond, IncludesCondition):
        qid, value = cond.question, cond.value

        def test_includes(seen: Seen) -> bool:
            v = seen.get(qid)
            return v is not None and value in v

        return test_includes
    if isinstance(cond, MinCondition):
        qid, low = cond.question, cond.min

        def test_min(seen: Seen) -> bool:
            v = seen.get(qid)
            return v is not None and v >= low

        return test_min
    if isinstance(cond, AllCondition):
        parts = tuple(_compile_condition(c) for c in cond.conditions)
        return lambda seen: all(p(seen) for p in parts)
    if isinstance(cond, AnyCondition):
        parts = tuple(_compile_condition(c) for c in cond.conditions)
        return lambda seen: any(p(seen) for p in parts)
    raise TypeError(f"unknown condition type {type(cond).__name__}")


def _condition_targets(cond: Any, out: set[str]) -> None:
    if isinstance(cond, (AllCondition, AnyCondition)):
        for c in cond.conditions:
            _condition_targets(c, out)
    else:
        out.add(cond.question)


@dataclass(frozen=True)
class CompiledQuestion:
    id: str
    area_index: int
    area_id: str
    kind: int
    level: int  # 0 for text
    weight: float
    required: bool
    condition: ConditionFn | None
    # choice: value -> entry; multi: (value -> (option index, weight), total weight,
    # all weights 1.0, memo of entries by answer tuple); number: ((min, entry), ...)
    table: Any
    watched: bool  # some later condition reads this question's answer
    hidden: QuestionScore  # the outcome when not visible
    unanswered: QuestionScore  # the outcome when visible and unanswered (or text)


# An entry is the whole outcome of one answer, computed once per questionnaire:
# (QuestionScore, included, weight * credit, met, unknown).
Entry = tuple


def _entry(question_id: str, area_id: str, weight: float, credit: float | None, unknown: bool,
           threshold: float) -> Entry:
    if credit is None:
        return (QuestionScore(question_id, area_id, NOT_APPLICABLE, False, None, None, False),
                False, 0.0, None, False)
    met = credit >= threshold
    return (QuestionScore(question_id, area_id, ANSWERED, True, credit, met, unknown),
            True, weight * credit, met, unknown)


@dataclass(frozen=True)
class ScoringPlan:
    """A questionnaire version compiled for fast scoring."""

    ref: QuestionnaireRef
    questions: tuple[CompiledQuestion, ...]
    rows: tuple[tuple, ...]  # (id, area index, kind, level, weight, ..., area id) per question
    area_rows: tuple[tuple, ...]  # per area: (area id, target, weight, question rows for the hot loop)
    area_ids: tuple[str, ...]
    area_weights: tuple[float, ...]
    area_targets: tuple[int, ...]
    max_level: int
    threshold: float  # met_threshold - MET_EPSILON
    scorer: Callable[[Mapping[str, Any]], ScoreResult]  # the generated scoring function
    source: str  # its Python source, for reading and debugging


def _build_plan(q: Questionnaire) -> ScoringPlan:
    threshold = q.met_threshold - MET_EPSILON
    watched: set[str] = set()
    for question in q.questions():
        if question.show_if is not None:
            _condition_targets(question.show_if, watched)
    compiled: list[CompiledQuestion] = []
    for ai, area in enumerate(q.areas):
        for question in area.questions:
            kind = _KINDS[question.type]
            w = float(question.weight)
            qid = question.id
            table: Any = None
            if kind == CHOICE:
                table = {o.value: _entry(qid, area.id, w, None if o.not_applicable else float(o.credit),
                                         bool(o.unknown), threshold)
                         for o in q.scales[question.scale].options}
            elif kind == MULTI:
                # Checked weights are summed in option order, as the spec lists them,
                # so that the credit does not depend on the order of the answer list.
                order = {o.value: (i, float(o.weight)) for i, o in enumerate(question.options)}
                unit = all(o.weight == 1.0 for o in question.options)
                table = (order, sum(o.weight for o in question.options), unit, {})
            elif kind == NUMBER:
                table = tuple((float(b.min), _entry(qid, area.id, w, float(b.credit), False, threshold))
                              for b in question.bands)
            if kind == TEXT:
                unanswered = QuestionScore(qid, area.id, UNSCORED, False, None, None, False)
            elif question.required:
                unanswered = QuestionScore(qid, area.id, MISSING, True, 0.0, 0.0 >= threshold, False)
            else:
                unanswered = QuestionScore(qid, area.id, MISSING, False, None, None, False)
            compiled.append(CompiledQuestion(
                id=qid,
                area_index=ai,
                area_id=area.id,
                kind=kind,
                level=question.level or 0,
                weight=w,
                required=question.required,
                condition=_compile_condition(question.show_if) if question.show_if is not None else None,
                table=table,
                watched=qid in watched,
                hidden=QuestionScore(qid, area.id, HIDDEN, False, None, None, False),
                unanswered=unanswered,
            ))
    rows = tuple((c.id, c.area_index, c.kind, c.level, c.weight, c.required, c.condition,
                  c.table, c.watched, c.area_id) for c in compiled)
    area_rows = tuple(
        (area.id, q.area_target(area), float(area.weight),
         tuple((c.id, c.kind, c.level, c.weight, c.required and c.kind != TEXT, c.required, c.condition,
                c.table, c.watched, c.hidden, c.unanswered)
               for c in compiled if c.area_index == ai))
        for ai, area in enumerate(q.areas))
    ref = QuestionnaireRef(q.id, q.version, q.hash)
    scorer, source = generate_scorer(area_rows, ref, q.max_level, threshold, _entry)
    return ScoringPlan(
        ref=ref,
        questions=tuple(compiled),
        rows=rows,
        area_rows=area_rows,
        area_ids=tuple(a.id for a in q.areas),
        area_weights=tuple(float(a.weight) for a in q.areas),
        area_targets=tuple(q.area_target(a) for a in q.areas),
        max_level=q.max_level,
        threshold=threshold,
        scorer=scorer,
        source=source,
    )


_CACHE_SIZE = 64
_cache: OrderedDict[str, tuple[Questionnaire, ScoringPlan]] = OrderedDict()
_cache_lock = Lock()


def compile_questionnaire(questionnaire: Questionnaire) -> ScoringPlan:
    """The scoring plan of a questionnaire version, compiled once and cached by its
    content hash. A different object with the same hash is compared by content before
    its cached plan is reused, so a hand-built model with a placeholder hash is safe."""
    key = questionnaire.hash
    hit = _cache.get(key)
    if hit is not None and hit[0] is questionnaire:
        return hit[1]
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and (hit[0] is questionnaire or hit[0] == questionnaire):
            _cache.move_to_end(key)
            if hit[0] is not questionnaire:  # next time, the identity test suffices
                _cache[key] = (questionnaire, hit[1])
            return hit[1]
    plan = _build_plan(questionnaire)
    with _cache_lock:
        _cache[key] = (questionnaire, plan)
        _cache.move_to_end(key)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return plan


def area_scores(
    plan: ScoringPlan,
    included: Sequence[bool],
    credits: Sequence[float | None],
    met: Sequence[bool | None],
) -> tuple[tuple[AreaScore, ...], int | None, float | None]:
    """Area figures and overall level/percent from per-question outcomes (in file
    order), for roll-ups. A single response gets the same figures from its generated
    function; the property tests check that the two agree."""
    n_areas = len(plan.area_ids)
    top_level = plan.max_level + 1
    sum_w = [0.0] * n_areas
    sum_wc = [0.0] * n_areas
    top = [0] * n_areas
    lowest_unmet = [top_level] * n_areas
    level_w = [[0.0] * top_level for _ in range(n_areas)]
    level_met_w = [[0.0] * top_level for _ in range(n_areas)]
    rows = plan.rows
    for i in range(len(rows)):
        if not included[i]:
            continue
        row = rows[i]
        ai, level, w = row[1], row[3], row[4]
        sum_w[ai] += w
        sum_wc[ai] += w * credits[i]
        if level > top[ai]:
            top[ai] = level
        level_w[ai][level] += w
        if met[i]:
            level_met_w[ai][level] += w
        elif level < lowest_unmet[ai]:
            lowest_unmet[ai] = level
    areas = []
    o_level: int | None = None
    o_w = 0.0
    o_wp = 0.0
    for ai in range(n_areas):
        target = plan.area_targets[ai]
        if sum_w[ai] == 0.0:  # weights are > 0, so this means no included question
            areas.append(AreaScore(plan.area_ids[ai], False, None, None, target, None, None))
            continue
        percent = 100.0 * sum_wc[ai] / sum_w[ai]
        t = top[ai]
        level = t if lowest_unmet[ai] > t else lowest_unmet[ai] - 1
        progress = None
        if level < t:
            progress = level_met_w[ai][level + 1] / level_w[ai][level + 1]
        gap = target - level if target > level else 0
        areas.append(AreaScore(plan.area_ids[ai], True, level, percent, target, gap, progress))
        if o_level is None or level < o_level:
            o_level = level
        W = plan.area_weights[ai]
        o_w += W
        o_wp += W * percent
    return tuple(areas), o_level, (o_wp / o_w if o_w else None)


def score_compiled(plan: ScoringPlan, answers: Mapping[str, Any]) -> ScoreResult:
    """Score one response with a compiled plan (answers already validated)."""
    try:
        return plan.scorer(answers)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(
            f"the answers do not fit {plan.ref.id} {plan.ref.version}; check them first "
            f"(survey_engine.questionnaire.answers.check_answers): {type(exc).__name__}: {exc}") from None


def score_response(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> ScoreResult:
    """Score one response: `answers` maps question id -> value, already validated
    against the questionnaire; None or an absent key means unanswered; answers to
    hidden questions are ignored."""
    return score_compiled(compile_questionnaire(questionnaire), answers)
