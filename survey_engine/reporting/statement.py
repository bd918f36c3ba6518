"""The follow-up statement (uppföljande yttrande, docs/indicators.md §5) written out:
`describe` adds to the model the formatted figures and the sentences the text uses
(so the JSON holds every figure the text shows), `blocks` turns it into one list of
headings, paragraphs, lists and tables, and the renderers write those blocks as DOCX
(python-docx, editable before it goes to the board), PDF (reportlab), HTML or JSON.
Pure: no database; Swedish by default, English on request.
"""
from __future__ import annotations

import copy
import html
import io
import json
from typing import Any, Iterable

FORMATS = ("docx", "pdf", "html", "json")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf", "html": "text/html; charset=utf-8", "json": "application/json",
}

VERDICT_LABEL = {
    "effekt": {"sv": "Effekt visad", "en": "Effect shown"},
    "ingen-effekt": {"sv": "Ingen mätbar effekt", "en": "No measurable effect"},
    "ej-matbar": {"sv": "Ännu inte mätbar", "en": "Not yet measurable"},
}

_W = {
    "title": ("Uppföljande yttrande", "Follow-up statement"),
    "audit": ("Granskning", "Audit"),
    "auditor": ("Granskare", "Auditor"),
    "period": ("Period", "Period"),
    "recommendation": ("Rekommendation", "Recommendation"),
    "responsible": ("Ansvarig", "Responsible"),
    "measures": ("Vidtagna åtgärder", "Measures taken"),
    "effect": ("Mätt effekt", "Measured effect"),
    "verdict": ("Bedömning", "Assessment"),
    "no_done": ("Inga kopplade åtgärder slutfördes under perioden.", "No linked action was completed in the period."),
    "under_way": ("Pågår:", "Under way:"),
    "unit": ("Enhet", "Unit"),
    "first": ("Första mätningen", "First measurement"),
    "last": ("Senaste mätningen", "Latest measurement"),
    "change": ("Förändring", "Change"),
    "target_met": ("Mål nått", "Target met"),
    "yes": ("ja", "yes"), "no": ("nej", "no"),
    "kommun": ("Hela kommunen", "The whole municipality"),
    "no_links": ("Rekommendationen är inte kopplad till någon indikator, fråga eller något område.",
                 "The recommendation is linked to no indicator, question or area."),
}


def _w(key: str, lang: str) -> str:
    sv, en = _W[key]
    return en if lang == "en" else sv


def _num(value: float, decimals: int, lang: str) -> str:
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "sv" else text


