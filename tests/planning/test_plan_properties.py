"""Property-based tests of priorities and plans over generated questionnaires."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey_engine.planning import make_plan, period_sequence, priorities
from survey_engine.planning.plan import PRIORITY_DECIMALS
from survey_engine.scoring import score_response
from survey_engine.scoring.synthetic import random_answers, random_questionnaire

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def plans(draw):
    rng = draw(st.randoms(use_true_random=False))
    q = random_questionnaire(rng, n_areas=rng.randint(1, 4), questions_per_area=rng.randint(1, 9),
                             levels=rng.randint(1, 4), p_condition=0.2)
    result = score_response(q, random_answers(q, rng, p_missing=0.2))
    prios = priorities(q, result)
    start = draw(st.sampled_from(["2026H1", "2026H2", "2030H2"]))
    periods = draw(st.integers(1, 6))
    capacity = draw(st.integers(0, 12))
    return q, result, prios, make_plan(q, prios, start, periods, capacity)


@SETTINGS
@given(plans())
def test_priorities_are_the_candidates_in_order(case):
    q, result, prios, _ = case
    expected = {x.id for x in result.questions
                if x.included and not x.met
                and q.question(x.id).level <= q.area_target(q.area(x.area))}
    assert {p.question for p in prios} == expected
    keys = [(-round(p.priority, PRIORITY_DECIMALS), p.level, p.order) for p in prios]
    assert keys == sorted(keys)
    for p in prios:
        assert p.priority > 0
        assert p.level > result.area(p.area).level


@SETTINGS
@given(plans())
def test_plan_respects_capacity_and_level_order(case):
    q, _, prios, plan = case
    placed: dict[str, int] = {}
    for index, period in enumerate(plan.periods):
        efforts = [q.question(a).effort for a in period.actions]
        assert sum(efforts) == period.effort <= plan.capacity
        for a in period.actions:
            placed[a] = index
    # every priority is planned exactly once or in the backlog
    scheduled = [a for p in plan.periods for a in p.actions] + list(plan.backlog)
    assert sorted(scheduled) == sorted(p.question for p in prios)
    by_id = {p.question: p for p in prios}
    for a, index in placed.items():
        for other in prios:
            if other.area == by_id[a].area and other.level < by_id[a].level:
                # no action before a lower-level action of its area, nor with one in the backlog
                assert other.question in placed
                assert placed[other.question] <= index
    assert [p.period for p in plan.periods] == period_sequence(plan.periods[0].period, len(plan.periods))


@SETTINGS
@given(plans())
def test_plan_places_each_action_in_the_earliest_allowed_period(case):
    """Re-check the greedy rule after the fact: nothing could have gone earlier at the
    time it was placed (capacity used by actions scheduled before it)."""
    q, _, prios, plan = case
    order = sorted(prios, key=lambda p: (p.level, -round(p.priority, PRIORITY_DECIMALS), p.order))
    where = {a: i for i, p in enumerate(plan.periods) for a in p.actions}
    used = [0] * len(plan.periods)
    for p in order:
        effort = q.question(p.question).effort
        lower = [o for o in prios if o.area == p.area and o.level < p.level]
        earliest = max((where[o.question] for o in lower if o.question in where), default=0)
        blocked = any(o.question not in where for o in lower)
        fits = [i for i in range(earliest, len(plan.periods)) if used[i] + effort <= plan.capacity]
        if blocked or not fits:
            assert p.question in plan.backlog
        else:
            assert where[p.question] == fits[0]
            used[fits[0]] += effort
