"""The indicator line chart: a panel per unit with the target and the kommun total,
values in the alt text, below-target said in words, deterministic SVG."""
from survey_engine.charts import to_svg
from survey_engine.charts.indicator import IndicatorChartData, IndicatorSeries, chart_data_from_series, indicator_chart


def _data():
    return IndicatorChartData(
        title="Genomförd grundkurs", kind="share", direction="up", target=0.9,
        periods=("2026-01", "2026-02", "2026-03"), total=(0.5, 0.6, 0.8),
        units=(IndicatorSeries("Kulturförvaltningen", (0.4, None, 0.7)), IndicatorSeries("Miljöförvaltningen", (0.9, 0.92, 0.95))))


def test_chart_says_values_and_gaps_in_words():
    chart = indicator_chart(_data())
    assert chart.kind == "indicator"
    assert "Kulturförvaltningen: 2026-01 40,0 %, 2026-03 70,0 % (20,0 procentenheter under målet)" in chart.alt_text
    assert "Miljöförvaltningen" in chart.alt_text and "når målet" in chart.alt_text
    assert "Kommunen totalt: 2026-01 50,0 %" in chart.alt_text
    svg = to_svg(chart)
    assert svg == to_svg(indicator_chart(_data()))  # deterministic
    assert "Kulturförvaltningen" in svg
    english = indicator_chart(_data(), lang="en")
    assert "20.0 percentage points below the target" in english.alt_text


def test_empty_and_from_series():
    empty = indicator_chart(IndicatorChartData("X", "share", "up", 0.9, (), ()))
    assert "Inga mätvärden" in empty.alt_text
    series = {"indicator": {"title": {"sv": "Klick", "en": "Clicks"}, "kind": "share", "direction": "down", "target": 0.05},
              "periods": ["2024-Q4", "2025-Q4"], "total": {"2024-Q4": {"value": 0.2}, "2025-Q4": {"value": 0.1}},
              "units": [{"code": "K", "name": "Kommunen", "depth": 0, "figures": {}},
                        {"code": "A", "name": "A-förvaltningen", "depth": 1,
                         "figures": {"2024-Q4": {"value": 0.2}, "2025-Q4": {"value": 0.1}}}]}
    data = chart_data_from_series(series, lang="en")
    assert data.title == "Clicks" and [u.label for u in data.units] == ["A-förvaltningen"]
    chart = indicator_chart(data, lang="en")
    assert "above the target" in chart.alt_text
