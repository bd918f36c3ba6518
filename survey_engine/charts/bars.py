"""Per-area bars of the level reached, on level bands, with target markers."""
from __future__ import annotations

from typing import Mapping, Sequence

from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from .data import AreaPoint, Chart
from .radar import area_alt_items
from .style import (
    BAND_COLORS,
    NOT_ASSESSED_EDGE,
    TARGET_COLOR,
    freeze_layout,
    join_alt,
    level_colors,
    level_legend_handles,
    list_sentence,
    new_figure,
    no_data_figure,
    normalise_level_names,
    styled,
    wrap,
)
from .text import format_percent, strings


def level_bars_chart(
    points: Sequence[AreaPoint],
    *,
    max_level: int = 4,
    lang: str = "sv",
    title: str | None = None,
    level_names: Mapping[int, str] | Sequence[str] | None = None,
) -> Chart:
    """Horizontal bars of the level reached per area, on level bands, against the target.

    Design: one row per area, in the given order from the top, with the (wrapped) area
    title on the left. The x axis runs over the levels 0..max_level; the background is
    split into alternating bands, one per level, named along the top ("1 Grundläggande"
    when `level_names` are given). Each bar ends at the level reached and has that
    level's colour (the same sequential level colours as the heat map and the
    distribution). A vermillion diamond marks the area's target level. To the right of
    the plot a column states the level and the share fulfilled ("Nivå 2 · 80 %"). A
    not-assessed area has no bar, a grey hatched strip and the text "ej bedömt".
    """
    s = strings(lang)
    names = normalise_level_names(level_names)
    title = title if title is not None else s["bars_title"]
    points = list(points)
    lead = s["alt_bars"].format(max=max_level)
    with styled():
        if not points:
            fig = no_data_figure(title, s["no_data"])
            return Chart(freeze_layout(fig), join_alt(lead, s["alt_no_data"]), title, "level_bars")

        n = len(points)
        top = max([max_level] + [p.target for p in points] + [p.level or 0 for p in points])
        colors = level_colors(top)
        fig = new_figure(9.0, 1.6 + 0.5 * n)
        fig.suptitle(title)
        ax = fig.add_subplot()
        ys = list(range(n))

        for level in range(1, top + 1):
            ax.axvspan(level - 1, level, color=BAND_COLORS[level % 2], zorder=0, linewidth=0)
        value_col = blended_transform_factory(ax.transAxes, ax.transData)
        for y, p in zip(ys, points):
            if p.is_assessed:
                if p.level > 0:
                    ax.barh(y, p.level, height=0.6, color=colors[p.level], zorder=2,
                            edgecolor="white", linewidth=0.5)
                else:
                    # level 0: a thin stub so the row is visibly "reached nothing"
                    ax.barh(y, 0.04 * top, height=0.6, color=colors[0], zorder=2)
                text = s["level_n"].format(n=p.level)
                if p.percent is not None:
                    text += " · " + format_percent(p.percent, lang)
                ax.text(1.02, y, text, transform=value_col, va="center", ha="left")
            else:
                ax.barh(y, top, height=0.6, color="none", hatch="///",
                        edgecolor=NOT_ASSESSED_EDGE, linewidth=0.0, zorder=1)
                ax.text(1.02, y, s["not_assessed_cap"], transform=value_col, va="center",
                        ha="left", color="#555555", style="italic")
            ax.plot([p.target], [y], linestyle="none", marker="D", markersize=8,
                    markerfacecolor="white", markeredgecolor=TARGET_COLOR,
                    markeredgewidth=2.0, zorder=4, clip_on=False)

        ax.set_xlim(0, top)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_yticks(ys)
        ax.set_yticklabels([wrap(p.label, 30, 3) for p in points])
        ax.set_xticks(range(0, top + 1))
        ax.set_xlabel(s["level"])
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.tick_params(axis="y", length=0)

        band_axis = ax.secondary_xaxis("top")
        band_axis.set_xticks([level - 0.5 for level in range(1, top + 1)])
        band_axis.set_xticklabels(
            [wrap(f"{level} {names[level]}" if level in names else str(level), 16)
             for level in range(1, top + 1)],
            fontsize=8,
        )
        band_axis.tick_params(axis="x", length=0)
        band_axis.spines["top"].set_visible(False)

        handles = level_legend_handles(top, lang)
        handles += [
            Line2D([], [], linestyle="none", marker="D", markersize=7,
                   markerfacecolor="white", markeredgecolor=TARGET_COLOR,
                   markeredgewidth=2.0, label=s["target"]),
        ]
        if any(not p.is_assessed for p in points):
            handles.append(Patch(facecolor="none", hatch="///", edgecolor=NOT_ASSESSED_EDGE,
                                 label=s["not_assessed_cap"]))
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 4),
                   frameon=False)
        freeze_layout(fig)

    alt = join_alt(lead, list_sentence(area_alt_items(points, lang)))
    return Chart(fig, alt, title, "level_bars")
