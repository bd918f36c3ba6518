"""Chart rendering speed: each chart type built and rendered to SVG (and PNG).

    .venv/bin/python bench/charts_bench.py [--questionnaire questionnaires/mcf-cybersakerhet/2026.1.yaml]
                                           [--units 14] [--repeat 20] [--seed 2026] [--png-dpi 150]

Demo-sized data: the questionnaire's areas, `--units` förvaltningar with seeded random
answers in two rounds, scored by the real engine and turned into chart data by the
adapters (like the city report will). Every chart type is then built and rendered
`--repeat` times; the script prints median CPU (process) and wall times per chart in
milliseconds (build = figure + alt text, svg = to_svg, png = to_png), and the median
for the whole set of charts a city report needs. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import matplotlib  # noqa: E402

from survey_engine.charts import (  # noqa: E402
    ResponseRateData,
    distribution_chart,
    distribution_from_heatmap,
    from_score_result,
    heatmap_chart,
    heatmap_from_results,
    level_bars_chart,
    level_scale,
    radar_chart,
    response_rate_chart,
    to_png,
    to_svg,
    trend_chart,
    trend_from_results,
)
from survey_engine.questionnaire.load import load_questionnaire  # noqa: E402
from survey_engine.scoring import rollup, score_response  # noqa: E402
from survey_engine.scoring.synthetic import random_answers  # noqa: E402


def timed(fn, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of `repeat` calls (CPU time is steadier when
    other processes share the machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - c) * 1000.0)
        wall.append((time.perf_counter() - w) * 1000.0)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questionnaire", default=str(REPO / "questionnaires/mcf-cybersakerhet/2026.1.yaml"))
    parser.add_argument("--units", type=int, default=14)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--png-dpi", type=int, default=150)
    parser.add_argument("--lang", default="sv")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    q = load_questionnaire(args.questionnaire)
    lang = args.lang
    max_level, names = level_scale(q, lang)
    units = [f"Förvaltning {i + 1}" for i in range(args.units)]
    rounds = {}
    for name in ("2025", "2026"):
        rounds[name] = [score_response(q, random_answers(q, rng, 0.1)) for _ in units]
    latest = rounds["2026"]
    city = {name: rollup(q, results, method="weakest") for name, results in rounds.items()}

    points = from_score_result(q, city["2026"], lang)
    heat = heatmap_from_results(q, list(zip(units, latest)), lang)
    dist = distribution_from_heatmap(heat, max_level)
    trend = trend_from_results(
        q, list(city.items()), lang,
        comparable_share={a.id: 1.0 for a in q.areas},
    )
    response = ResponseRateData(
        ("2025", "2026"), (args.units - 2, args.units - 1), (1, 1), (1, 0)
    )
    builders = {
        "radar": lambda: radar_chart(points, max_level=max_level, lang=lang),
        "level_bars": lambda: level_bars_chart(points, max_level=max_level, lang=lang, level_names=names),
        "heatmap": lambda: heatmap_chart(heat, max_level=max_level, lang=lang, level_names=names),
        "distribution": lambda: distribution_chart(dist, max_level=max_level, lang=lang, level_names=names),
        "trend": lambda: trend_chart(trend, max_level=max_level, lang=lang),
        "response_rate": lambda: response_rate_chart(response, lang=lang),
    }

    print(f"python {platform.python_version()}, matplotlib {matplotlib.__version__}, "
          f"{platform.machine()}, questionnaire {q.id} {q.version}: {len(q.areas)} areas, "
          f"{args.units} units, 2 rounds, {args.repeat} repeats")
    print("milliseconds, median of the repeats (cpu = process time, wall = elapsed)")
    print(f"{'chart':<14} {'build cpu':>9} {'svg cpu':>8} {'b+svg cpu':>10} {'b+svg wall':>11} "
          f"{'png cpu':>8} {'svg kB':>7}")
    cpu_total = wall_total = 0.0
    for name, build in builders.items():
        build()  # warm-up: fonts, caches
        _, t_build = timed(build, args.repeat)
        chart = build()
        _, t_svg = timed(lambda: to_svg(chart), args.repeat)
        w_both, t_both = timed(lambda: to_svg(build()), args.repeat)
        _, t_png = timed(lambda: to_png(chart, args.png_dpi), max(3, args.repeat // 4))
        size = len(to_svg(chart).encode("utf-8")) / 1024
        cpu_total += statistics.median(t_both)
        wall_total += statistics.median(w_both)
        print(f"{name:<14} {statistics.median(t_build):9.1f} {statistics.median(t_svg):8.1f} "
              f"{statistics.median(t_both):10.1f} {statistics.median(w_both):11.1f} "
              f"{statistics.median(t_png):8.1f} {size:7.1f}")
    print(f"all six charts, build+svg, sum of medians: {cpu_total:.0f} ms cpu, {wall_total:.0f} ms wall")


if __name__ == "__main__":
    main()
