"""Adapters from engine results (duck-typed) to chart data."""
from __future__ import annotations

from types import SimpleNamespace as NS

import pytest

from survey_engine.charts import (
    AreaPoint,
    from_score_result,
    heatmap_chart,
    heatmap_from_results,
    level_scale,
    radar_chart,
    to_svg,
    trend_chart,
    trend_from_follow_up,
    trend_from_results,
)


def questionnaire():
    return NS(
        languages=["sv", "en"],
        target_level=3,
        levels=[
            NS(level=1, name={"sv": "Grundläggande", "en": "Basic"}),
            NS(level=2, name={"sv": "Systematiskt", "en": "Systematic"}),
            NS(level=3, name={"sv": "Kvalificerat", "en": "Qualified"}),
            NS(level=4, name={"sv": "Ständigt förbättrande"}),
        ],
        areas=[
            NS(id="ledning", title={"sv": "Ledning och styrning", "en": "Governance"}, target_level=None),
            NS(id="incident", title={"sv": "Incidenthantering", "en": "Incident handling"}, target_level=4),
            NS(id="atkomst", title={"sv": "Åtkomst"}, target_level=None),
        ],
    )


def area(id, level, percent, target=3, assessed=True):
    return NS(id=id, assessed=assessed, level=level, percent=percent, target_level=target,
              gap=None, next_level_progress=None)


def result(*areas):
    return NS(areas=tuple(areas), overall=NS(level=None, percent=None))


RESULT = result(
    area("ledning", 2, 80.0),
    area("incident", None, None, target=4, assessed=False),
    area("atkomst", 0, 12.5),
)


def test_from_score_result_maps_each_area_in_order():
    points = from_score_result(questionnaire(), RESULT, "sv")
    assert points == (
        AreaPoint("Ledning och styrning", 2, 3, 80.0, True),
        AreaPoint("Incidenthantering", None, 4, None, False),
        AreaPoint("Åtkomst", 0, 3, 12.5, True),
    )


def test_from_score_result_english_falls_back_to_first_language():
    points = from_score_result(questionnaire(), RESULT, "en")
    assert [p.label for p in points] == ["Governance", "Incident handling", "Åtkomst"]


def test_from_score_result_reads_the_json_shape_too():
    as_json = {
        "areas": [
            {"id": "ledning", "assessed": True, "level": 1, "percent": 50.0, "target_level": 3},
            {"id": "okant", "assessed": True, "level": 2, "percent": 70.0, "target_level": None},
        ]
    }
    points = from_score_result(questionnaire(), as_json, "sv")
    # unknown area: its id as label, the questionnaire's target
    assert points == (
        AreaPoint("Ledning och styrning", 1, 3, 50.0, True),
        AreaPoint("okant", 2, 3, 70.0, True),
    )


def test_assessed_without_level_counts_as_not_assessed():
    points = from_score_result(questionnaire(), result(area("ledning", None, 40.0)), "sv")
    assert points[0].level is None and points[0].assessed is False and points[0].percent is None


def test_adapter_output_drives_a_chart():
    chart = radar_chart(from_score_result(questionnaire(), RESULT, "sv"))
    assert "Ledning och styrning: nivå 2 (mål 3, 80 % uppfyllt)" in chart.alt_text
    assert "Incidenthantering: ej bedömt (mål 4)" in chart.alt_text
    to_svg(chart)


def test_level_scale():
    assert level_scale(questionnaire(), "sv") == (
        4, {1: "Grundläggande", 2: "Systematiskt", 3: "Kvalificerat", 4: "Ständigt förbättrande"}
    )
    assert level_scale(questionnaire(), "en")[1][4] == "Ständigt förbättrande"
    assert level_scale(questionnaire(), "en")[1][1] == "Basic"


def test_heatmap_from_results_uses_questionnaire_order_and_marks_gaps():
    units = [
        ("Socialförvaltningen", RESULT),
        ("Kulturförvaltningen", result(area("atkomst", 3, 90.0), area("ledning", 1, 40.0))),
    ]
    data = heatmap_from_results(questionnaire(), units, "sv")
    assert data.units == ("Socialförvaltningen", "Kulturförvaltningen")
    assert data.areas == ("Ledning och styrning", "Incidenthantering", "Åtkomst")
    assert data.levels == ((2, None, 0), (1, None, 3))
    chart = heatmap_chart(data)
    assert "Kulturförvaltningen: Ledning och styrning 1, Incidenthantering ej bedömt, Åtkomst 3" in chart.alt_text
    # a mapping works as well as pairs
    assert heatmap_from_results(questionnaire(), dict(units), "sv") == data