def fmt_value(kind: str, value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    if kind == "share":
        return f"{_num(value * 100, 1, lang)} %"
    if kind == "days":
        return f"{_num(value, 1, lang)} {'dagar' if lang == 'sv' else 'days'}"
    return _num(value, 0 if float(value).is_integer() else 1, lang)


def fmt_change(kind: str, change: float | None, relative: float | None, lang: str) -> str:
    if change is None:
        return "–"
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    if kind == "share":
        unit = "procentenheter" if lang == "sv" else "percentage points"
        return f"{sign}{_num(abs(change) * 100, 1, lang)} {unit}"
    text = f"{sign}{fmt_value(kind, abs(change), lang)}"
    if relative is not None:
        text += f" ({sign}{_num(abs(relative) * 100, 1, lang)} %)"
    return text


def _t(obj: Any, lang: str) -> str:
    if isinstance(obj, dict):
        return obj.get(lang) or obj.get("sv") or ""
    return "" if obj is None else str(obj)


def _indicator_lines(ind: dict[str, Any], lang: str) -> list[str]:
    d, title = ind["display"], _t(ind["title"], lang)
    sv = lang == "sv"
    if ind["periods"] == 0:
        return [f"{title} (mål {d['target']}): ingen mätning under perioden; effekten kan inte mätas ännu." if sv
                else f"{title} (target {d['target']}): no measurement in the period; the effect cannot be measured "
                     f"yet."]
    if ind["periods"] == 1:
        return [(f"{title} (mål {d['target']}): bara en mätning under perioden ({ind['first']['period']}: "
                 f"{d['first']}); en förändring kan mätas först när nästa mätning finns." if sv else
                 f"{title} (target {d['target']}): only one measurement in the period ({ind['first']['period']}: "
                 f"{d['first']}); a change can be measured once the next measurement exists.")]
    met = ("nått" if ind["met_at_end"] else "inte nått") if sv else ("met" if ind["met_at_end"] else "not met")
    line = (f"{title} (hela kommunen): {d['first']} ({ind['first']['period']}) → {d['last']} "
            f"({ind['last']['period']}), förändring {d['change']}. Målet {d['target']} är {met} vid periodens slut."
            if sv else
            f"{title} (whole municipality): {d['first']} ({ind['first']['period']}) → {d['last']} "
            f"({ind['last']['period']}), change {d['change']}. The target {d['target']} is {met} at the end of "
            f"the period.")
    out = [line]
    below = [u for u in ind["units"].values() if not u["met_at_end"]]
    if ind["units"]:
        out.append(f"{len(ind['units']) - len(below)} av {len(ind['units'])} enheter når målet vid sin senaste mätning."
                   if sv else
                   f"{len(ind['units']) - len(below)} of {len(ind['units'])} units meet the target at their latest "
                   f"measurement.")
    return out


def _round_lines(rec: dict[str, Any], lang: str) -> list[str]:
    sv = lang == "sv"
    out = []
    info = rec["rounds_info"]
    if rec["rounds"] and info.get("pair") is None:
        closed = info.get("closed", [])
        if closed:
            which = (f"bara en avslutad omgång ({closed[-1]['name']})" if sv else
                     f"only one closed round ({closed[-1]['name']})")
        else:
            which = "ingen avslutad omgång" if sv else "no closed round"
        out.append(f"Självskattningen görs vartannat år. Före periodens slut finns {which}, så förändringen i de "
                   f"kopplade frågorna och områdena kan inte mätas ännu; nästa omgång visar den." if sv else
                   f"The self-assessment runs every second year. Before the end of the period there is {which}, "
                   f"so the change in the linked questions and areas cannot be measured yet; the next round will "
                   f"show it.")
        return out
    for r in rec["rounds"]:
        d, title = r["display"], _t(r["title"], lang)
        if not r["comparable"]:
            out.append(f"{title}: går inte att jämföra mellan {r['before_round']} och {r['after_round']}." if sv
                       else f"{title}: cannot be compared between {r['before_round']} and {r['after_round']}.")
            continue
        parts = []
        if r["level_before"] is not None or r["level_after"] is not None:
            parts.append((f"nivå {d['level_before']} → {d['level_after']}" if sv else
                          f"level {d['level_before']} → {d['level_after']}"))
        parts.append((f"andel uppfyllda {d['share_before']} → {d['share_after']}" if sv else
                      f"share met {d['share_before']} → {d['share_after']}"))
        out.append(f"{title} ({r['before_round']} → {r['after_round']}): {', '.join(parts)}.")
    return out


def _verdict_line(rec: dict[str, Any], lang: str) -> str:
    code, sv = rec["verdict"]["code"], lang == "sv"
    label = VERDICT_LABEL[code][lang]
    if code == "effekt":
        because = ", ".join(rec["verdict"]["because"])
        return (f"{label}: mätningarna visar en förbättring i den riktning som eftersträvas ({because})." if sv else
                f"{label}: the measurements show an improvement in the desired direction ({because}).")
    if code == "ingen-effekt":
        return (f"{label}: det finns mätningar i början och slutet av perioden, men ingen kopplad indikator har "
                f"förbättrats med minst 5 procentenheter (andelar) eller 10 % (antal och dagar) eller nått sitt mål, "
                f"och inget kopplat område eller fråga har förbättrats." if sv else
                f"{label}: there are measurements at the start and the end of the period, but no linked indicator "
                f"improved by at least 5 percentage points (shares) or 10 % (counts and days) or reached its target, "
                f"and no linked area or question improved.")
    return (f"{label}: effekten går ännu inte att mäta. Ingen kopplad indikator har två mätningar under perioden och "
            f"det finns inget par av avslutade enkätomgångar att jämföra." if sv else
            f"{label}: the effect cannot be measured yet. No linked indicator has two measurements in the period "
            f"and there is no pair of closed survey rounds to compare.")


def _measure_line(m: dict[str, Any], lang: str, done: bool) -> str:
    who = ", ".join(x for x in (m["owner"], m["unit_name"] or ("staden" if lang == "sv" else "the city")) if x)
    if done:
        return f"{m['done_on']}: {m['title']} ({who})"
    due = f", {'klart senast' if lang == 'sv' else 'due'} {m['due_date']}" if m["due_date"] else ""
    return f"{m['title']} ({who}{due})"


def describe(model: dict[str, Any]) -> dict[str, Any]:
    """The model with `display` strings for every figure and `sentences` for every
    recommendation, in the model's language."""
    model = copy.deepcopy(model)
    lang = model.get("language", "sv")
    for rec in model["recommendations"]:
        for ind in rec["indicators"]:
            k = ind["kind"]
            ind["display"] = {
                "first": fmt_value(k, ind["first"]["value"], lang) if ind["first"] else "–",
                "last": fmt_value(k, ind["last"]["value"], lang) if ind["last"] else "–",
                "change": fmt_change(k, ind["change"], ind["relative_change"], lang),
                "target": fmt_value(k, ind["target"], lang),
            }
            for u in ind["units"].values():
                u["display"] = {"first": fmt_value(k, u["first"]["value"], lang),
                                "last": fmt_value(k, u["last"]["value"], lang),
                                "change": fmt_change(k, u["change"], None, lang)}
        for r in rec["rounds"]:
            r["display"] = {
                "level_before": "–" if r["level_before"] is None else str(r["level_before"]),
                "level_after": "–" if r["level_after"] is None else str(r["level_after"]),
                "share_before": fmt_value("share", r["share_before"], lang),
                "share_after": fmt_value("share", r["share_after"], lang),
            }
        rec["verdict"]["label"] = VERDICT_LABEL[rec["verdict"]["code"]][lang]
        effect = [line for ind in rec["indicators"] for line in _indicator_lines(ind, lang)]
        effect += [(f"{i}: indikatorn är inte publicerad; inga mätningar finns." if lang == "sv" else
                    f"{i}: the indicator is not published; there are no measurements.")
                   for i in rec["indicators_not_published"]]
        effect += _round_lines(rec, lang)
        if not effect:
            effect = [_w("no_links", lang)]
        rec["sentences"] = {
            "done": [_measure_line(m, lang, True) for m in rec["measures"]["done"]],
            "in_progress": [_measure_line(m, lang, False) for m in rec["measures"]["in_progress"]],
            "effect": effect,
            "verdict": _verdict_line(rec, lang),
        }
    return model


# ---------------------------------------------------------------- one content, four formats

def blocks(model: dict[str, Any]) -> list[tuple]:
    """("title"|"h2"|"h3"|"p"|"quote"|"verdict", text), ("list", [texts]),
    ("table", head, rows)."""
    lang = model["language"]
    a, p = model["audit"], model["period"]
    out: list[tuple] = [("title", f"{_w('title', lang)}: {a['title']}")]
    out.append(("p", f"{_w('audit', lang)}: {a['title']} ({a['id']}). {_w('auditor', lang)}: {a['auditor']}, "
                     f"{a['date']}. {_w('period', lang)}: {p['from']} – {p['to']}."))
    s = model["summary"]
    out.append(("p", (f"Yttrandet redovisar för varje rekommendation vilka åtgärder som vidtagits under perioden och "
                      f"vilken effekt som har kunnat mätas. Effekt visad: {s['effekt']}; ingen mätbar effekt: "
                      f"{s['ingen-effekt']}; ännu inte mätbar: {s['ej-matbar']}.") if lang == "sv" else
                     (f"For each recommendation the statement reports the measures taken in the period and the "
                      f"effect that could be measured. Effect shown: {s['effekt']}; no measurable effect: "
                      f"{s['ingen-effekt']}; not yet measurable: {s['ej-matbar']}.")))
    for n, rec in enumerate(model["recommendations"], start=1):
        out.append(("h2", f"{_w('recommendation', lang)} {n}: {rec['id']}"))
        out.append(("quote", _t(rec["text"], lang)))
        if rec["responsible"]:
            out.append(("p", f"{_w('responsible', lang)}: {rec['responsible']}"))
        out.append(("h3", _w("measures", lang)))
        sent = rec["sentences"]
        out.append(("list", sent["done"]) if sent["done"] else ("p", _w("no_done", lang)))
        if sent["in_progress"]:
            out.append(("p", _w("under_way", lang)))
            out.append(("list", sent["in_progress"]))
        out.append(("h3", _w("effect", lang)))
        for line in sent["effect"]:
            out.append(("p", line))
        for ind in rec["indicators"]:
            if ind["units"] and ind["periods"] >= 1:
                head = [_w("unit", lang), _w("first", lang), _w("last", lang), _w("change", lang), _w("target_met", lang)]
                rows = [[u["name"], f"{u['display']['first']} ({u['first']['period']})",
                         f"{u['display']['last']} ({u['last']['period']})", u["display"]["change"],
                         _w("yes" if u["met_at_end"] else "no", lang)] for u in ind["units"].values()]
                if ind["first"]:
                    rows.append([_w("kommun", lang), f"{ind['display']['first']} ({ind['first']['period']})",
                                 f"{ind['display']['last']} ({ind['last']['period']})", ind["display"]["change"],
                                 _w("yes" if ind["met_at_end"] else "no", lang)])
                out.append(("caption", _t(ind["title"], lang)))
                out.append(("table", head, rows))
        out.append(("h3", _w("verdict", lang)))
        out.append(("verdict", sent["verdict"]))
    return out


def render_json(model: dict[str, Any]) -> bytes:
    return json.dumps(model, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def render_html(model: dict[str, Any]) -> str:
    e = html.escape
    lang = model["language"]
    parts = [f'<!DOCTYPE html><html lang="{e(lang)}"><head><meta charset="utf-8">'
             f"<title>{e(_w('title', lang))}: {e(model['audit']['title'])}</title>"
             "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
             "table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #bbb;padding:.25rem .5rem;"
             "text-align:left}blockquote{border-left:4px solid #0b3d66;margin:0;padding:.25rem 1rem;background:#f3f6fa}"
             ".verdict{font-weight:bold}</style></head><body>"]
    for b in blocks(model):
        kind = b[0]
        if kind == "title":
            parts.append(f"<h1>{e(b[1])}</h1>")
        elif kind in ("h2", "h3"):
            parts.append(f"<{kind}>{e(b[1])}</{kind}>")
        elif kind == "p":
            parts.append(f"<p>{e(b[1])}</p>")
        elif kind == "quote":
            parts.append(f"<blockquote>{e(b[1])}</blockquote>")
        elif kind == "verdict":
            parts.append(f'<p class="verdict">{e(b[1])}</p>')
        elif kind == "caption":
            parts.append(f"<p><strong>{e(b[1])}</strong></p>")
        elif kind == "list":
            parts.append("<ul>" + "".join(f"<li>{e(x)}</li>" for x in b[1]) + "</ul>")
        elif kind == "table":
            head = "".join(f'<th scope="col">{e(h)}</th>' for h in b[1])
            rows = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in r) + "</tr>" for r in b[2])
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    parts.append("</body></html>")
    return "".join(parts)


