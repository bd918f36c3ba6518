"""docs/planning.md's worked example, period naming, the constraints and follow-up."""
from __future__ import annotations

from datetime import date

import pytest

from survey_engine.planning import (
    action_effect,
    area_follow_up,
    comparable_share,
    is_flagged,
    make_plan,
    next_half_year,
    period_sequence,
    priorities,
)
from survey_engine.scoring import rollup, score_response
from survey_engine.scoring.synthetic import make_questionnaire, standard_scale


@pytest.fixture(scope="module")
def example():
    return make_questionnaire(
        [
            {"id": "a", "weight": 1, "target_level": 3, "questions": [
                {"id": "a1", "level": 1, "effort": 2},
                {"id": "a2", "level": 2, "effort": 3},
                {"id": "a3", "level": 3, "effort": 1, "statutory": True},
            ]},
            {"id": "b", "weight": 2, "target_level": 2, "questions": [
                {"id": "b1", "level": 1, "weight": 2, "effort": 4},
                {"id": "b2", "level": 2, "effort": 2},
                {"id": "b3", "level": 3},
            ]},
        ],
        levels=3,
        scales={"jnd": standard_scale("jnd", unknown=False)},
    )


ANSWERS = {"a1": "nej", "a2": "delvis", "a3": "nej", "b1": "nej", "b2": "nej", "b3": "nej"}


def test_worked_example_priorities(example):
    result = score_response(example, ANSWERS)
    assert result.area("a").level == 0 and result.area("b").level == 0
    prios = priorities(example, result)
    assert [p.question for p in prios] == ["b1", "a1", "b2", "a3", "a2"]
    assert [p.priority for p in prios] == [4.0, 1.0, 1.0, 0.375, 0.25]
    assert all(p.kind == "improve" for p in prios)
    assert prios[0].to_dict() == {"question": "b1", "area": "b", "level": 1, "credit": 0.0,
                                  "priority": 4.0, "kind": "improve"}


def test_worked_example_plan(example):
    prios = priorities(example, score_response(example, ANSWERS))
    plan = make_plan(example, prios, start="2026H2", periods=4, capacity=6)
    assert plan.to_dict()["periods"] == [
        {"period": "2026H2", "effort": 6, "actions": ["b1", "a1"]},
        {"period": "2027H1", "effort": 6, "actions": ["b2", "a2", "a3"]},
        {"period": "2027H2", "effort": 0, "actions": []},
        {"period": "2028H1", "effort": 0, "actions": []},
    ]
    assert plan.to_dict()["backlog"] == []
    assert plan.to_dict()["priorities"] == [p.to_dict() for p in prios]


def test_backlog_blocks_higher_levels_of_the_same_area(example):
    prios = priorities(example, score_response(example, ANSWERS))
    # capacity 3: b1 (4) fits nowhere -> backlog, and so must b2 (same area, higher level);
    # a1 (2) in 2026H1; a2 (3) does not fit beside it -> 2026H2; a3 (1) may not go before
    # a2's period, which is full -> 2027H1.
    plan = make_plan(example, prios, start="2026H1", periods=3, capacity=3)
    assert [p.period for p in plan.periods] == ["2026H1", "2026H2", "2027H1"]
    assert [list(p.actions) for p in plan.periods] == [["a1"], ["a2"], ["a3"]]
    assert list(plan.backlog) == ["b1", "b2"]
    # b2 (effort 2) would have fitted in 2026H1 beside a1: it is in the backlog only
    # because b1 is.
    assert plan.periods[0].effort == 2


def test_not_before_lower_level_period():
    q = make_questionnaire([{"id": "x", "questions": [
        {"id": "x1", "level": 1, "effort": 5},
        {"id": "x2", "level": 1, "effort": 5},
        {"id": "x3", "level": 2, "effort": 1},
    ]}, {"id": "y", "questions": [{"id": "y1", "level": 1, "effort": 4}]}])
    r = score_response(q, {"x1": "nej", "x2": "nej", "x3": "nej", "y1": "nej"})
    plan = make_plan(q, priorities(q, r), start="2026H1", periods=3, capacity=9)
    # x1 and y1 fill 2026H1 (9); x2 goes to 2026H2; x3 would fit in 2026H2 too, not in 2026H1.
    assert [list(p.actions) for p in plan.periods] == [["x1", "y1"], ["x2", "x3"], []]