def test_trend_from_results():
    rounds = [("2025", result(area("ledning", 1, 50.0), area("atkomst", 0, 10.0))), ("2026", RESULT)]
    data = trend_from_results(
        questionnaire(), rounds, "sv",
        comparable_share={"ledning": 0.8}, comparable={"ledning": [True, False]},
    )
    assert data.rounds == ("2025", "2026")
    by_label = {s.label: s for s in data.series}
    assert by_label["Ledning och styrning"].values == (1.0, 2.0)
    assert by_label["Ledning och styrning"].comparable == (True, False)
    assert by_label["Ledning och styrning"].comparable_share == 0.8
    assert by_label["Incidenthantering"].values == (None, None)
    assert by_label["Åtkomst"].values == (0.0, 0.0)
    percent = trend_from_results(questionnaire(), rounds, "sv", measure="percent")
    assert {s.label: s.values for s in percent.series}["Åtkomst"] == (10.0, 12.5)
    with pytest.raises(ValueError):
        trend_from_results(questionnaire(), rounds, "sv", measure="gap")
    chart = trend_chart(data)
    assert "Ledning och styrning (jämförbar andel 80 %): 2025 1, 2026 2 (ej jämförbar)" in chart.alt_text


def test_trend_from_follow_up():
    follow_ups = [
        NS(area="ledning", level_before=1, level_after=2, percent_before=50.0, percent_after=80.0,
           comparable_share=1.0),
        NS(area="atkomst", level_before=None, level_after=0, percent_before=None, percent_after=12.5,
           comparable_share=0.5),
        NS(area="incident", level_before=2, level_after=None, percent_before=60.0, percent_after=None,
           comparable_share=None),
    ]
    data = trend_from_follow_up(questionnaire(), follow_ups, ("2025", "2026"), "sv")
    assert [s.label for s in data.series] == ["Ledning och styrning", "Åtkomst", "Incidenthantering"]
    assert [s.comparable for s in data.series] == [(True, True), (True, False), (True, False)]
    assert [s.values for s in data.series] == [(1.0, 2.0), (None, 0.0), (2.0, None)]
    relaxed = trend_from_follow_up(questionnaire(), follow_ups, ("2025", "2026"), "sv", comparable_at=0.5,
                                   measure="percent")
    assert relaxed.series[1].comparable == (True, True)
    assert relaxed.series[1].values == (None, 12.5)


def test_with_the_real_engine():
    """The adapters read the engine's own ScoreResult (and roll-up) unchanged."""
    scoring = pytest.importorskip("survey_engine.scoring")
    from survey_engine.scoring.synthetic import make_questionnaire

    q = make_questionnaire(
        [
            {"id": "a", "title": "Ledning", "target_level": 3, "questions": [
                {"id": "a1", "level": 1}, {"id": "a2", "level": 2}]},
            {"id": "b", "title": "Åtkomst", "questions": [
                {"id": "b1", "level": 1, "required": False}]},
        ],
        levels=3,
    )
    r1 = scoring.score_response(q, {"a1": "ja", "a2": "delvis"})
    r2 = scoring.score_response(q, {"a1": "ja", "a2": "ja", "b1": "nej"})
    points = from_score_result(q, r1, "sv")
    assert [(p.label, p.level, p.target, p.assessed) for p in points] == [
        ("Ledning", r1.area("a").level, 3, True),
        ("Åtkomst", None, r1.area("b").target_level, False),
    ]
    assert points[0].percent == r1.area("a").percent
    combined = scoring.rollup(q, [r1, r2], method="weakest")
    data = heatmap_from_results(q, [("X", r1), ("Y", r2), ("Staden", combined)], "sv")
    assert data.levels[0] == (r1.area("a").level, None)
    assert data.levels[1] == (r2.area("a").level, r2.area("b").level)
    assert data.levels[2][0] == combined.area("a").level
