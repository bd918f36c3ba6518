"""Write a `Report` as PDF with reportlab (pure PyPI, no browser or system libraries).

Same content as the HTML: each section starts on a new page and is a PDF bookmark;
charts are the same matplotlib figures, embedded as PNG. Text goes through
reportlab's paragraph markup, so every text from the data is XML-escaped first.
The document is written in reportlab's invariant mode (no timestamps, fixed ids):
the same report gives the same bytes.
"""
from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence, TYPE_CHECKING

if TYPE_CHECKING:  # matplotlib only when a chart is drawn (see the imports in the functions)
    from survey_engine.charts import Chart
from xml.sax.saxutils import escape


from .common import Report
from .text import fmt_level, fmt_number, fmt_percent, fmt_share, strings

FONT = "SEDejaVu"
FONT_BOLD = "SEDejaVu-Bold"
CHART_DPI = 110


@lru_cache(maxsize=1)
def _fonts() -> None:
    """Register DejaVu Sans (shipped with matplotlib: å, ä, ö, –, ≥ …)."""
    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    from reportlab.lib.fonts import addMapping

    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)


@lru_cache(maxsize=1)
def _styles():
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, spaceAfter=4)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=18, leading=22, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=14, leading=18, spaceBefore=4,
                             spaceAfter=6, textColor=colors.HexColor("#0b3d66")),
        "h3": ParagraphStyle("h3", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=6),
        "body": base,
        "note": ParagraphStyle("note", parent=base, fontSize=8.5, leading=11, textColor=colors.HexColor("#555555")),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10, spaceAfter=0),
        "cellb": ParagraphStyle("cellb", parent=base, fontName=FONT_BOLD, fontSize=8, leading=10, spaceAfter=0),
        "small": ParagraphStyle("small", parent=base, fontSize=7, leading=9, spaceAfter=0,
                                textColor=colors.HexColor("#555555")),
    }


def _p(text: Any, style: str = "body"):
    from reportlab.platypus import Paragraph

    return Paragraph(escape("" if text is None else str(text)), _styles()[style])


class _Builder:
    """Collects flowables; knows the page width and the report's language."""

    def __init__(self, report: Report):
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm

        self.report = report
        self.lang = report.lang
        self.s = strings(report.lang)
        self.story: list = []
        self.page_size = A4
        self.margin = 16 * mm
        self.width = A4[0] - 2 * self.margin
        self.height = A4[1] - 2 * self.margin - 10 * mm
        self.names = {int(k): v for k, v in report.model["level_names"].items()}
        self.charts: dict[str, Chart] = dict(report.build_charts())

    # numbers as in the HTML
    def pct(self, v): return fmt_percent(v, self.lang)
    def share(self, v): return fmt_share(v, self.lang)
    def num(self, v): return fmt_number(v, self.lang)

    def lvl(self, v):
        if v is None:
            return "–"
        name = self.names.get(v) if isinstance(v, int) else None
        return f"{fmt_level(v, self.lang)} {name}" if name else fmt_level(v, self.lang)

    def section(self, key: str, title: str, new_page: bool = True) -> None:
        from reportlab.platypus import PageBreak

        if new_page and self.story:
            self.story.append(PageBreak())
        self.story.append(_Bookmark(key, title))
        self.story.append(_p(title, "h2"))

    def para(self, text: Any, style: str = "body") -> None:
        self.story.append(_p(text, style))

    def table(self, head: Sequence[str] | None, rows: Iterable[Sequence[Any]],
              widths: Sequence[float] | None = None) -> None:
        """A table with a header row (repeated on every page), or none when `head` is None."""
        from reportlab.lib import colors
        from reportlab.platypus import Table, TableStyle

        rows = list(rows)
        data = [[_p(h, "cellb") for h in head]] if head is not None else []
        for row in rows:
            data.append([c if hasattr(c, "wrapOn") else _p(c, "cell") for c in row])
        if not data:
            return
        t = Table(data, colWidths=list(widths), repeatRows=1 if head is not None else 0)
        header_bg = "#f0f3f7" if head is not None else "#ffffff"
        t.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c8c8c8")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(header_bg)),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]))
        self.story.append(t)
        self.story.append(_Spacer(6))

    def chart(self, key: str, max_height: float | None = None) -> None:
        from reportlab.platypus import Image

        chart = self.charts.get(key)
        if chart is None:
            return
        w_in, h_in = chart.figure.get_size_inches()
        width = self.width
        height = width * h_in / w_in
        limit = max_height or self.height * 0.62
        if height > limit:
            width, height = width * limit / height, limit
        from survey_engine.charts import to_png  # here, not at the top: matplotlib costs a worker about 90 MB and a report is rare
        self.story.append(Image(io.BytesIO(to_png(chart, dpi=CHART_DPI)), width=width, height=height))
        self.story.append(_p(first_sentence(chart.alt_text), "small"))
        self.story.append(_Spacer(6))

    def header(self, extra: list[tuple[str, str]]) -> None:
        m = self.report.model
        s = self.s
        self.para(m["title"], "title")
        r = m["round"]
        facts = [(s["round"], f"{r['name']} ({r['status_text']})"),
                 (s["questionnaire"], f"{m['questionnaire']['title']} ({m['questionnaire']['id']} "
                                      f"{m['questionnaire']['version']})")]
        facts += extra
        if m.get("generated_on"):
            facts.append((s["generated"], m["generated_on"]))
        facts.append((s["engine"], m["engine_version"]))
        self.table(None, facts, widths=[self.width * 0.25, self.width * 0.75])

    def build(self) -> bytes:
        from reportlab.platypus import SimpleDocTemplate

        m = self.report.model
        buf = io.BytesIO()
        doc = SimpleDocTemplate(
            buf, pagesize=self.page_size, leftMargin=self.margin, rightMargin=self.margin,
            topMargin=self.margin, bottomMargin=self.margin + 6, title=m["title"],
            author="survey-engine", creator="survey-engine", subject=m["questionnaire"]["id"],
            lang=self.lang, invariant=1,
        )
        footer = f"{m['title']} · {self.s['page']} "

        def on_page(canvas, doc_):
            canvas.saveState()
            canvas.setFont(FONT, 7.5)
            canvas.drawString(self.margin, self.margin * 0.55, f"{footer}{doc_.page}")
            canvas.restoreState()

        doc.build(self.story, onFirstPage=on_page, onLaterPages=on_page)
        return buf.getvalue()


