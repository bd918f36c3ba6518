"""Trend per area across rounds, with the comparable share marked."""
from __future__ import annotations

import matplotlib
from matplotlib.lines import Line2D
from matplotlib.transforms import blended_transform_factory

from .data import Chart, TrendData
from .style import (
    BAND_COLORS,
    OKABE_ITO,
    freeze_layout,
    join_alt,
    new_figure,
    no_data_figure,
    styled,
    wrap,
)
from .text import format_number, format_percent, format_share, strings

# The latest round first: blue circle, then orange square, green triangle, ...
ROUND_COLORS = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["black"],
)
ROUND_MARKERS = ("o", "s", "^", "D", "v", "P")


def _value_text(value: float, measure: str, lang: str) -> str:
    if measure == "percent":
        return format_percent(value, lang)
    return format_number(value, lang, 0 if float(value).is_integer() else 1)


def _round_style(index: int, count: int) -> tuple[str, str]:
    from_latest = count - 1 - index
    return (ROUND_COLORS[from_latest % len(ROUND_COLORS)],
            ROUND_MARKERS[from_latest % len(ROUND_MARKERS)])


def trend_chart(
    data: TrendData,
    *,
    max_level: int = 4,
    lang: str = "sv",
    title: str | None = None,
    compact: bool = False,
) -> Chart:
    """Dot plot of each area's level (or percent) in every round, linked in time order.

    Design: one row per area (given order, from the top), the x axis the levels
    0..max_level on alternating level bands (or 0–100 % for `measure="percent"`).
    Each round has its own colour and marker shape (the latest round a blue circle,
    the one before an orange square, …, Okabe–Ito colours), placed a little apart
    vertically within the row so equal values stay visible, and joined to the previous
    round by a thin line. A point that is not comparable with the round before (the
    questions changed) is drawn hollow and the line into it dotted. The column on the
    right gives the values in order and the area's comparable share, e.g.
    "1 → 2 · jämförbar andel 80 %" (or "jämförbarhet okänd"). A round where the area has
    no value leaves no point.

    `compact` draws for a narrow box (a phone, or one of the trends page's small
    multiples, about 360–480 px): a smaller figure with larger text, the comparable
    share under each area's name instead of the column on the right (the values are in
    the alt text and the page's table), so that the labels stay at least 11 px high
    when the SVG is shrunk to the box (docs/web-pages.md, "Phones").
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

    def share_text(share: float | None) -> str:
        if share is None:
            return s["comparable_unknown"]
        return s["comparable_share"].format(share=format_share(share, lang))

    with styled():
        if compact:
            # 4.9 in = 353 pt wide: shrunk to ~340 px, 11.5 pt text stays ~11 px
            matplotlib.rcParams.update({"font.size": 11.5, "legend.fontsize": 11.5, "figure.titlesize": 13.0,
                                        "axes.labelsize": 11.5, "xtick.labelsize": 11.5, "ytick.labelsize": 11.5})
        if not series or not rounds:
            fig = no_data_figure(title, s["no_data"])
            return Chart(freeze_layout(fig), join_alt(lead, s["alt_no_data"]), title, "trend")
        n, r = len(series), len(rounds)
        if measure == "percent":
            x_max = 100.0
        else:
            values = [v for sr in series for v in sr.values if v is not None]
            x_max = float(max([max_level] + values))
        fig = new_figure(4.9, 2.4 + 0.95 * n) if compact else new_figure(9.5, 1.9 + 0.5 * n)
        fig.suptitle(title)
        ax = fig.add_subplot()
        if measure == "level":
            for level in range(1, int(x_max) + 1):
                ax.axvspan(level - 1, level, color=BAND_COLORS[level % 2], zorder=0, linewidth=0)
        spread = min(0.5, 0.16 * (r - 1))
        offsets = [(-spread / 2 + spread * k / (r - 1)) if r > 1 else 0.0 for k in range(r)]
        right = blended_transform_factory(ax.transAxes, ax.transData)
        for row, sr in enumerate(series):
            previous: tuple[float, float] | None = None
            for k, value in enumerate(sr.values):
                if value is None:
                    previous = None
                    continue
                color, marker = _round_style(k, r)
                y = row + offsets[k]
                comparable = sr.is_comparable(k)
                if previous is not None:
                    ax.plot([previous[0], value], [previous[1], y], color="#6E6E6E",
                            linewidth=1.2, linestyle="-" if comparable else ":", zorder=2)
                ax.plot([value], [y], linestyle="none", marker=marker, markersize=7.5,
                        markeredgewidth=1.8, markeredgecolor=color,
                        markerfacecolor=color if comparable else "white", zorder=3,
                        clip_on=False)
                previous = (value, y)
            if compact:
                continue  # the values are in the alt text; the share goes under the label
            shown = [_value_text(v, measure, lang) if v is not None else s["dash"]
                     for v in sr.values]
            ax.text(1.02, row, " → ".join(shown) + " · " + share_text(sr.comparable_share),
                    transform=right, ha="left", va="center", fontsize=8.5)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_yticks(range(n))
        if compact:
            ax.set_yticklabels([wrap(sr.label, 14, 3) + "\n" + wrap(share_text(sr.comparable_share), 14, 2)
                                for sr in series])
        else:
            ax.set_yticklabels([wrap(sr.label, 30, 3) for sr in series])
        ax.set_xlim(0, x_max)
        if measure == "level":
            ax.set_xticks(range(0, int(x_max) + 1))
            ax.set_xlabel(s["level"])
        else:
            ax.set_xticks([0, 25, 50, 75, 100])
            ax.set_xlabel(s["percent"])
            ax.grid(axis="x", color="#D0D0D0", linewidth=0.6)
            ax.set_axisbelow(True)
        ax.tick_params(axis="y", length=0)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        handles = []
        for k, name in enumerate(rounds):
            color, marker = _round_style(k, r)
            handles.append(Line2D([], [], linestyle="none", marker=marker, markersize=7,
                                  markeredgewidth=1.8, markeredgecolor=color,
                                  markerfacecolor=color, label=f"{s['round']} {name}"))
        handles.append(Line2D([], [], linestyle=":", marker="o", markersize=7,
                              color="#6E6E6E", markeredgecolor="#6E6E6E",
                              markerfacecolor="white", label=s["not_comparable"]))
        fig.legend(handles=handles, loc="outside lower center",
                   ncols=1 if compact else min(len(handles), 4), frameon=False)
        freeze_layout(fig)

    rows = []
    for sr in series:
        points = []
        for x, (rnd, value) in enumerate(zip(rounds, sr.values)):
            text = s["not_assessed"] if value is None else _value_text(value, measure, lang)
            key = "alt_trend_point" if sr.is_comparable(x) or value is None else "alt_trend_point_nc"
            points.append(s[key].format(round=rnd, value=text))
        rows.append(s["alt_trend_row"].format(label=sr.label, share=share_text(sr.comparable_share),
                                              values=", ".join(points)))
    alt = join_alt(lead, "; ".join(rows) + ".")
    return Chart(fig, alt, title, "trend")
