"""Render a chart to deterministic SVG text or to PNG bytes.

SVG: text stays text (`svg.fonttype = "none"`, so it is small, searchable and read
by assistive tools), ids come from a fixed `svg.hashsalt`, and the date is left out
of the metadata, so the same data gives byte-identical SVG in every run and process.
"""
from __future__ import annotations

import io
import re
from typing import Iterable

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from .data import Chart
from .style import styled


def _figure(chart: Chart | Figure) -> Figure:
    return chart.figure if isinstance(chart, Chart) else chart


def to_svg(chart: Chart | Figure) -> str:
    """The chart as an SVG document (str), identical for identical input."""
    fig = _figure(chart)
    metadata: dict[str, str | None] = {"Date": None}
    if isinstance(chart, Chart):
        # Dublin Core title/description inside <metadata> (escaped by the SVG writer),
        # so a saved .svg file carries its alt text; browsers do not display it.
        metadata["Title"] = chart.title
        metadata["Description"] = chart.alt_text
    buf = io.BytesIO()
    with styled():
        fig.savefig(buf, format="svg", metadata=metadata)
    return buf.getvalue().decode("utf-8")


def to_png(chart: Chart | Figure, dpi: int = 150) -> bytes:
    """The chart as PNG bytes at `dpi` dots per inch."""
    if dpi <= 0:
        raise ValueError("dpi must be positive")
    fig = _figure(chart)
    buf = io.BytesIO()
    with styled():
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def to_pdf(chart: Chart | Figure) -> bytes:
    """The chart as a one-page PDF (fonts embedded as TrueType, no creation date)."""
    fig = _figure(chart)
    buf = io.BytesIO()
    with styled():
        fig.savefig(buf, format="pdf", metadata={"CreationDate": None, "ModDate": None})
    return buf.getvalue()


def charts_to_pdf(charts: Iterable[Chart | Figure]) -> bytes:
    """Several charts as one PDF, one chart per page, in the given order."""
    buf = io.BytesIO()
    with styled():
        with PdfPages(buf, metadata={"CreationDate": None, "ModDate": None}) as pdf:
            for chart in charts:
                pdf.savefig(_figure(chart))
    return buf.getvalue()


_PROLOG = re.compile(r"\A\s*<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?", re.S)
_ID = re.compile(r'(\sid=")([^"]+)(")')
_URL = re.compile(r"(url\(#)([^)]+)(\))")
_HREF = re.compile(r'((?:xlink:)?href="#)([^"]+)(")')
_PREFIX_OK = re.compile(r"\A[A-Za-z][A-Za-z0-9_-]*\Z")


def to_svg_fragment(chart: Chart | Figure, id_prefix: str) -> str:
    """The SVG as an element to put inline in an HTML page.

    Without the XML declaration and DOCTYPE, with `role="img"` on the root (its
    <title> is the chart's title), and with every id (and every reference to one)
    prefixed by `id_prefix`, so several charts in one page never share an id. Give
    each chart of a page its own prefix, e.g. "radar-" or "chart3-"; the output is as
    deterministic as `to_svg`.
    """
    if not _PREFIX_OK.match(id_prefix):
        raise ValueError("id_prefix must start with a letter and hold only letters, digits, '-' or '_'")
    svg = _PROLOG.sub("", to_svg(chart), count=1)

    def prefixed(match: re.Match) -> str:
        return f"{match.group(1)}{id_prefix}{match.group(2)}{match.group(3)}"

    svg = _ID.sub(prefixed, svg)
    svg = _URL.sub(prefixed, svg)
    svg = _HREF.sub(prefixed, svg)
    return svg.replace("<svg ", '<svg role="img" ', 1)
