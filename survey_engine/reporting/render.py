"""Write a `Report` as HTML, XLSX, CSV or JSON (PDF: `pdf.py`). Pure: report in, text
or bytes out.

- HTML: one self-contained file (styles inline, charts as inline SVG with
  `role="img"`, `aria-label` and a `<title>`), Jinja2 with autoescaping on for every
  template (the templates end in `.j2`, so it is switched on explicitly). Figures
  carry their unrounded value in `data-value` next to the displayed text.
- XLSX/CSV: every text cell goes through `survey_engine.exports.neutralize_cell`;
  numbers are written as numbers.
- JSON: the report model as it is (floats unrounded).
"""
from __future__ import annotations

import io
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, TYPE_CHECKING

if TYPE_CHECKING:  # matplotlib only when a chart is drawn (see the imports in the functions)
    from survey_engine.charts import Chart

from markupsafe import Markup, escape

from survey_engine.exports import csv_text, neutralize_cell

from .common import Report
from .text import fmt_level, fmt_number, fmt_percent, fmt_share, strings
from survey_engine.text import UNANSWERED, Text
from survey_engine.errors import AppError

FORMATS = ("html", "pdf", "xlsx", "csv", "json")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def templates_dir() -> Path:
    """`reports/templates` of the repository (or $SURVEY_ENGINE_REPORT_TEMPLATES)."""
    env = os.environ.get("SURVEY_ENGINE_REPORT_TEMPLATES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "reports" / "templates"


@lru_cache(maxsize=8)
def _environment(folder: str, lang: str):
    """One environment per language (its number filters differ), so reports in two
    languages can be rendered at the same time in different threads."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=True,  # every template, whatever its file name ends with
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(_filters(lang))
    return env


def _filters(lang: str) -> dict[str, Any]:
    return {
        "pct": lambda v: fmt_percent(v, lang),
        "share": lambda v: fmt_share(v, lang),
        "num": lambda v: fmt_number(v, lang),
        "lvl": lambda v: fmt_level(v, lang),
        # the exact value for machines: JSON (repr of floats, null for None)
        "dv": lambda v: json.dumps(v, ensure_ascii=False),
    }


_SVG_START = re.compile(r"<svg\b[^>]*>", re.S)


def inline_svg(chart: Chart, key: str) -> Markup:
    """The chart's SVG for embedding in HTML: no XML prolog or doctype, marked as an
    image whose accessible name is the chart's alt text (also its `<title>`).
    The SVG itself is matplotlib's output, which escapes every text it draws."""
    from survey_engine.charts import to_svg  # here, not at the top: matplotlib costs a worker about 90 MB and a report is rare
    svg = to_svg(chart)
    start = svg.find("<svg")
    svg = svg[start:]
    m = _SVG_START.match(svg)
    alt = escape(chart.alt_text)
    open_tag = m.group(0)[:-1] + f' role="img" aria-label="{alt}">'
    svg = open_tag + f'<title id="chart-{escape(key)}-title">{alt}</title>' + svg[m.end():]
    return Markup(svg)


def render_html(report: Report) -> str:
    m = report.model
    folder = templates_dir()
    if not (folder / f"{report.kind}.html.j2").is_file():
        raise AppError(
            Text(f"Rapportmallarna saknas i {folder}; ange mappen i SURVEY_ENGINE_REPORT_TEMPLATES", f"the report " f"templates are missing from {folder}: set SURVEY_ENGINE_REPORT_TEMPLATES to the reports/templates folder"))
    env = _environment(str(folder), report.lang)
    charts = {key: {"svg": inline_svg(chart, key), "alt": chart.alt_text} for key, chart in report.build_charts()}
    names = {int(k): v for k, v in m["level_names"].items()}
    template = env.get_template(f"{report.kind}.html.j2")
    return template.render(m=m, s=strings(report.lang), lang=report.lang, charts=charts, names=names)


def render_json(report: Report) -> str:
    return json.dumps(report.model, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------- tables (CSV, XLSX)

def _score_table(report: Report) -> tuple[list[str], list[list[Any]]]:
    """Scores per area (unit report) or per förvaltning and area (city report)."""
    m = report.model
    s = strings(report.lang)
    head = [s["unit"], "unit_code", s["area"], "area_id", s["level"], s["percent"], s["target"],
            s["gap"], s["progress"]]
    rows: list[list[Any]] = []
    if report.kind == "unit":
        head += [s["city_median_level"], s["city_median_percent"]]
        u = m["unit"]
        for a in m["areas"]:
            median = ([s["too_few_units"]] * 2 if a.get("city_median_suppressed")
                      else [a["city_median_level"], a["city_median_percent"]])
            rows.append([u["name"], u["code"], a["title"], a["id"], a["level"], a["percent"], a["target_level"],
                         a["gap"], a["next_level_progress"], *median])
        rows.append([u["name"], u["code"], s["overall"], "", m["overall"]["level"], m["overall"]["percent"],
                     "", "", "", "", ""])
    else:
        head += [s["status"], s["in_city_figures"]]
        for u in m["units"]:
            for a in u["areas"]:
                rows.append([u["name"], u["code"], a["title"], a["id"], a["level"], a["percent"],
                             a["target_level"], a["gap"], a["next_level_progress"], u["status"],
                             u["in_city_figures"]])
    return head, rows


def _city_table(report: Report) -> tuple[list[str], list[list[Any]]]:
    m = report.model
    s = strings(report.lang)
    head = ["method", s["area"], "area_id", s["level"], s["percent"], s["target"], s["gap"], s["progress"]]
    rows = []
    for meth in ("weakest", "mean"):
        r = m["rollup"][meth]
        for a in r["areas"]:
            rows.append([meth, a["title"], a["id"], a["level"], a["percent"], a["target_level"], a["gap"],
                         a["next_level_progress"]])
        rows.append([meth, s["overall"], "", r["overall"]["level"], r["overall"]["percent"], "", "", ""])
    return head, rows


def _priority_table(report: Report) -> tuple[list[str], list[list[Any]]]:
    s = strings(report.lang)
    head = ["#", "question_id", s["question"], s["area"], s["level"], s["credit"], s["priority"], s["kind"],
            s["effort"]]
    rows = [[i, p["question"], p["text"], p["area_title"], p["level"], p["credit"], p["priority"],
             p["kind_text"], p["effort"]] for i, p in enumerate(report.model["priorities"], start=1)]
    return head, rows


def _answer_table(report: Report) -> tuple[list[str], list[list[Any]]]:
    s = strings(report.lang)
    head = [s["unit"], "unit_code", s["area"], "question_id", s["level"], s["question_text"], s["answer"],
            "value", s["status"], s["credit"], s["met"], s["comment"], s["evidence"], s["answer_source"]]
    rows = []
    for unit_name, unit_code, answers in _answer_sets(report):
        for a in answers:
            value = a["value"]
            raw = json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value
            rows.append([unit_name, unit_code, a["area_title"], a["id"], a["level"], a["text"], a["answer"], raw,
                         a["status"], a["credit"], a["met"], a["comment"], a["evidence"], a["source_text"]])
    return head, rows


def _answer_sets(report: Report):
    m = report.model
    if report.kind == "unit":
        yield m["unit"]["name"], m["unit"]["code"], m["answers"]
    else:
        for u in m["units"]:
            if u.get("answers"):
                yield u["name"], u["code"], u["answers"]


def render_csv(report: Report, table: str = "scores") -> str:
    """One table as CSV: `scores` (default), `answers`, `priorities` or `city`."""
    tables = {"scores": _score_table, "answers": _answer_table, "priorities": _priority_table}
    if report.kind == "city":
        tables["city"] = _city_table
    if table not in tables:
        raise ValueError(f"unknown table {table!r}: use one of {', '.join(tables)}")
    head, rows = tables[table](report)
    return csv_text(head, rows)


# Excel is read by people (docs/web-pages.md, "Swedish throughout"): headers and the
# status and method values in the report's language, numbers rounded. CSV and JSON keep
# the ids for machines.
_XLSX_HEAD = {"unit_code": ("Förvaltningskod", "Unit code"), "area_id": ("Områdeskod", "Area code"),
              "question_id": ("Frågekod", "Question code"), "value": ("Svarsvärde", "Answer value"),
              "method": ("Sammanvägning", "Roll-up method")}
_XLSX_VALUES = {
    "answered": ("besvarad", "answered"), "missing": (UNANSWERED.sv.lower(), UNANSWERED.en.lower()),
    "hidden": ("visas inte (villkor)", "not shown (condition)"), "not_applicable": ("ej tillämplig", "not applicable"),
    "unscored": ("ger inga poäng", "not scored"), "submitted": ("inskickad", "submitted"), "draft": ("utkast", "draft"),
    "not_started": ("ej påbörjad", "not started"), "reopened": ("öppnad igen", "reopened"),
    "weakest": ("svagaste förvaltningen", "weakest unit"), "mean": ("medelvärde", "mean"),
}


def _people_table(head: list[str], rows: list[list[Any]], lang: str) -> tuple[list[str], list[list[Any]]]:
    i = 1 if lang == "en" else 0
    words_in = {n for n, h in enumerate(head) if h in ("method",) or h == strings(lang)["status"]}
    new_head = [_XLSX_HEAD[h][i] if h in _XLSX_HEAD else h for h in head]
    yes, no = ("yes", "no") if lang == "en" else ("ja", "nej")
    out = []
    for row in rows:
        cells = []
        for n, v in enumerate(row):
            if isinstance(v, bool):
                v = yes if v else no
            elif isinstance(v, float):
                v = round(v, 2)
            elif n in words_in and isinstance(v, str) and v in _XLSX_VALUES:
                v = _XLSX_VALUES[v][i]
            cells.append(v)
        out.append(cells)
    return new_head, out


def render_xlsx(report: Report) -> bytes:
    """Sheets: answers, scores (per förvaltning and area), [city roll-up], priorities."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    s = strings(report.lang)
    wb = Workbook()
    wb.remove(wb.active)
    sheets = [(s["sheet_answers"], _answer_table), (s["sheet_scores"], _score_table)]
    if report.kind == "city":
        sheets.append((s["sheet_city"], _city_table))
    sheets.append((s["sheet_priorities"], _priority_table))
    for title, make in sheets:
        ws = wb.create_sheet(title[:31])
        head, rows = _people_table(*make(report), report.lang)
        ws.append([neutralize_cell(h) for h in head])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([_xlsx_value(v) for v in row])
        ws.freeze_panes = "A2"
        for i, h in enumerate(head, start=1):
            width = max([len(str(h))] + [min(60, len(str(r[i - 1]))) for r in rows[:200] if r[i - 1] is not None])
            ws.column_dimensions[get_column_letter(i)].width = max(6, min(60, width + 2))
    _evidence_sheet(wb, report)
    wb.properties.creator = "survey-engine"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _evidence_sheet(wb, report: Report) -> None:
    """"Underlag": one row per attached evidence file (docs/evidence.md, "In the reports"):
    unit, question, file name, type, size, day of upload and, last, "Från förvaltning":
    the provider of a file listed under a served unit (empty for the unit's own files);
    never the contents."""
    from openpyxl.styles import Font

    ev = report.model.get("evidence")
    if ev is None:
        return
    sv = report.lang != "en"
    ws = wb.create_sheet("Underlag" if sv else "Evidence")
    ws.append(["Förvaltningskod", "Förvaltning", "Frågekod", "Fråga", "Fil", "Typ", "Storlek (kB)", "Uppladdad",
               "Från förvaltning"]
              if sv else ["Unit code", "Unit", "Question code", "Question", "File", "Type", "Size (kB)", "Uploaded",
                          "From unit"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for f in ev.get("files", []):
        ws.append([_xlsx_value(v) for v in (f["unit"], f["unit_name"], f["question"], f["question_text"], f["name"],
                                            f["kind"].upper(), round(f["size"] / 1024, 1),
                                            (f.get("uploaded_at") or "")[:10],
                                            f.get("provided_by_name") or None)])
    ws.freeze_panes = "A2"


def _xlsx_value(value: Any) -> Any:
    """Numbers, booleans and empty cells as they are; any text neutralised."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return neutralize_cell(str(value))


def render(report: Report, fmt: str, *, csv_table: str = "scores") -> tuple[bytes, str, str]:
    """(content, media type, file extension) of `report` in `fmt`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "html":
        content = render_html(report).encode("utf-8")
    elif fmt == "pdf":
        from .pdf import render_pdf  # here, not at the top: reportlab loads only for PDFs

        content = render_pdf(report)
    elif fmt == "xlsx":
        content = render_xlsx(report)
    elif fmt == "csv":
        content = render_csv(report, csv_table).encode("utf-8")
    else:
        content = render_json(report).encode("utf-8")
    return content, MEDIA_TYPES[fmt], fmt
