"""The compiled scoring engine (spec: scoring.md).

A questionnaire version is compiled once into a `ScoringPlan`: flat tuples of each
question's weight, level, area index and answer table, and every `show_if` turned into
a closure. Scoring a response then walks those tuples in one pass, with no look-ups in
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
from survey_engine.scoring.result import (
    ANSWERED,
    HIDDEN,
    MISSING,
    NOT_APPLICABLE,
    UNSCORED,
    AreaScore,
    OverallScore,
    QuestionnaireRef,
    QuestionScore,
    ScoreResult,
)

ENGINE_VERSION = "scoring/1"

# Tolerance of the `met` test: credit >= met_threshold - MET_EPSILON.
MET_EPSILON = 1e-9

TEXT, CHOICE, MULTI, NUMBER = 0, 1, 2, 3
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
    # choice: value -> (credit or None when not applicable, unknown)
    # multi: (value -> weight, total weight); number: ((min, credit), ...)
    table: Any
    watched: bool  # some later condition reads this question's answer


@dataclass(frozen=True)
class ScoringPlan:
    """A questionnaire version compiled for fast scoring."""

    ref: QuestionnaireRef
    questions: tuple[CompiledQuestion, ...]
    rows: tuple[tuple, ...]  # the same, as plain tuples for the hot loop
    area_ids: tuple[str, ...]
    area_weights: tuple[float, ...]
    area_targets: tuple[int, ...]
    max_level: int
    threshold: float  # met_threshold - MET_EPSILON


def _build_plan(q: Questionnaire) -> ScoringPlan:
    watched: set[str] = set()
    for question in q.questions():
        if question.show_if is not None:
            _condition_targets(question.show_if, watched)
    compiled: list[CompiledQuestion] = []
    for ai, area in enumerate(q.areas):
        for question in area.questions:
            kind = _KINDS[question.type]
            table: Any = None
            if kind == CHOICE:
                scale = q.scales[question.scale]
                table = {o.value: (None if o.not_applicable else float(o.credit), bool(o.unknown))
                         for o in scale.options}
            elif kind == MULTI:
                # Checked weights are summed in option order, as the spec lists them,
                # so that results do not depend on the order of the answer list.
                order = {o.value: (i, float(o.weight)) for i, o in enumerate(question.options)}
                unit = all(o.weight == 1.0 for o in question.options)
                table = (order, sum(o.weight for o in question.options), unit)
            elif kind == NUMBER:
                table = tuple((float(b.min), float(b.credit)) for b in question.bands)
            compiled.append(CompiledQuestion(
                id=question.id,
                area_index=ai,
                area_id=area.id,
                kind=kind,
                level=question.level or 0,
                weight=float(question.weight),
                required=question.required,
                condition=_compile_condition(question.show_if) if question.show_if is not None else None,
                table=table,
                watched=question.id in watched,
            ))
    rows = tuple((c.id, c.area_index, c.kind, c.level, c.weight, c.required, c.condition,
                  c.table, c.watched, c.area_id) for c in compiled)
    return ScoringPlan(
        ref=QuestionnaireRef(q.id, q.version, q.hash),
        questions=tuple(compiled),
        rows=rows,
        area_ids=tuple(a.id for a in q.areas),
        area_weights=tuple(float(a.weight) for a in q.areas),
        area_targets=tuple(q.area_target(a) for a in q.areas),
        max_level=q.max_level,
        threshold=q.met_threshold - MET_EPSILON,
    )


_CACHE_SIZE = 64
_cache: OrderedDict[str, tuple[Questionnaire, ScoringPlan]] = OrderedDict()
_cache_lock = Lock()


def compile_questionnaire(questionnaire: Questionnaire) -> ScoringPlan:
    """The scoring plan of a questionnaire version, compiled once and cached by its
    content hash. A different object with the same hash is compared by content before
    its cached plan is reused, so a hand-built model with a placeholder hash is safe."""
    key = questionnaire.hash
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
    order). Shared by single responses and roll-ups."""
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
    threshold = plan.threshold
    seen: dict[str, Any] = {}
    get = answers.get
    out: list[QuestionScore] = []
    append = out.append
    included_l: list[bool] = []
    credit_l: list[float | None] = []
    met_l: list[bool | None] = []
    required_visible = 0
    required_done = 0
    unknown_count = 0
    for qid, _ai, kind, _level, _w, required, cond, table, watched, area_id in plan.rows:
        if cond is not None and not cond(seen):
            append(QuestionScore(qid, area_id, HIDDEN, False, None, None, False))
            included_l.append(False)
            credit_l.append(None)
            met_l.append(None)
            continue
        value = get(qid)
        if required:
            required_visible += 1
        if value is None:
            if kind == TEXT:
                append(QuestionScore(qid, area_id, UNSCORED, False, None, None, False))
                inc, credit, m = False, None, None
            elif required:
                inc, credit, m = True, 0.0, 0.0 >= threshold
                append(QuestionScore(qid, area_id, MISSING, True, 0.0, m, False))
            else:
                append(QuestionScore(qid, area_id, MISSING, False, None, None, False))
                inc, credit, m = False, None, None
            included_l.append(inc)
            credit_l.append(credit)
            met_l.append(m)
            continue
        if watched:
            seen[qid] = value
        if required:
            required_done += 1
        unknown = False
        if kind == CHOICE:
            try:
                credit, unknown = table[value]
            except KeyError:
                raise ValueError(f"{qid}: {value!r} is not an option of its scale") from None
            if credit is None:
                append(QuestionScore(qid, area_id, NOT_APPLICABLE, False, None, None, False))
                included_l.append(False)
                credit_l.append(None)
                met_l.append(None)
                continue
            if unknown:
                unknown_count += 1
        elif kind == MULTI:
            order, total, unit = table
            if unit:  # sums of 1.0 are exact in any order
                credit = len(value) / total
            else:
                checked = 0
                for _, w in sorted(order[v] for v in value):
                    checked += w
                credit = checked / total
        elif kind == NUMBER:
            credit = 0.0
            for low, band_credit in table:
                if low <= value:
                    credit = band_credit
                    break
        else:  # text: answered, counts for completeness, never scored
            append(QuestionScore(qid, area_id, UNSCORED, False, None, None, False))
            included_l.append(False)
            credit_l.append(None)
            met_l.append(None)
            continue
        m = credit >= threshold
        append(QuestionScore(qid, area_id, ANSWERED, True, credit, m, unknown))
        included_l.append(True)
        credit_l.append(credit)
        met_l.append(m)
    areas, o_level, o_percent = area_scores(plan, included_l, credit_l, met_l)
    completeness = required_done / required_visible if required_visible else 1.0
    return ScoreResult(
        questionnaire=plan.ref,
        overall=OverallScore(o_level, o_percent, completeness, unknown_count),
        areas=areas,
        questions=tuple(out),
    )


def score_response(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> ScoreResult:
    """Score one response: `answers` maps question id -> value, already validated
    against the questionnaire; None or an absent key means unanswered; answers to
    hidden questions are ignored."""
    return score_compiled(compile_questionnaire(questionnaire), answers)
