"""The verdict rules of the follow-up statement (spec §5, docs/indicators.md §5, D11, D13)."""
import datetime as dt

import pytest

from survey_engine.indicators.statement import (
    EFFEKT, EJ_MATBAR, INGEN_EFFEKT, RoundEffect, indicator_effect, inside, period_bounds, verdict,
)


def share(totals, target=0.9, direction="up", units=None):
    return indicator_effect("ind", "share", direction, target, totals, units)


def test_spec_example_training_moves_nine_points_is_effect_without_target():
    e = share([("2025-01", 0.62), ("2025-06", 0.65), ("2025-12", 0.71)])
    assert e.first_period == "2025-01" and e.last_period == "2025-12"
    assert e.change == pytest.approx(0.09) and e.improved and not e.met_at_end and not e.reached
    assert verdict([e]).code == EFFEKT


def test_spec_example_phishing_three_points_down_is_no_effect():
    e = share([("2025-Q1", 0.12), ("2025-Q4", 0.09)], target=0.05, direction="down")
    assert not e.improved and not e.reached
    assert verdict([e]).code == INGEN_EFFEKT


def test_spec_example_single_exercise_is_not_yet_measurable():
    e = share([("2025-Q4", 0.09)], target=0.05, direction="down")
    assert e.periods == 1 and not e.evidence
    assert verdict([e]).code == EJ_MATBAR
    assert verdict([]).code == EJ_MATBAR


def test_exactly_five_points_counts_and_just_under_does_not():
    assert verdict([share([("2025-01", 0.60), ("2025-12", 0.65)])]).code == EFFEKT
    assert verdict([share([("2025-01", 0.60), ("2025-12", 0.6499)])]).code == INGEN_EFFEKT


def test_wrong_direction_is_no_effect():
    assert verdict([share([("2025-01", 0.70), ("2025-12", 0.60)])]).code == INGEN_EFFEKT
    assert verdict([share([("2025-Q1", 0.10), ("2025-Q4", 0.20)], 0.05, "down")]).code == INGEN_EFFEKT
    assert verdict([share([("2025-Q1", 0.20), ("2025-Q4", 0.14)], 0.05, "down")]).code == EFFEKT


def test_reaching_the_target_is_effect_even_with_a_small_move():
    e = share([("2025-01", 0.88), ("2025-12", 0.91)])
    assert e.reached and not e.improved and verdict([e]).code == EFFEKT
    # met at both ends: not reached during the period
    e = share([("2025-01", 0.92), ("2025-12", 0.93)])
    assert not e.reached and verdict([e]).code == INGEN_EFFEKT


def test_count_and_days_use_ten_per_cent_of_the_first_value():
    days = lambda a, b: indicator_effect("patch", "days", "down", 5, [("2025-01", a), ("2025-12", b)])  # noqa
    assert verdict([days(20, 18)]).code == EFFEKT  # exactly 10 %
    assert verdict([days(20, 18.5)]).code == INGEN_EFFEKT
    count = lambda a, b: indicator_effect("inc", "count", "up", 100, [("2025", a), ("2026", b)])  # noqa
    assert verdict([count(0, 1)]).code == EFFEKT  # from zero any rise counts for "up"
    assert verdict([count(10, 10.5)]).code == INGEN_EFFEKT
    zero_down = indicator_effect("inc", "count", "down", -1, [("2025", 0), ("2026", 0)])
    assert verdict([zero_down]).code == INGEN_EFFEKT


def test_rounds_are_evidence_and_an_improvement_is_effect():
    flat = RoundEffect("area", "utbildning", True, "2024", "2026", 1.0, 1.0, 0.4, 0.4)
    better = RoundEffect("question", "utb-andel", True, "2024", "2026", None, None, 0.4, 0.5)
    not_comparable = RoundEffect("area", "x", False, level_before=1, level_after=3)
    assert verdict([], [not_comparable]).code == EJ_MATBAR
    assert verdict([], [flat]).code == INGEN_EFFEKT
    assert verdict([share([("2025-01", 0.5)])], [better]).code == EFFEKT
    assert verdict([], [flat, better]).because == ("question:utb-andel",)


def test_one_effect_among_several_links_is_enough():
    flat = share([("2025-01", 0.5), ("2025-12", 0.5)])
    up = share([("2025-01", 0.5), ("2025-12", 0.6)])
    v = verdict([flat, up])
    assert v.code == EFFEKT and v.because == ("ind",)


def test_units_are_shown_but_not_used_for_the_verdict():
    e = share([("2025-01", 0.5), ("2025-12", 0.52)],
              units={"GRF": [("2025-01", 0.3), ("2025-12", 0.6)], "SK": [("2025-06", 0.9)]})
    assert e.units["GRF"]["change"] == pytest.approx(0.3)
    assert e.units["SK"]["change"] is None and e.units["SK"]["met_at_end"]
    assert verdict([e]).code == INGEN_EFFEKT


def test_periods_inside_only_when_wholly_inside():
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    assert inside("2025-01", start, end) and inside("2025-Q4", start, end) and inside("2025", start, end)
    assert not inside("2024-12", start, end) and not inside("2026", start, end)
    assert not inside("2025-Q1", dt.date(2025, 2, 1), end)
    assert not inside("garbage", start, end)
    assert period_bounds("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert period_bounds("2025-Q2") == (dt.date(2025, 4, 1), dt.date(2025, 6, 30))
    with pytest.raises(ValueError):
        period_bounds("2025-13")
