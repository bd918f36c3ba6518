"""Chart inputs shared by the chart tests and the cross-process determinism check.

Not a test module (no `test_` prefix): the tests import it, and a subprocess imports
it to render the same charts in a fresh interpreter.
"""
from __future__ import annotations

import hashlib
from typing import Callable

from survey_engine.charts import (
    AreaPoint,
    Chart,
    DistributionData,
    HeatmapData,
    ResponseRateData,
    TrendData,
    TrendSeries,
    distribution_chart,
    distribution_from_heatmap,
    heatmap_chart,
    level_bars_chart,
    radar_chart,
    response_rate_chart,
    to_svg,
    trend_chart,
)

LEVEL_NAMES = ["Grundläggande", "Systematiskt", "Kvalificerat", "Ständigt förbättrande"]
AREAS = [
    "Ledning och styrning",
    "Riskhantering",
    "Incidenthantering",
    "Kontinuitet och krisberedskap",
    "Åtkomst och behörighet",
    "Säkerhet i leverantörsförhållanden",
]
LONG_TITLE = (
    "Systematiskt och riskbaserat informationssäkerhetsarbete i samverkan med "
    "förvaltningsövergripande funktioner, leverantörer och externa aktörer "
    "(inklusive krav från NIS2-direktivet och säkerhetsskyddslagstiftningen)"
)
UNITS = [
    "Stadsbyggnadsförvaltningen",
    "Socialförvaltningen",
    "Förskoleförvaltningen",
    "Kulturförvaltningen",
]

NORMAL_POINTS = (
    AreaPoint("Ledning och styrning", 2, 3, 80.0),
    AreaPoint("Riskhantering", 1, 3, 45.5),
    AreaPoint("Incidenthantering", None, 3, None, False),
    AreaPoint("Kontinuitet och krisberedskap", 3, 3, 100.0),
    AreaPoint("Åtkomst och behörighet", 0, 3, 12.5),
    AreaPoint("Säkerhet i leverantörsförhållanden", 4, 2, 97.0),
)

POINT_CASES: dict[str, tuple[AreaPoint, ...]] = {
    "normal": NORMAL_POINTS,
    "one_area": (AreaPoint("Ledning och styrning", 1, 3, 50.0),),
    "two_areas": (AreaPoint("Ledning", 1, 3, 50.0), AreaPoint("Risk", 2, 3, 75.0)),
    "all_not_assessed": tuple(AreaPoint(a, None, 3, None, False) for a in AREAS),
    "level_zero": tuple(AreaPoint(a, 0, 3, 0.0) for a in AREAS),
    "long_titles": tuple(AreaPoint(f"{LONG_TITLE} {i}", i % 5, 3, 20.0 * i) for i in range(5)),
    "no_areas": (),
}

HEATMAP_CASES: dict[str, HeatmapData] = {
    "normal": HeatmapData(
        tuple(UNITS),
        tuple(AREAS),
        (
            (2, 1, 0, 3, None, 4),
            (1, 1, 1, 1, 1, 1),
            (0, None, 2, 2, 3, 0),
            (None, None, None, None, None, None),
        ),
    ),
    "one_area": HeatmapData(("Socialförvaltningen",), ("Åtkomst",), ((2,),)),
    "all_not_assessed": HeatmapData(
        tuple(UNITS), tuple(AREAS), tuple(tuple(None for _ in AREAS) for _ in UNITS)
    ),
    "zero_units": HeatmapData((), tuple(AREAS), ()),
    "level_zero": HeatmapData(tuple(UNITS), tuple(AREAS), tuple(tuple(0 for _ in AREAS) for _ in UNITS)),
    "long_titles": HeatmapData(
        (LONG_TITLE, "Kort"), (LONG_TITLE, "Åtkomst"), ((1, 2), (None, 3))
    ),
    "many": HeatmapData(
        tuple(f"Förvaltning {i}" for i in range(14)),
        tuple(f"Område {j} med åäö" for j in range(12)),
        tuple(tuple((i + j) % 6 if (i * j) % 7 else None for j in range(12)) for i in range(14)),
    ),
}

