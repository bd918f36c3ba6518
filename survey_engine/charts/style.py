"""Shared look of the charts: palette, level colours, fonts, wrapping, figure helpers.

Palette (colour-blind safe):
- Levels 0..N use a sequential single-hue scale (matplotlib's *Blues*, sampled from
  0.12 to 0.95): level 0 is the lightest, the highest level the darkest, so darker
  means better. One hue ordered by lightness reads the same for people
  with red-green colour vision deficiency and stays ordered in greyscale; the number
  is written in every heat-map cell and a legend names the levels. The same level
  colours are used in every chart (bars, heat map, distribution), so "level 2" always
  has the same colour in one report.
- Categories (reached vs. target, response status, areas in a trend) use the
  Okabe–Ito palette.
- "Not assessed" is a light grey with a diagonal hatch and the text "–", so it never
  depends on colour alone.

Every figure is built and drawn inside `styled()`: it holds a lock (matplotlib's
rcParams are process-global) and an `rc_context` that starts from matplotlib's own
defaults plus `BASE_RC`, so nothing a caller set globally changes the output and
nothing here leaks out.
"""
from __future__ import annotations

import textwrap
import threading
from contextlib import contextmanager
from typing import Iterator, Mapping, Sequence

import matplotlib
from matplotlib import colormaps
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure

from .text import strings

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
REACHED_COLOR = OKABE_ITO["blue"]
TARGET_COLOR = OKABE_ITO["vermillion"]
STATUS_COLORS = {
    "submitted": OKABE_ITO["blue"],
    "draft": OKABE_ITO["orange"],
    "not_started": "#D9D9D9",
}
NOT_ASSESSED_COLOR = "#E6E6E6"
NOT_ASSESSED_EDGE = "#8C8C8C"
NOT_ASSESSED_HATCH = "///"
BAND_COLORS = ("#F4F4F4", "#E9E9E9")
GRID_COLOR = "#BDBDBD"
TEXT_COLOR = "#1A1A1A"
LEVEL_COLORMAP = "Blues"
LEVEL_RANGE = (0.12, 0.95)  # lightest (level 0) and darkest (top level) point of the map

SVG_HASHSALT = "survey-engine-charts"

BASE_RC: dict[str, object] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "figure.titlesize": 12.0,
    "legend.fontsize": 8.5,
    "axes.edgecolor": "#4D4D4D",
    "axes.labelcolor": TEXT_COLOR,
    "text.color": TEXT_COLOR,
    "xtick.color": TEXT_COLOR,
    "ytick.color": TEXT_COLOR,
    "hatch.color": NOT_ASSESSED_EDGE,
    "hatch.linewidth": 0.8,
    # labels are people's text: "$" must not start mathtext (a stray "$x$" would be
    # typeset, a malformed one would make the render fail)
    "text.parse_math": False,
    "svg.hashsalt": SVG_HASHSALT,
    "svg.fonttype": "none",
    "svg.image_inline": True,
    "path.simplify": False,
    "pdf.fonttype": 42,
}

_LOCK = threading.RLock()


@contextmanager
def styled() -> Iterator[None]:
    """Matplotlib defaults + BASE_RC for the duration, under a process-wide lock."""
    with _LOCK:
        with matplotlib.rc_context():
            matplotlib.rcdefaults()
            matplotlib.rcParams.update(BASE_RC)
            yield


def level_colors(max_level: int) -> list[str]:
    """Hex colours for levels 0..max_level: light (0) to dark (top), evenly spaced."""
    cmap = colormaps[LEVEL_COLORMAP]
    lo, hi = LEVEL_RANGE
    if max_level <= 0:
        return [to_hex(cmap(lo))]
    return [to_hex(cmap(lo + (hi - lo) * level / max_level)) for level in range(max_level + 1)]


def text_color_on(background: str) -> str:
    """Black or white, whichever reads better on `background` (WCAG luminance)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in to_rgb(background))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if luminance > 0.179 else "#FFFFFF"


def wrap(label: str, width: int, max_lines: int | None = None) -> str:
    """Wrap a label onto lines of at most `width` characters (long words are broken).

    With `max_lines`, a longer label is cut after that many lines and ends with "…"
    (the chart's alt text always carries the full label).
    """
    label = " ".join(str(label).split())
    if not label:
        return ""
    # a word a little longer than the width gets its own line rather than being split
    longest = max(len(word) for word in label.split(" "))
    width = max(width, min(longest, width + width // 2))
    lines = textwrap.wrap(label, width=width, break_on_hyphens=True) or [label]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        lines[-1] = (last[: max(1, width - 1)].rstrip() if len(last) >= width else last) + "…"
    return "\n".join(lines)


def level_label(level: int, lang: str | None, level_names: Mapping[int, str] | None = None) -> str:
    """'Ingen nivå' for 0, else 'Nivå 2' or 'Nivå 2 Systematiskt' when names are given."""
    s = strings(lang)
    if level == 0:
        return s["no_level"]
    base = s["level_n"].format(n=level)
    name = (level_names or {}).get(level)
    return f"{base} {name}" if name else base


def normalise_level_names(
    level_names: Mapping[int, str] | Sequence[str] | None,
) -> dict[int, str]:
    """Level names as {level: name}; a sequence is taken as the names of levels 1..N."""
    if level_names is None:
        return {}
    if isinstance(level_names, Mapping):
        return {int(k): str(v) for k, v in level_names.items()}
    return {i + 1: str(name) for i, name in enumerate(level_names)}


def level_legend_handles(
    max_level: int,
    lang: str | None,
    level_names: Mapping[int, str] | None = None,
    not_assessed: bool = False,
) -> list:
    """Legend patches for the level colours 0..max_level (+ "Ej bedömt" when asked)."""
    from matplotlib.patches import Patch

    colors = level_colors(max_level)
    handles = [
        Patch(facecolor=colors[level], edgecolor="white",
              label=level_label(level, lang, level_names))
        for level in range(max_level + 1)
    ]
    if not_assessed:
        handles.append(Patch(facecolor=NOT_ASSESSED_COLOR, hatch=NOT_ASSESSED_HATCH,
                             edgecolor=NOT_ASSESSED_EDGE,
                             label=strings(lang)["not_assessed_cap"]))
    return handles


def new_figure(width: float, height: float) -> Figure:
    """A pyplot-free figure with constrained layout and a white background."""
    fig = Figure(figsize=(width, height), layout="constrained", facecolor="white")
    # a little more than the default margin, so PNGs at low dpi do not clip labels
    fig.get_layout_engine().set(w_pad=0.1, h_pad=0.08)
    return fig


def freeze_layout(fig: Figure) -> Figure:
    """Run the constrained layout once and keep its result.

    Constrained layout re-solves on every draw, starting from the previous positions,
    which moves axes by float noise (1e-16) and so changes the SVG clip-path ids from
    one render to the next. Solving once here and then switching the engine off makes
    every later render of the same figure byte-identical.
    """
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)  # the layout pass of a first draw, without drawing
    fig.set_layout_engine("none")
    return fig


def no_data_figure(title: str, message: str, width: float = 6.0, height: float = 2.0) -> Figure:
    fig = new_figure(width, height)
    fig.suptitle(title)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#555555")
    return fig


def join_alt(*sentences: str) -> str:
    return " ".join(s.strip() for s in sentences if s and s.strip())


def list_sentence(items: Sequence[str]) -> str:
    """Items joined with '; ' and ended with a full stop."""
    return "; ".join(items) + "." if items else ""
