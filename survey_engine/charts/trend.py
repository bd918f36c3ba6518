"""Trend per area across rounds, with the comparable share marked."""
from __future__ import annotations

import math

from matplotlib.lines import Line2D

from .data import Chart, TrendData
from .style import (
    GRID_COLOR,
    SERIES_COLORS,
    freeze_layout,
    join_alt,
    new_figure,
    no_data_figure,
    styled,
    wrap,
)
from .text import format_number, format_percent, format_share, strings


def _value_text(value: float, measure: str, lang: str) -> str:
    if measure == "percent":
        return format_percent(value, lang)
    return format_number(value, lang, 0 if float(value).is_integer() else 1)


def trend_chart(
    data: TrendData,
    *,
    max_level: int = 4,
    lang: str = "sv",
    title: str | None = None,
    columns: int = 3,
) -> Chart:
    """Small multiples: one panel per area, the rounds along the x axis.

    Each panel shows the area's level (0..max_level) or percent (0..100) per round as a
    line with the value written above each point. A point whose figure is not
    comparable with the round before (the questions changed) is drawn hollow and the
    line into it dotted; comparable points are filled. Under each panel title:
    "jämförbar andel 80 %" (the share of the area's questions comparable between the
    last two rounds), or "jämförbarhet okänd". A round where the area has no value
    leaves a gap. All panels share the y scale so areas can be compared.
    """
    s = strings(lang)
    measure = data.measure
    if title is None:
        title = s["trend_title_percent" if measure == "percent" else "trend_title_level"]
    rounds = list(data.rounds)
    series = list(data.series)
    lead = s["alt_trend_percent" if measure == "percent" else "alt_trend_level"].format(
        rounds=", ".join(rounds) if rounds else s["dash"]
    )
    with styled():
        if not series or not rounds:
            fig = no_data_figure(title, s["no_data"])
            return Chart(freeze_layout(fig), join_alt(lead, s["alt_no_data"]), title, "trend")
        n = len(series)
        ncols = max(1, min(columns, n))
        nrows = math.ceil(n / ncols)
        fig = new_figure(max(4.2, 3.3 * ncols), 0.9 + 2.5 * nrows)
        fig.suptitle(title)
        axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True)
        if measure == "percent":
            ylim, yticks = (-5, 112), [0, 25, 50, 75, 100]
        else:
            ylim, yticks = (-0.3, max_level + 0.7), list(range(0, max_level + 1))
        xs = list(range(len(rounds)))
        for k, ax in enumerate(axes.flat):
            if k >= n:
                ax.set_axis_off()
                continue
            sr = series[k]
            color = SERIES_COLORS[k % len(SERIES_COLORS)]
            for x in range(1, len(xs)):
                a, b = sr.values[x - 1], sr.values[x]
                if a is None or b is None:
                    continue
                ax.plot([x - 1, x], [a, b], color=color, linewidth=1.8,
                        linestyle="-" if sr.is_comparable(x) else ":")
            for x, value in zip(xs, sr.values):
                if value is None:
                    continue
                filled = sr.is_comparable(x)
                ax.plot([x], [value], linestyle="none", marker="o", markersize=7,
                        markeredgewidth=1.8, markeredgecolor=color,
                        markerfacecolor=color if filled else "white", zorder=3)
                ax.annotate(_value_text(value, measure, lang), (x, value),
                            textcoords="offset points", xytext=(0, 7), ha="center",
                            fontsize=8)
            share = (
                s["comparable_share"].format(share=format_share(sr.comparable_share, lang))
                if sr.comparable_share is not None
                else s["comparable_unknown"]
            )
            ax.set_title(f"{wrap(sr.label, 32, 3)}\n{share}", fontsize=9)
            ax.set_xticks(xs)
            ax.set_xticklabels([wrap(r, 12, 2) for r in rounds], fontsize=8)
            ax.set_xlim(-0.5, len(xs) - 0.5)
            ax.set_ylim(*ylim)
            ax.set_yticks(yticks)
            ax.grid(axis="y", color=GRID_COLOR, linewidth=0.6)
            if k % ncols == 0:
                ax.set_ylabel(s["percent"] if measure == "percent" else s["level"])
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        handles = [
            Line2D([], [], linestyle="-", marker="o", color="#4D4D4D",
                   markerfacecolor="#4D4D4D", label=s["comparable"]),
            Line2D([], [], linestyle=":", marker="o", color="#4D4D4D",
                   markerfacecolor="white", label=s["not_comparable"]),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
        freeze_layout(fig)

    rows = []
    for sr in series:
        share = (
            s["comparable_share"].format(share=format_share(sr.comparable_share, lang))
            if sr.comparable_share is not None
            else s["comparable_unknown"]
        )
        points = []
        for x, (rnd, value) in enumerate(zip(rounds, sr.values)):
            text = s["not_assessed"] if value is None else _value_text(value, measure, lang)
            key = "alt_trend_point" if sr.is_comparable(x) or value is None else "alt_trend_point_nc"
            points.append(s[key].format(round=rnd, value=text))
        rows.append(s["alt_trend_row"].format(label=sr.label, share=share,
                                              values=", ".join(points)))
    alt = join_alt(lead, "; ".join(rows) + ".")
    return Chart(fig, alt, title, "trend")
