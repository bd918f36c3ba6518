"""Property-based tests over generated questionnaires and answers.

The questionnaires come from `random_questionnaire` driven by hypothesis' own Random
(`st.randoms(use_true_random=False)`), so failures shrink and replay.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey_engine.scoring import compile_questionnaire, rollup, score_response
from survey_engine.scoring.engine import area_scores
from survey_engine.scoring.reference import reference_score
from survey_engine.scoring.synthetic import random_answers, random_questionnaire

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def cases(draw, p_condition: float = 0.3, units: int = 1):
    rng = draw(st.randoms(use_true_random=False))
    q = random_questionnaire(rng, n_areas=rng.randint(1, 4), questions_per_area=rng.randint(1, 8),
                             levels=rng.randint(1, 4), p_condition=p_condition)
    answers = [random_answers(q, rng, p_missing=rng.choice([0.0, 0.2, 0.6])) for _ in range(units)]
    return q, answers


@SETTINGS
@given(cases())
def test_compiled_engine_equals_reference(case):
    q, (answers,) = case
    assert score_response(q, answers).to_dict() == reference_score(q, answers).to_dict()


@SETTINGS
@given(cases())
def test_percent_in_range_and_level_at_most_top(case):
    q, (answers,) = case
    r = score_response(q, answers)
    for area, score in zip(q.areas, r.areas):
        if not score.assessed:
            assert score.level is None and score.percent is None
            continue
        assert 0.0 <= score.percent <= 100.0
        top = max(q.question(x.id).level for x in r.questions if x.area == area.id and x.included)
        assert 0 <= score.level <= top
        assert score.gap == max(0, score.target_level - score.level)
        if score.level < top:
            assert 0.0 <= score.next_level_progress < 1.0
    if r.overall.percent is not None:
        assert 0.0 <= r.overall.percent <= 100.0 + 1e-9
    assert 0.0 <= r.overall.completeness <= 1.0


@SETTINGS
@given(cases(), st.data())
def test_raising_one_credit_never_lowers_level_or_percent(case, data):
    q, (answers,) = case
    plan = compile_questionnaire(q)
    r = score_response(q, answers)
    included = [x.included for x in r.questions]
    if not any(included):
        return
    i = data.draw(st.sampled_from([k for k, inc in enumerate(included) if inc]))
    credits = [x.credit for x in r.questions]
    new_credit = data.draw(st.floats(min_value=credits[i], max_value=1.0))
    raised = list(credits)
    raised[i] = new_credit
    met = [None if c is None else c >= plan.threshold for c in credits]
    met_raised = [None if c is None else c >= plan.threshold for c in raised]
    before, _, _ = area_scores(plan, included, credits, met)
    after, _, _ = area_scores(plan, included, raised, met_raised)
    for b, a in zip(before, after):
        if b.assessed:
            assert a.level >= b.level
            assert a.percent >= b.percent - 1e-9


@SETTINGS
@given(cases(p_condition=0.0), st.data())
def test_raising_one_answer_never_lowers_level_or_percent(case, data):
    """The same through answers (no conditions, so visibility cannot change)."""
    q, (answers,) = case
    choice = [x for x in q.questions() if x.type == "choice"]
    if not choice:
        return
    question = data.draw(st.sampled_from(choice))
    options = [o for o in q.scale_of(question).options if not o.not_applicable]
    old = q.scale_of(question).option(answers.get(question.id) or "nej")
    if old.not_applicable:
        return
    better = data.draw(st.sampled_from([o for o in options if o.credit >= old.credit]))
    before = score_response(q, {**answers, question.id: old.value})
    after = score_response(q, {**answers, question.id: better.value})
    b, a = before.area(question.area), after.area(question.area)
    assert a.level >= b.level and a.percent >= b.percent - 1e-9


@SETTINGS
@given(cases(p_condition=0.0), st.data())
def test_not_applicable_leaves_every_denominator(case, data):
    q, (answers,) = case
    choice = [x for x in q.questions() if x.type == "choice"]
    if not choice:
        return
    question = data.draw(st.sampled_from(choice))
    plan = compile_questionnaire(q)
    na = score_response(q, {**answers, question.id: "na"})
    other = score_response(q, {**answers, question.id: data.draw(st.sampled_from(["ja", "nej", "delvis"]))})
    assert na.question(question.id).status == "not_applicable"
    assert na.question(question.id).included is False
    # The N/A result is the other result with the question left out of the area sums.
    included = [x.included and x.id != question.id for x in other.questions]
    expected, level, percent = area_scores(plan, included, [x.credit for x in other.questions],
                                           [x.met for x in other.questions])
    assert na.areas == expected
    assert (na.overall.level, na.overall.percent) == (level, percent)
    # completeness counts N/A as done, like an answer
    assert na.overall.completeness == other.overall.completeness


@SETTINGS
@given(cases(units=3), st.lists(st.floats(min_value=0.1, max_value=10), min_size=3, max_size=3))
def test_rollup_weakest_at_most_mean(case, weights):
    q, answers = case
    results = [score_response(q, a) for a in answers]
    weakest = rollup(q, results, "weakest")
    mean = rollup(q, results, "mean", weights)
    for w, m, *units in zip(weakest.questions, mean.questions, *(r.questions for r in results)):
        assert w.included == m.included == any(u.included for u in units)
        if w.included:
            assert w.credit <= m.credit + 1e-12
            assert w.credit == min(u.credit for u in units if u.included)
    for w, m in zip(weakest.areas, mean.areas):
        if w.assessed:
            assert w.level <= m.level
            assert w.percent <= m.percent + 1e-9


@SETTINGS
@given(cases())
def test_rollup_of_one_unit_keeps_its_figures(case):
    q, (answers,) = case
    r = score_response(q, answers)
    for method in ("weakest", "mean"):
        combined = rollup(q, [r], method)
        assert combined.areas == r.areas
        assert (combined.overall.level, combined.overall.percent) == (r.overall.level, r.overall.percent)
        assert [(x.included, x.credit, x.met) for x in combined.questions] == \
            [(x.included, x.credit, x.met) for x in r.questions]
