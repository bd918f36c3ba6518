"""Distribution of levels per area across units (stacked horizontal bars)."""
from __future__ import annotations

from typing import Mapping, Sequence

from .data import Chart, DistributionData, HeatmapData
from .style import (
    NOT_ASSESSED_COLOR,
    NOT_ASSESSED_EDGE,
    NOT_ASSESSED_HATCH,
    freeze_layout,
    join_alt,
    level_colors,
    level_legend_handles,
    new_figure,
    no_data_figure,
    normalise_level_names,
    styled,
    text_color_on,
    wrap,
)
from .text import strings


def distribution_from_heatmap(data: HeatmapData, max_level: int = 4) -> DistributionData:
    """Count, per area, the units at each level 0..max_level and the units not assessed.

    Levels above `max_level` widen the counts so no unit is lost.
    """
    top = max([max_level] + [v for row in data.levels for v in row if v is not None])
    counts = []
    missing = []
    for j in range(len(data.areas)):
        row = [0] * (top + 1)
        not_assessed = 0
        for unit_levels in data.levels:
            level = unit_levels[j]
            if level is None:
                not_assessed += 1
            else:
                row[max(0, level)] += 1
        counts.append(tuple(row))
        missing.append(not_assessed)
    return DistributionData(tuple(data.areas), tuple(counts), tuple(missing))


def distribution_chart(
    data: DistributionData,
    *,
    max_level: int = 4,
    lang: str = "sv",
    title: str | None = None,
    level_names: Mapping[int, str] | Sequence[str] | None = None,
) -> Chart:
    """Stacked horizontal bars: per area, how many units reached level 0, 1, .., N.

    One row per area (given order, from the top). Segments run from level 0 on the
    left to the highest level on the right in the shared sequential level colours, then a
    grey hatched segment for units where the area was not assessed. Each segment with
    at least one unit has its count written in it. The x axis counts units.
    """
    s = strings(lang)
    names = normalise_level_names(level_names)
    title = title if title is not None else s["distribution_title"]
    areas = list(data.areas)
    lead = s["alt_distribution"]
    with styled():
        if not areas:
            fig = no_data_figure(title, s["no_data"])
            return Chart(freeze_layout(fig), join_alt(lead, s["alt_no_data"]), title,
                         "distribution")
        top = max(max_level, data.max_level or 0)
        colors = level_colors(top)
        n = len(areas)
        totals = [sum(row) + data.not_assessed_of(j) for j, row in enumerate(data.counts)]
        most = max(totals)
        fig = new_figure(9.0, 1.9 + 0.5 * n)
        fig.suptitle(title)
        ax = fig.add_subplot()
        for j, row in enumerate(data.counts):
            left = 0
            segments = [(c, colors[level], None) for level, c in enumerate(row)]
            segments.append((data.not_assessed_of(j), NOT_ASSESSED_COLOR, NOT_ASSESSED_HATCH))
            for count, color, hatch in segments:
                if count <= 0:
                    continue
                ax.barh(j, count, left=left, height=0.62, color=color, hatch=hatch,
                        edgecolor="white" if hatch is None else NOT_ASSESSED_EDGE,
                        linewidth=0.8 if hatch is None else 0.0)
                ax.text(left + count / 2, j, str(count), ha="center", va="center",
                        fontsize=8.5, fontweight="bold", in_layout=False,
                        color=text_color_on(color) if hatch is None else "#333333")
                left += count
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_yticks(range(n))
        ax.set_yticklabels([wrap(a, 30, 3) for a in areas])
        ax.set_xlim(0, max(most, 1))
        ax.set_xlabel(s["count_units"])
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.tick_params(axis="y", length=0)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if most == 0:
            ax.text(0.5, 0.5, s["no_units"], transform=ax.transAxes, ha="center",
                    va="center", color="#555555")
        handles = level_legend_handles(top, lang, names,
                                       not_assessed=any(data.not_assessed or ()))
        fig.legend(handles=handles, loc="outside lower center",
                   ncols=min(len(handles), 4), frameon=False)
        freeze_layout(fig)

    rows = []
    for j, (area, row) in enumerate(zip(areas, data.counts)):
        parts = [s["alt_count_at_level"].format(count=c, level=level)
                 for level, c in enumerate(row) if c > 0]
        missing = data.not_assessed_of(j)
        if missing == 1:
            parts.append(s["alt_count_not_assessed_one"])
        elif missing:
            parts.append(s["alt_count_not_assessed"].format(count=missing))
        if not parts:
            parts.append(s["no_units"].lower())
        rows.append(s["alt_distribution_row"].format(area=area, parts=", ".join(parts)))
    alt = join_alt(lead, "; ".join(rows) + ".")
    return Chart(fig, alt, title, "distribution")
