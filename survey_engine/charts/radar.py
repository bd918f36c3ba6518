"""Radar chart: level per area against the target level."""
from __future__ import annotations

import math

import matplotlib
from typing import Mapping, Sequence

from .data import AreaPoint, Chart
from .style import (
    REACHED_COLOR,
    TARGET_COLOR,
    freeze_layout,
    GRID_COLOR,
    NOT_ASSESSED_EDGE,
    join_alt,
    list_sentence,
    new_figure,
    no_data_figure,
    styled,
    wrap,
)
from .text import format_percent, strings


def area_alt_items(points: Sequence[AreaPoint], lang: str) -> list[str]:
    """'Ledning och styrning: nivå 2 (mål 3, 80 % uppfyllt)' per area."""
    s = strings(lang)
    items = []
    for p in points:
        if p.is_assessed:
            percent = (
                s["alt_percent"].format(percent=format_percent(p.percent, lang))
                if p.percent is not None
                else ""
            )
            items.append(
                s["alt_area_level"].format(
                    label=p.label, level=p.level, target=p.target, percent=percent
                )
            )
        else:
            items.append(s["alt_area_not_assessed"].format(label=p.label, target=p.target))
    return items


def radar_chart(
    points: Sequence[AreaPoint],
    *,
    max_level: int = 4,
    lang: str = "sv",
    title: str | None = None,
    level_names: Mapping[int, str] | Sequence[str] | None = None,
    compact: bool = False,
) -> Chart:
    """Radar of levels per area (radial axis 0..max_level) against the target.

    The reached levels are a filled blue polygon with dots; the target levels a dashed
    vermillion polygon. Areas go clockwise from the top in the given order, their
    titles wrapped around the outside. A not-assessed area gets "(ej bedömt)" after its
    title, a hollow grey ring at the centre, and the reached polygon skips it (the
    filled area joins the assessed areas only). `level_names` is accepted for the same
    signature as the other charts; the radial ticks show the level numbers.

    `compact` draws for a phone screen (about 360 px wide): a smaller figure with
    larger text, so that the labels stay at least 11 px high when the SVG is shrunk
    to the screen (docs/web-pages.md, "Phones").
    """
    del level_names  # the radial axis shows numbers; names appear in the legend of other charts
    s = strings(lang)
    title = title if title is not None else s["radar_title"]
    points = list(points)
    targets = sorted({p.target for p in points})
    if len(targets) == 1:
        lead = s["alt_radar"].format(max=max_level, target=targets[0])
    else:
        lead = s["alt_radar_mixed"].format(max=max_level)
    with styled():
        if compact:
            # 4.9 in = 353 pt wide: shrunk to ~340 px, 11 pt text stays ~11 px
            matplotlib.rcParams.update({"font.size": 11.5, "legend.fontsize": 11.5, "figure.titlesize": 13.0,
                                        "xtick.labelsize": 11.5, "ytick.labelsize": 11.0})
        if not points:
            fig = no_data_figure(title, s["no_data"])
            return Chart(freeze_layout(fig), join_alt(lead, s["alt_no_data"]), title, "radar")

        n = len(points)
        top = max([max_level] + [p.target for p in points] + [p.level or 0 for p in points])
        size = 6.4 if n > 2 else 5.0
        if compact:
            size = 3.2
        # wider than tall: the polar axes keeps its aspect, the sides hold the titles
        fig = new_figure(size + (1.7 if compact else 2.4), size + (1.3 if compact else 0))
        fig.suptitle(title)
        ax = fig.add_subplot(projection="polar")
        ax.set_theta_offset(math.pi / 2)
        ax.set_theta_direction(-1)
        angles = [2 * math.pi * i / n for i in range(n)]
        closed = angles + angles[:1]

        # target polygon (dashed)
        target_r = [p.target for p in points]
        ax.plot(
            closed, target_r + target_r[:1], linestyle=(0, (5, 3)), linewidth=1.8,
            color=TARGET_COLOR, label=s["target"], zorder=3,
            # with one or two areas the "polygon" is a point or a line: mark the vertices
            marker="D" if n < 3 else None, markerfacecolor="white", markersize=6,
        )
        # reached polygon: line with gaps at not-assessed areas, fill over assessed ones
        reached = [float(p.level) if p.is_assessed else math.nan for p in points]
        ax.plot(
            closed, reached + reached[:1], linewidth=2.0, color=REACHED_COLOR,
            marker="o", markersize=5, label=s["reached"], zorder=4,
        )
        assessed = [(a, float(p.level)) for a, p in zip(angles, points) if p.is_assessed]
        if len(assessed) >= 3:
            fa = [a for a, _ in assessed]
            fr = [r for _, r in assessed]
            ax.fill(fa + fa[:1], fr + fr[:1], color=REACHED_COLOR, alpha=0.22, zorder=2,
                    linewidth=0)
        missing = [a for a, p in zip(angles, points) if not p.is_assessed]
        if missing:
            ax.plot(
                missing, [0.0] * len(missing), linestyle="none", marker="o", markersize=7,
                markerfacecolor="white", markeredgecolor=NOT_ASSESSED_EDGE,
                label=s["not_assessed_cap"], zorder=5,
            )

        ax.set_ylim(0, top)
        ax.set_yticks(range(0, top + 1))
        ax.set_yticklabels([str(v) for v in range(0, top + 1)], color="#555555")
        ax.set_rlabel_position(180 / n if n > 1 else 45)
        ax.grid(color=GRID_COLOR, linewidth=0.7)
        ax.spines["polar"].set_color(GRID_COLOR)

        width = (11 if n > 8 else 13) if compact else (18 if n > 8 else 22)
        labels = []
        for p in points:
            text = wrap(p.label, width, 4)
            labels.append(text if p.is_assessed else f"{text}\n({s['not_assessed']})")
        ax.set_xticks(angles)
        ax.set_xticklabels(labels)
        ax.tick_params(axis="x", pad=10)
        for label, angle in zip(ax.get_xticklabels(), angles):
            x = math.sin(angle)
            if abs(x) < 1e-6:
                label.set_horizontalalignment("center")
            elif x > 0:
                label.set_horizontalalignment("left")
            else:
                label.set_horizontalalignment("right")
        fig.legend(loc="outside lower center", ncols=2 if compact else 3, frameon=False)
        freeze_layout(fig)

    alt = join_alt(lead, list_sentence(area_alt_items(points, lang)))
    return Chart(fig, alt, title, "radar")