def render_docx(model: dict[str, Any]) -> bytes:
    """An editable Word document: real headings, lists and tables, no images."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    lang = model["language"]
    doc.core_properties.title = f"{_w('title', lang)}: {model['audit']['title']}"
    doc.core_properties.author = "survey-engine"
    doc.core_properties.language = "sv-SE" if lang == "sv" else "en-GB"
    doc.styles["Normal"].font.size = Pt(11)
    for b in blocks(model):
        kind = b[0]
        if kind == "title":
            doc.add_heading(b[1], level=0)
        elif kind == "h2":
            doc.add_heading(b[1], level=1)
        elif kind == "h3":
            doc.add_heading(b[1], level=2)
        elif kind == "p":
            doc.add_paragraph(b[1])
        elif kind == "quote":
            doc.add_paragraph(b[1], style="Quote")
        elif kind == "caption":
            doc.add_paragraph().add_run(b[1]).bold = True
        elif kind == "verdict":
            doc.add_paragraph().add_run(b[1]).bold = True
        elif kind == "list":
            for x in b[1]:
                doc.add_paragraph(x, style="List Bullet")
        elif kind == "table":
            table = doc.add_table(rows=1, cols=len(b[1]))
            table.style = "Table Grid"
            for cell, h in zip(table.rows[0].cells, b[1]):
                cell.text = h
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for r in b[2]:
                cells = table.add_row().cells
                for cell, c in zip(cells, r):
                    cell.text = str(c)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def render_pdf(model: dict[str, Any]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import ListFlowable, ListItem, SimpleDocTemplate, Spacer, Table, TableStyle

    from .pdf import FONT, _fonts, _p  # here, not at the top: reportlab loads only for PDFs

    _fonts()
    lang = model["language"]
    margin = 18 * mm
    width = A4[0] - 2 * margin
    story: list = []
    style = {"title": "title", "h2": "h2", "h3": "h3", "p": "body", "quote": "body", "verdict": "h3",
             "caption": "cellb"}
    for b in blocks(model):
        kind = b[0]
        if kind in style:
            story.append(_p(b[1], style[kind]))
        elif kind == "list":
            story.append(ListFlowable([ListItem(_p(x), leftIndent=10) for x in b[1]], bulletType="bullet",
                                      start="•", leftIndent=10))
        elif kind == "table":
            data = [[_p(h, "cellb") for h in b[1]]] + [[_p(c, "cell") for c in r] for r in b[2]]
            t = Table(data, colWidths=[width * w for w in (0.34, 0.19, 0.19, 0.18, 0.10)], repeatRows=1)
            t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c8c8c8")),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f3f7")),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story.append(t)
            story.append(Spacer(1, 6))
    title = f"{_w('title', lang)}: {model['audit']['title']}"
    buf = io.BytesIO()

    def on_page(canvas, doc_):
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.drawString(margin, margin * 0.55, f"{title} · {doc_.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin + 6, title=title, author="survey-engine", creator="survey-engine",
                            lang=lang, invariant=1)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()


def render(model: dict[str, Any], fmt: str) -> bytes:
    if fmt == "json":
        return render_json(model)
    if fmt == "html":
        return render_html(model).encode("utf-8")
    if fmt == "docx":
        return render_docx(model)
    if fmt == "pdf":
        return render_pdf(model)
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")


def figures(model: dict[str, Any]) -> Iterable[str]:
    """Every display string of the model (what a reader of the text must find)."""
    for rec in model["recommendations"]:
        for ind in rec["indicators"]:
            yield from (v for v in ind["display"].values() if v != "–")
        for r in rec["rounds"]:
            if r["comparable"]:
                yield from (v for v in r["display"].values() if v != "–")