def first_sentence(text: str) -> str:
    """The lead of a chart's alt text (the full text is in the HTML and the tables)."""
    cut = text.find(". ")
    return text if cut < 0 else text[:cut + 1]


def _Spacer(height: float):
    from reportlab.platypus import Spacer

    return Spacer(1, height)


def _bookmark_class():
    from reportlab.platypus import Flowable

    class Bookmark(Flowable):
        """Zero-size flowable: a PDF outline entry at the start of a section."""

        def __init__(self, key: str, title: str):
            super().__init__()
            self.key, self.title = key, title
            self.width = self.height = 0

        def wrap(self, *args):
            return 0, 0

        def draw(self):
            self.canv.bookmarkPage(self.key)
            self.canv.addOutlineEntry(self.title, self.key, level=0)

    return Bookmark


def _Bookmark(key: str, title: str):
    return _bookmark_class()(key, title)


# ---------------------------------------------------------------- the two reports

def _unit(b: _Builder) -> None:
    m, s = b.report.model, b.s
    u = m["unit"]
    b.header([(s["unit"], f"{u['name']} ({u['code']})"), (s["status"], u["status_text"])])
    b.para(u["source_text"], "note")
    b.section("overall", s["overall"], new_page=False)
    o = m["overall"]
    b.table([s["overall_level"], s["percent"], s["completeness"], s["unknown_count"]],
            [[b.lvl(o["level"]), b.pct(o["percent"]), b.share(o["completeness"]), str(o["unknown_count"])]],
            widths=[b.width / 4] * 4)
    b.chart("radar")

    b.section("areas", s["areas"])
    b.table([s["area"], s["level"], s["percent"], s["target"], s["gap"], s["progress"], s["city_median_level"],
             s["city_median_percent"]],
            [[a["title"], b.lvl(a["level"]) if a["assessed"] else s["not_assessed"], b.pct(a["percent"]),
              a["target_level"], b.num(a["gap"]), b.share(a["next_level_progress"]), *([s["too_few_units"]] * 2 if a.get("city_median_suppressed")
                  else [fmt_level(a["city_median_level"], b.lang), b.pct(a["city_median_percent"])])] for a in m["areas"]],
            widths=[b.width * 0.24, b.width * 0.16] + [b.width * 0.10] * 6)
    b.para(m["city"]["note"], "note")
    b.chart("level_bars", max_height=b.height * 0.45)

    b.section("missing", s["missing"])
    if not m["missing"]:
        b.para(s["missing_none"])
    for g in m["missing"]:
        b.para(f"{g['title']}: {s['level'].lower()} {g['level']} → {g['next_level']} "
               f"({s['progress'].lower()} {b.share(g['next_level_progress'])})", "h3")
        rows = []
        for x in g["questions"]:
            text = f"{x['text']} ({x['id']})"
            if x["guidance"]:
                text += f"\n{s['guidance']}: {x['guidance']}"
            rows.append([_multiline(text), x["answer"] or s["no_answer"], b.num(x["credit"])])
        if rows:
            b.table([s["question"], s["answer"], s["credit"]], rows,
                    widths=[b.width * 0.66, b.width * 0.22, b.width * 0.12])

    b.section("priorities", s["priorities"])
    _priorities(b)

    b.section("trend", s["trend"])
    t = m["trend"]
    if not t:
        b.para(s["trend_none"])
    elif not t["available"]:
        b.para(f"{s['previous_round']}: {t['previous_round']['name']}. {s['trend_unit_none']}")
    else:
        b.para(f"{s['previous_round']}: {t['previous_round']['name']} ({t['questionnaire']['id']} "
               f"{t['questionnaire']['version']}, {t['status_text']}).")
        _follow_up(b, t["areas"])
        b.chart("trend", max_height=b.height * 0.5)


