"""Maturity charts (docs/architecture.md): pure functions from plain data to figures.

Every chart function takes small frozen dataclasses (`survey_engine.charts.data`),
returns a `Chart(figure, alt_text, title, kind)` built with matplotlib's object
API (no pyplot state), Swedish by default, English with `lang="en"`. Render with
`to_svg` (deterministic, text kept as text), `to_png` or `to_pdf`. Engine results
become chart data through `survey_engine.charts.adapters`.
"""
from .adapters import (
    from_score_result,
    heatmap_from_results,
    level_scale,
    trend_from_follow_up,
    trend_from_results,
)
from .bars import level_bars_chart
from .data import (
    AreaPoint,
    Chart,
    DistributionData,
    HeatmapData,
    ResponseRateData,
    TrendData,
    TrendSeries,
)
from .distribution import distribution_chart, distribution_from_heatmap
from .heatmap import heatmap_chart
from .radar import radar_chart
from .render import charts_to_pdf, to_pdf, to_png, to_svg, to_svg_fragment
from .response import response_rate_chart
from .style import level_colors
from .trend import trend_chart

__all__ = [
    "AreaPoint",
    "Chart",
    "DistributionData",
    "HeatmapData",
    "ResponseRateData",
    "TrendData",
    "TrendSeries",
    "charts_to_pdf",
    "distribution_chart",
    "distribution_from_heatmap",
    "from_score_result",
    "heatmap_chart",
    "heatmap_from_results",
    "level_bars_chart",
    "level_colors",
    "level_scale",
    "radar_chart",
    "response_rate_chart",
    "to_pdf",
    "to_png",
    "to_svg",
    "to_svg_fragment",
    "trend_chart",
    "trend_from_follow_up",
    "trend_from_results",
]
