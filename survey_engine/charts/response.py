"""Response rate: submitted / in progress / not started, per round or per unit."""
from __future__ import annotations

from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from .data import Chart, ResponseRateData
from .style import (
    STATUS_COLORS,
    freeze_layout,
    join_alt,
    new_figure,
    no_data_figure,
    styled,
    text_color_on,
    wrap,
)
from .text import format_share, strings

STATUSES = ("submitted", "draft", "not_started")


def response_rate_chart(
    data: ResponseRateData,
    *,
    lang: str = "sv",
    title: str | None = None,
) -> Chart:
    """Stacked horizontal bars of response status, one row per round or unit.

    Segments from the left: submitted (Okabe–Ito blue), in progress (orange), not
    started (light grey), each with its count written in it. The column to the right
    gives the submitted share ("75 % inlämnade"); a row with no responses at all shows
    "–".
    """
    s = strings(lang)
    title = title if title is not None else s["response_title"]
    labels = list(data.labels)
    lead = s["alt_response"]
    with styled():
        if not labels:
            fig = no_data_figure(title, s["no_data"])
            return Chart(freeze_layout(fig), join_alt(lead, s["alt_no_data"]), title,
                         "response_rate")
        n = len(labels)
        totals = [data.total(i) for i in range(n)]
        fig = new_figure(9.0, 1.7 + 0.45 * n)
        fig.suptitle(title)
        ax = fig.add_subplot()
        share_col = blended_transform_factory(ax.transAxes, ax.transData)
        for i in range(n):
            left = 0
            for status in STATUSES:
                count = getattr(data, status)[i]
                if count <= 0:
                    continue
                color = STATUS_COLORS[status]
                ax.barh(i, count, left=left, height=0.62, color=color, edgecolor="white",
                        linewidth=0.8)
                ax.text(left + count / 2, i, str(count), ha="center", va="center",
                        fontsize=8.5, fontweight="bold", in_layout=False, color=text_color_on(color))
                left += count
            share = (
                s["response_share"].format(share=format_share(data.submitted[i] / totals[i], lang))
                if totals[i]
                else s["dash"]
            )
            ax.text(1.02, i, share, transform=share_col, ha="left", va="center")
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_yticks(range(n))
        ax.set_yticklabels([wrap(label, 30, 3) for label in labels])
        ax.set_xlim(0, max(max(totals), 1))
        ax.set_xlabel(s["responses"])
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.tick_params(axis="y", length=0)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        handles = [Patch(facecolor=STATUS_COLORS[st], label=s[st]) for st in STATUSES]
        fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
        freeze_layout(fig)

    rows = []
    for i, label in enumerate(labels):
        total = totals[i]
        rows.append(
            s["alt_response_row"].format(
                label=label,
                submitted=data.submitted[i],
                draft=data.draft[i],
                not_started=data.not_started[i],
                total=total,
                share=format_share(data.submitted[i] / total, lang) if total else s["dash"],
            )
        )
    alt = join_alt(lead, "; ".join(rows) + ".")
    return Chart(fig, alt, title, "response_rate")