def _multiline(text: str):
    from reportlab.platypus import Paragraph

    return Paragraph("<br/>".join(escape(line) for line in text.split("\n")), _styles()["cell"])


def _priorities(b: _Builder) -> None:
    m, s = b.report.model, b.s
    if not m["priorities"]:
        b.para(s["priorities_none"])
        return
    b.table(["#", s["question"], s["area"], s["level"], s["credit"], s["priority"], s["kind"]],
            [[i, f"{p['text']} ({p['question']})", p["area_title"], p["level"], b.num(p["credit"]),
              b.num(p["priority"]), p["kind_text"]] for i, p in enumerate(m["priorities"], start=1)],
            widths=[b.width * 0.04, b.width * 0.40, b.width * 0.21, b.width * 0.06, b.width * 0.08,
                    b.width * 0.10, b.width * 0.11])


def _follow_up(b: _Builder, rows: list[dict[str, Any]]) -> None:
    s = b.s
    before, after = s["before"].lower(), s["after"].lower()
    b.table([s["area"], f"{s['level']} {before}", f"{s['level']} {after}", f"{s['percent']} {before}",
             f"{s['percent']} {after}", s["comparable_share"]],
            [[f["title"], b.num(f["level_before"]), b.num(f["level_after"]), b.pct(f["percent_before"]),
              b.pct(f["percent_after"]), b.share(f["comparable_share"])] for f in rows],
            widths=[b.width * 0.30] + [b.width * 0.14] * 5)
    b.para(s["comparable_note"], "note")


