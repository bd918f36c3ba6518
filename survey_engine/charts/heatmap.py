"""Heat map of units (förvaltningar) × areas, one level per cell."""
from __future__ import annotations

from typing import Mapping, Sequence

from matplotlib.patches import Rectangle

from .data import Chart, HeatmapData
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


def heatmap_chart(
    data: HeatmapData,
    *,
    max_level: int = 4,
    lang: str = "sv",
    title: str | None = None,
    level_names: Mapping[int, str] | Sequence[str] | None = None,
) -> Chart:
    """Heat map: one row per unit, one column per area, the level written in each cell.

    Cells are coloured with the shared sequential level colours (lightest = level 0,
    darkest = the highest level: darker is better), with the number in black or white,
    whichever reads better, and a legend naming each level. A not-assessed cell is light grey, hatched, with "–". Area titles run
    along the top (wrapped and turned when there are many); unit names on the left.
    With no units or no areas the chart says so instead.
    """
    s = strings(lang)
    names = normalise_level_names(level_names)
    title = title if title is not None else s["heatmap_title"]
    units, areas = list(data.units), list(data.areas)
    lead = s["alt_heatmap"].format(units=len(units), areas=len(areas))
    with styled():
        if not units or not areas:
            message = s["no_units"] if not units else s["no_data"]
            fig = no_data_figure(title, message)
            return Chart(freeze_layout(fig), join_alt(lead, message + "."), title, "heatmap")

        top = max([max_level] + [v for row in data.levels for v in row if v is not None])
        colors = level_colors(top)
        n_rows, n_cols = len(units), len(areas)
        rotate = n_cols > 6
        width = min(16.0, max(7.5, 3.2 + 0.95 * n_cols))
        height = min(22.0, 2.6 + 0.42 * n_rows + (1.0 if rotate else 0.4))
        fig = new_figure(width, height)
        fig.suptitle(title)
        ax = fig.add_subplot()
        # Cells are added with add_artist (not add_patch: no data-limit update per cell,
        # the limits are set below) and kept out of the layout pass; both save time.
        for i, row in enumerate(data.levels):
            for j, level in enumerate(row):
                if level is None:
                    ax.add_artist(Rectangle((j, i), 1, 1, facecolor=NOT_ASSESSED_COLOR,
                                           hatch=NOT_ASSESSED_HATCH, edgecolor=NOT_ASSESSED_EDGE,
                                           linewidth=0.0, in_layout=False))
                    ax.text(j + 0.5, i + 0.5, s["dash"], ha="center", va="center",
                            fontsize=10, color="#333333", in_layout=False)
                else:
                    color = colors[max(0, min(level, top))]
                    ax.add_artist(Rectangle((j, i), 1, 1, facecolor=color, linewidth=0,
                                           in_layout=False))
                    ax.text(j + 0.5, i + 0.5, str(level), ha="center", va="center",
                            fontsize=10, fontweight="bold", color=text_color_on(color),
                            in_layout=False)
        # white grid lines between the cells
        for j in range(n_cols + 1):
            ax.axvline(j, color="white", linewidth=1.5, in_layout=False)
        for i in range(n_rows + 1):
            ax.axhline(i, color="white", linewidth=1.5, in_layout=False)
        ax.set_xlim(0, n_cols)
        ax.set_ylim(n_rows, 0)
        ax.set_xticks([j + 0.5 for j in range(n_cols)])
        ax.xaxis.tick_top()
        if rotate:
            ax.set_xticklabels([wrap(a, 24, 2) for a in areas], rotation=45, ha="left",
                               rotation_mode="anchor")
        else:
            ax.set_xticklabels([wrap(a, 14, 4) for a in areas])
        ax.set_yticks([i + 0.5 for i in range(n_rows)])
        ax.set_yticklabels([wrap(u, 36, 2) for u in units])
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        any_missing = any(v is None for row in data.levels for v in row)
        handles = level_legend_handles(top, lang, names, not_assessed=any_missing)
        fig.legend(handles=handles, loc="outside lower center",
                   ncols=min(len(handles), 4), frameon=False)
        freeze_layout(fig)

    rows = []
    for unit, row in zip(units, data.levels):
        cells = ", ".join(
            s["alt_heatmap_cell"].format(
                area=area, level=s["not_assessed"] if level is None else level
            )
            for area, level in zip(areas, row)
        )
        rows.append(s["alt_heatmap_row"].format(unit=unit, cells=cells))
    alt = join_alt(lead, "; ".join(rows) + ".")
    return Chart(fig, alt, title, "heatmap")