DISTRIBUTION_CASES: dict[str, DistributionData] = {
    name: distribution_from_heatmap(data) for name, data in HEATMAP_CASES.items()
}
DISTRIBUTION_CASES["no_areas"] = DistributionData((), ())

_SHARES = (0.8, 1.0, None, 0.5, 0.0, 1.0)
TREND_CASES: dict[str, TrendData] = {
    "normal": TrendData(
        ("2025", "2026"),
        tuple(
            TrendSeries(a, (float(i % 3), float(i % 3 + 1)), (True, i != 1), _SHARES[i])
            for i, a in enumerate(AREAS)
        ),
    ),
    "percent_three_rounds": TrendData(
        ("HT 2024", "2025", "2026"),
        tuple(
            TrendSeries(a, (40.0 + i, None if i == 2 else 55.5, 80.0), (True, True, i % 2 == 0), 0.8)
            for i, a in enumerate(AREAS)
        ),
        "percent",
    ),
    "one_area": TrendData(("2026",), (TrendSeries("Åtkomst", (2.0,), (), 1.0),)),
    "all_not_assessed": TrendData(
        ("2025", "2026"), tuple(TrendSeries(a, (None, None)) for a in AREAS)
    ),
    "level_zero": TrendData(("2025", "2026"), tuple(TrendSeries(a, (0.0, 0.0), (), 1.0) for a in AREAS)),
    "long_titles": TrendData(("2025", "2026"), (TrendSeries(LONG_TITLE, (1.0, 2.0), (), 0.8),)),
    "no_areas": TrendData(("2025", "2026"), ()),
}

RESPONSE_CASES: dict[str, ResponseRateData] = {
    "rounds": ResponseRateData(("2025", "2026"), (10, 12), (3, 1), (1, 1)),
    "units": ResponseRateData(tuple(UNITS), (1, 0, 0, 1), (0, 1, 0, 0), (0, 0, 1, 0)),
    "zero_units": ResponseRateData((), (), (), ()),
    "empty_round": ResponseRateData(("2027",), (0,), (0,), (0,)),
    "long_titles": ResponseRateData((LONG_TITLE,), (3,), (2,), (9,)),
}


def build_cases(lang: str = "sv") -> dict[str, Callable[[], Chart]]:
    """name -> function that builds the chart, for every chart type and case."""
    cases: dict[str, Callable[[], Chart]] = {}
    for name, points in POINT_CASES.items():
        cases[f"radar-{name}"] = lambda p=points: radar_chart(p, lang=lang)
        cases[f"bars-{name}"] = lambda p=points: level_bars_chart(
            p, lang=lang, level_names=LEVEL_NAMES
        )
    for name, data in HEATMAP_CASES.items():
        cases[f"heatmap-{name}"] = lambda d=data: heatmap_chart(d, lang=lang, level_names=LEVEL_NAMES)
    for name, data in DISTRIBUTION_CASES.items():
        cases[f"distribution-{name}"] = lambda d=data: distribution_chart(
            d, lang=lang, level_names=LEVEL_NAMES
        )
    for name, data in TREND_CASES.items():
        cases[f"trend-{name}"] = lambda d=data: trend_chart(d, lang=lang)
    for name, data in RESPONSE_CASES.items():
        cases[f"response-{name}"] = lambda d=data: response_rate_chart(d, lang=lang)
    return cases


def svg_digests(names: list[str] | None = None, lang: str = "sv") -> dict[str, str]:
    """SHA-256 of the SVG of each case (all cases when `names` is None)."""
    cases = build_cases(lang)
    return {
        name: hashlib.sha256(to_svg(build()).encode("utf-8")).hexdigest()
        for name, build in cases.items()
        if names is None or name in names
    }
