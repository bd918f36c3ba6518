"""Input types, derived counts and display formatting of the charts."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_engine.charts import (
    DistributionData,
    HeatmapData,
    ResponseRateData,
    TrendData,
    TrendSeries,
    distribution_from_heatmap,
)
from survey_engine.charts.style import level_colors, text_color_on, wrap
from survey_engine.charts.text import format_number, format_percent, format_share


def test_heatmap_shape_is_checked():
    with pytest.raises(ValueError, match="rows"):
        HeatmapData(("A", "B"), ("x",), ((1,),))
    with pytest.raises(ValueError, match="'B'"):
        HeatmapData(("A", "B"), ("x", "y"), ((1, 2), (3,)))


def test_distribution_shape_is_checked():
    with pytest.raises(ValueError):
        DistributionData(("a", "b"), ((1, 2),))
    with pytest.raises(ValueError):
        DistributionData(("a", "b"), ((1, 2), (1, 2, 3)))
    with pytest.raises(ValueError):
        DistributionData(("a",), ((1, -1),))
    with pytest.raises(ValueError):
        DistributionData(("a",), ((1, 1),), (1, 2))


def test_trend_and_response_shapes_are_checked():
    with pytest.raises(ValueError, match="rounds"):
        TrendData(("2025", "2026"), (TrendSeries("a", (1.0,)),))
    with pytest.raises(ValueError, match="measure"):
        TrendData(("2025",), (), "median")
    with pytest.raises(ValueError):
        TrendData(("2025", "2026"), (TrendSeries("a", (1.0, 2.0), (True,)),))
    with pytest.raises(ValueError):
        ResponseRateData(("a",), (1,), (1, 2), (0,))
    with pytest.raises(ValueError):
        ResponseRateData(("a",), (-1,), (1,), (0,))


def test_distribution_from_heatmap_counts():
    data = HeatmapData(
        ("A", "B", "C"), ("x", "y"), ((0, None), (2, 2), (2, 4))
    )
    dist = distribution_from_heatmap(data, max_level=4)
    assert dist.areas == ("x", "y")
    assert dist.counts == ((1, 0, 2, 0, 0), (0, 0, 1, 0, 1))
    assert dist.not_assessed == (0, 1)
    assert dist.max_level == 4


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=0, max_value=6).flatmap(
        lambda n_areas: st.lists(
            st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=n_areas, max_size=n_areas),
            max_size=8,
        ).map(lambda rows: (n_areas, rows))
    )
)
def test_distribution_accounts_for_every_unit(arg):
    n_areas, rows = arg
    data = HeatmapData(
        tuple(f"u{i}" for i in range(len(rows))),
        tuple(f"a{j}" for j in range(n_areas)),
        tuple(tuple(r) for r in rows),
    )
    dist = distribution_from_heatmap(data, max_level=4)
    for j in range(n_areas):
        assert sum(dist.counts[j]) + dist.not_assessed_of(j) == len(rows)
        for level, count in enumerate(dist.counts[j]):
            assert count == sum(1 for r in rows if r[j] == level)


def test_number_formatting():
    assert format_percent(45.5, "sv") == "46 %"
    assert format_percent(44.5, "sv") == "45 %"  # half up, not to even
    assert format_percent(80, "en") == "80%"
    assert format_number(2.25, "sv", 1) == "2,3"
    assert format_number(2.25, "en", 1) == "2.3"
    assert format_number(-0.2, "sv") == "0"
    assert format_share(0.8, "sv") == "80 %"


def test_level_colours_and_contrast():
    assert level_colors(4) == level_colors(4)
    assert len(level_colors(3)) == 4
    assert level_colors(0) == level_colors(0)[:1]
    assert text_color_on("#000000") == "#FFFFFF"
    assert text_color_on("#FFFFFF") == "#000000"
    # sequential: level 0 lightest (black text), the top level darkest (white text)
    assert text_color_on(level_colors(4)[0]) == "#000000"
    assert text_color_on(level_colors(4)[4]) == "#FFFFFF"


def test_wrap():
    assert wrap("Ledning och styrning", 10) == "Ledning\noch\nstyrning"
    assert wrap("  many   spaces ", 40) == "many spaces"
    assert wrap("", 10) == ""
    cut = wrap("a " * 100, 10, max_lines=2)
    assert cut.count("\n") == 1 and cut.endswith("…")
    # a word up to 1.5 x the width stays whole; longer words are split at 1.5 x
    assert wrap("Informationsklassning", 18) == "Informationsklassning"
    long_word = wrap("x" * 50, 10, max_lines=3)
    assert all(len(line) <= 15 for line in long_word.splitlines())
    assert long_word.count("\n") == 2 and long_word.endswith("…")
