"""Measured indicators over time: one small line chart per unit with the target line
and the kommun total (docs/indicators.md). Pure: plain data in, a `Chart` out.

Design, in the style of the other charts: Okabe–Ito colours, the unit's line blue with
circles, the kommun total grey and dashed, the target a vermillion dotted line; shares
are shown as percent on a 0–100 axis; a period where a unit has no figure leaves a gap.
Every panel says in its title whether the latest figure meets the target and by how
much it falls short, so the chart does not rely on colour alone.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from matplotlib.lines import Line2D

from .data import Chart
from .style import OKABE_ITO, TARGET_COLOR, freeze_layout, join_alt, new_figure, no_data_figure, styled, wrap
from .text import format_number

UNIT_COLOR = OKABE_ITO["blue"]
TOTAL_COLOR = "#6E6E6E"
MAX_PANELS = 24

_S = {
    "sv": {"target": "mål", "total": "kommunen totalt", "no_data": "Inga mätvärden ännu", "met": "når målet",
           "below": "{gap} under målet", "above": "{gap} över målet", "latest": "senast", "unit": "enheten",
           "alt_lead": "Linjediagram per enhet för {title}, perioder {first}–{last}, mål {target}.",
           "alt_unit": "{label}: {values} ({state})", "alt_total": "Kommunen totalt: {values}",
           "more": "och {n} enheter till visas inte"},
    "en": {"target": "target", "total": "kommun total", "no_data": "No measurements yet", "met": "meets the target",
           "below": "{gap} below the target", "above": "{gap} above the target", "latest": "latest", "unit": "the unit",
           "alt_lead": "Line chart per unit of {title}, periods {first}–{last}, target {target}.",
           "alt_unit": "{label}: {values} ({state})", "alt_total": "Kommun total: {values}",
           "more": "and {n} more units are not shown"},
}


@dataclass(frozen=True)
class IndicatorSeries:
    label: str
    values: tuple[float | None, ...]  # one per period; shares 0..1


@dataclass(frozen=True)
class IndicatorChartData:
    title: str
    kind: str  # share | count | days
    direction: str  # up | down
    target: float
    periods: tuple[str, ...]
    total: tuple[float | None, ...]
    units: tuple[IndicatorSeries, ...] = field(default_factory=tuple)


def _fmt(value: float | None, kind: str, lang: str) -> str:
    if value is None:
        return "–"
    if kind == "share":
        number = format_number(value * 100, lang, 1)
        return f"{number} %" if lang == "sv" else f"{number}%"
    return format_number(value, lang, 0 if float(value).is_integer() else 1)


def _state(data: IndicatorChartData, values: tuple[float | None, ...], lang: str) -> str:
    s = _S.get(lang, _S["sv"])
    latest = next((v for v in reversed(values) if v is not None), None)
    if latest is None:
        return s["no_data"].lower()
    meets = latest >= data.target - 1e-12 if data.direction == "up" else latest <= data.target + 1e-12
    if meets:
        return s["met"]
    gap = abs(latest - data.target)
    gap_text = (format_number(gap * 100, lang, 1) + (" procentenheter" if lang == "sv" else " percentage points")
                if data.kind == "share" else _fmt(gap, data.kind, lang))
    return s["below" if data.direction == "up" else "above"].format(gap=gap_text)


def indicator_chart(data: IndicatorChartData, *, lang: str = "sv") -> Chart:
    """Small multiples: one panel per unit (at most MAX_PANELS), each with the unit's
    line, the kommun total and the target."""
    s = _S.get(lang, _S["sv"])
    title = data.title
    periods = list(data.periods)
    units = list(data.units)[:MAX_PANELS]
    scale = 100.0 if data.kind == "share" else 1.0
    target_text = _fmt(data.target, data.kind, lang)
    with styled():
        if not periods or not units:
            fig = no_data_figure(title, s["no_data"])
            return Chart(freeze_layout(fig), join_alt(title + ".", s["no_data"] + "."), title, "indicator")
        n = len(units)
        cols = min(3, n)
        rows = math.ceil(n / cols)
        fig = new_figure(3.4 * cols + 0.6, 2.5 * rows + 1.1)
        fig.suptitle(wrap(title, 90, 2))
        axes = fig.subplots(rows, cols, squeeze=False, sharey=True)
        xs = list(range(len(periods)))
        values_all = [v for u in units for v in u.values if v is not None] + [v for v in data.total if v is not None]
        top = 100.0 if data.kind == "share" else max([data.target, *values_all, 1.0]) * 1.1
        ticks = xs if len(xs) <= 6 else sorted(set(xs[:: max(1, len(xs) // 5)]) | {xs[-1]})
        for index, ax in enumerate(axes.flat):
            if index >= n:
                ax.set_axis_off()
                continue
            unit = units[index]
            ax.axhline(data.target * scale, color=TARGET_COLOR, linestyle=":", linewidth=1.6, zorder=1)
            ax.plot(xs, [v * scale if v is not None else math.nan for v in data.total], color=TOTAL_COLOR,
                    linestyle="--", linewidth=1.3, zorder=2)
            ax.plot(xs, [v * scale if v is not None else math.nan for v in unit.values], color=UNIT_COLOR,
                    marker="o", markersize=3.5, linewidth=1.8, zorder=3)
            ax.set_title(wrap(f"{unit.label} · {_state(data, unit.values, lang)}", 42, 2), fontsize=9)
            ax.set_ylim(0, top)
            ax.set_xticks(ticks)
            ax.set_xticklabels([periods[i] for i in ticks], fontsize=7.5, rotation=30, ha="right")
            ax.grid(axis="y", color="#D0D0D0", linewidth=0.6)
            ax.set_axisbelow(True)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        if data.kind == "share":
            axes[0][0].set_ylabel("%")
        handles = [
            Line2D([], [], color=UNIT_COLOR, marker="o", markersize=4, linewidth=1.8, label=s["unit"]),
            Line2D([], [], color=TOTAL_COLOR, linestyle="--", linewidth=1.3, label=s["total"]),
            Line2D([], [], color=TARGET_COLOR, linestyle=":", linewidth=1.6, label=f"{s['target']} {target_text}"),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
        freeze_layout(fig)
    lead = s["alt_lead"].format(title=title, first=periods[0], last=periods[-1], target=target_text)
    parts = [s["alt_total"].format(values=", ".join(f"{p} {_fmt(v, data.kind, lang)}" for p, v in zip(periods, data.total)))]
    for unit in units:
        values = ", ".join(f"{p} {_fmt(v, data.kind, lang)}" for p, v in zip(periods, unit.values) if v is not None)
        parts.append(s["alt_unit"].format(label=unit.label, values=values, state=_state(data, unit.values, lang)))
    if len(data.units) > len(units):
        parts.append(s["more"].format(n=len(data.units) - len(units)))
    return Chart(fig, join_alt(lead, "; ".join(parts) + "."), title, "indicator")


def chart_data_from_series(series: dict, *, lang: str = "sv", units: list[str] | None = None,
                           depth: int | None = 1) -> IndicatorChartData:
    """Chart data from `services.indicators.indicator_series` output (plain dicts):
    the units at `depth` of the tree (1: the förvaltningar) or the codes in `units`."""
    ind = series["indicator"]
    periods = tuple(series["periods"])
    chosen = [u for u in series["units"] if (u["code"] in units if units is not None else
                                              (depth is None or u["depth"] == depth))]
    return IndicatorChartData(
        title=ind["title"].get(lang) or ind["title"]["sv"], kind=ind["kind"], direction=ind["direction"],
        target=float(ind["target"]), periods=periods,
        total=tuple((series["total"].get(p) or {}).get("value") for p in periods),
        units=tuple(IndicatorSeries(u["name"], tuple((u["figures"].get(p) or {}).get("value") for p in periods))
                    for u in chosen),
    )