def test_periods_and_default_start():
    assert period_sequence("2026H2", 4) == ["2026H2", "2027H1", "2027H2", "2028H1"]
    assert next_half_year(date(2026, 11, 29)) == "2027H1"
    assert next_half_year(date(2026, 6, 30)) == "2026H2"
    assert next_half_year(date(2026, 1, 1)) == "2026H2"
    assert next_half_year(date(2026, 7, 1)) == "2027H1"
    for bad in ["2026H3", "2026h1", "26H1", "2026-H1", ""]:
        with pytest.raises(ValueError):
            period_sequence(bad, 1)


def test_investigate_kind_and_target_cutoff():
    q = make_questionnaire([{"id": "x", "target_level": 2, "questions": [
        {"id": "x1", "level": 1}, {"id": "x2", "level": 2}, {"id": "x3", "level": 3}]}])
    r = score_response(q, {"x1": "vet-ej", "x2": "delvis", "x3": "nej"})
    prios = priorities(q, r)
    assert [(p.question, p.kind) for p in prios] == [("x1", "investigate"), ("x2", "improve")]
    assert prios[1].priority == 0.25


def test_priorities_from_a_rollup(example):
    r1 = score_response(example, ANSWERS)
    r2 = score_response(example, {**ANSWERS, "b1": "ja"})
    combined = rollup(example, [r1, r2], method="mean")
    prios = priorities(example, combined)
    b1 = next(p for p in prios if p.question == "b1")
    assert b1.credit == 0.5 and b1.priority == 2.0


def test_effects_same_version(example):
    r1 = score_response(example, ANSWERS)
    r2 = score_response(example, {"a1": "ja", "a2": "delvis", "a3": "delvis", "b1": "nej", "b2": "na"})
    assert action_effect("a1", example, r1, example, r2) == "met"
    assert action_effect("a2", example, r1, example, r2) == "unchanged"
    assert action_effect("a3", example, r1, example, r2) == "improved"
    assert action_effect("b2", example, r1, example, r2) == "not_comparable"
    r3 = score_response(example, {**ANSWERS, "a2": "nej"})
    assert action_effect("a2", example, r1, example, r3) == "worse"
    assert is_flagged("done", "worse") and is_flagged("done", "unchanged")
    assert not is_flagged("done", "improved") and not is_flagged("planned", "worse")


def test_effects_and_share_across_versions():
    v1 = make_questionnaire([{"id": "x", "questions": [
        {"id": "old-name", "level": 1}, {"id": "same", "level": 1},
        {"id": "changed", "level": 2}, {"id": "gone", "level": 2}]}], version="2026.1")
    v2 = make_questionnaire([{"id": "x", "questions": [
        {"id": "new-name", "level": 1, "previous_ids": ["old-name"], "weight": 2},
        {"id": "same", "level": 1},
        {"id": "changed", "level": 2, "comparable": False},
        {"id": "added", "level": 2},
        {"id": "note", "type": "text"}]}], version="2027.1", previous="2026.1")
    r1 = score_response(v1, {"old-name": "nej", "same": "delvis", "changed": "nej", "gone": "nej"})
    r2 = score_response(v2, {"new-name": "delvis", "same": "ja", "changed": "ja", "added": "ja"})
    assert action_effect("old-name", v1, r1, v2, r2) == "improved"
    assert action_effect("same", v1, r1, v2, r2) == "met"
    assert action_effect("changed", v1, r1, v2, r2) == "not_comparable"
    assert action_effect("gone", v1, r1, v2, r2) == "not_comparable"
    # scored questions of x in v2: new-name (2), same (1), changed (1), added (1)
    assert comparable_share(v1, v2, "x") == 3 / 5
    (fu,) = area_follow_up(v1, r1, v2, r2)
    assert fu.comparable_share == 3 / 5
    assert (fu.level_before, fu.level_after) == (0, 0)  # new-name (level 1) only delvis
    assert fu.percent_before == pytest.approx(100 * 0.5 / 4)
    assert fu.percent_after == pytest.approx(100 * (2 * 0.5 + 1 + 1 + 1) / 5)
    assert area_follow_up(v1, r1, v1, r1)[0].comparable_share == 1.0


def test_results_must_match_their_questionnaires(example):
    other = make_questionnaire([{"id": "x", "questions": [{"id": "x1", "level": 1}]}], version="2027.1")
    r = score_response(example, ANSWERS)
    r_other = score_response(other, {"x1": "ja"})
    with pytest.raises(ValueError):
        action_effect("a1", example, r, other, r)
    with pytest.raises(ValueError):
        area_follow_up(example, r_other, other, r_other)
    with pytest.raises(ValueError):
        priorities(example, r_other)
    # unrelated versions: nothing continues, so every effect is not comparable
    assert action_effect("a1", example, r, other, r_other) == "not_comparable"
    assert r.area("nosuch") is None and r.question("nosuch") is None