def _city(b: _Builder) -> None:
    m, s = b.report.model, b.s
    b.header([])
    b.para(s["approved_only"] if m.get("approved_only") else
           s["drafts_included"] if m["include_drafts"] else s["drafts_excluded"], "note")
    b.section("response", s["response_rates"], new_page=False)
    r = m["response"]
    b.table([s["participating"], s["submitted"], s["drafts"], s["not_started"], s["response_rate"]],
            [[r["participating"], r["submitted"], r["draft"], r["not_started"], b.share(r["response_rate"])]],
            widths=[b.width / 5] * 5)
    b.chart("response_rate", max_height=b.height * 0.25)
    b.table([s["unit"], s["status"], s["weight"], s["overall_level"], s["percent"], s["completeness"]],
            [[u["name"], u["status_text"], b.num(u["weight"]), b.lvl(u["level"]), b.pct(u["percent"]),
              b.share(u["completeness"])] for u in m["units"]],
            widths=[b.width * 0.36, b.width * 0.14, b.width * 0.1, b.width * 0.18, b.width * 0.11, b.width * 0.11])

    b.section("rollup", s["rollup"])
    b.para(m["rollup"]["note"])
    w, mean = m["rollup"]["weakest"], m["rollup"]["mean"]
    b.table(["", s["overall_level"], s["percent"]],
            [[s["method_weakest"], b.lvl(w["overall"]["level"]), b.pct(w["overall"]["percent"])],
             [s["method_mean"], b.lvl(mean["overall"]["level"]), b.pct(mean["overall"]["percent"])]],
            widths=[b.width * 0.4, b.width * 0.3, b.width * 0.3])
    b.table([s["area"], f"{s['level']} ({s['method_weakest'].lower()})", f"{s['percent']} ({s['method_weakest'].lower()})",
             f"{s['level']} ({s['method_mean'].lower()})", f"{s['percent']} ({s['method_mean'].lower()})", s["target"]],
            [[a["title"], b.num(a["level"]), b.pct(a["percent"]), b.num(c["level"]), b.pct(c["percent"]),
              a["target_level"]] for a, c in zip(w["areas"], mean["areas"])],
            widths=[b.width * 0.30] + [b.width * 0.14] * 5)
    b.chart("radar_weakest", max_height=b.height * 0.5)
    b.chart("radar_mean", max_height=b.height * 0.5)

    b.section("heatmap", s["heatmap"])
    b.chart("heatmap", max_height=b.height * 0.9)
    b.section("distribution", s["distribution"])
    b.chart("distribution", max_height=b.height * 0.9)

    b.section("gaps", s["gaps"])
    b.para(s["gaps_note"], "note")
    b.table([s["area"], s["level"], s["target"], s["gap"], s["percent"]],
            [[g["title"], b.num(g["level"]), g["target_level"], g["gap"], b.pct(g["percent"])] for g in m["gaps"]],
            widths=[b.width * 0.4] + [b.width * 0.15] * 4)
    b.para(s["city_priorities"], "h3")
    b.para(s["city_priorities_note"], "note")
    _priorities(b)
    b.para(s["no_level"], "h3")
    if m["no_level"]:
        b.table([s["unit"], s["percent"], s["areas_at_zero"]],
                [[u["name"], b.pct(u["percent"]), u["areas_at_zero"]] for u in m["no_level"]],
                widths=[b.width * 0.6, b.width * 0.2, b.width * 0.2])
    else:
        b.para(s["no_level_none"])

    b.section("trend", s["trend"])
    t = m["trend"]
    if not t or not t["available"]:
        b.para(s["trend_none"])
    else:
        b.para(f"{s['previous_round']}: {t['previous_round']['name']} ({t['questionnaire']['id']} "
               f"{t['questionnaire']['version']}).")
        for meth in ("weakest", "mean"):
            b.para(s[f"method_{meth}"], "h3")
            _follow_up(b, t[meth]["areas"])
        b.chart("trend", max_height=b.height * 0.5)


def _evidence(b: _Builder) -> None:
    """Attached evidence (docs/evidence.md, "In the reports"): names and dates, not contents;
    a provider's file listed under a served unit says "(från …)"."""
    ev = b.report.model.get("evidence")
    if ev is None:
        return
    sv = b.lang != "en"
    b.section("evidence", "Bifogade underlag" if sv else "Attached evidence")
    if not ev["total"]:
        b.para("Inga filer är bifogade." if sv else "No files are attached.")
        return
    provided = ev.get("provided", 0)
    own = ev.get("own", ev["total"] - provided)
    split = ((f" ({own} egna, {provided} från andra förvaltningar)" if sv else f" ({own} own, {provided} from other "
              "units)") if provided else "")
    b.para((f"Antal filer: {ev['total']}{split}. Namn, typ och datum; innehållet finns i verktyget vid respektive "
            "fråga." if sv else f"Files: {ev['total']}{split}. Name, type and date; the contents are in the tool at "
            "each question."))
    city = b.report.kind == "city"
    head = (["Förvaltning" if sv else "Unit"] if city else []) + (
        ["Fråga", "Fil", "Typ", "Uppladdad"] if sv else ["Question", "File", "Type", "Uploaded"])

    def name(f: dict) -> str:
        if not f.get("provided_by"):
            return f["name"]
        return f"{f['name']} ({'från' if sv else 'from'} {f['provided_by_name']})"

    rows = [([f["unit_name"]] if city else []) + [f"{f['question_text']} ({f['question']})", name(f),
                                                  f["kind"].upper(), (f.get("uploaded_at") or "")[:10]]
            for f in ev["files"]]
    widths = ([0.2] if city else []) + ([0.35, 0.25, 0.08, 0.12] if city else [0.45, 0.33, 0.08, 0.14])
    b.table(head, rows, [b.width * w for w in widths])


def render_pdf(report: Report) -> bytes:
    _fonts()
    b = _Builder(report)
    (_unit if report.kind == "unit" else _city)(b)
    _evidence(b)
    return b.build()
