"""Reports of improvement plans (docs/planning.md): a plan as PDF or XLSX, and the follow-up,
of one plan or of every plan made from a round ("which measures were taken and what
effect did they have"), as HTML or XLSX.

The renderers are pure (a plan or follow-up dict from `services.plans`, plus the
questionnaires, in; bytes out). Text from the data is escaped in HTML (Jinja
autoescape) and PDF (reportlab markup), and every XLSX text cell goes through
`exports.neutralize_cell`. `*_report(...)` at the end load, check permissions and
render for the web layer and the command line.
"""
from __future__ import annotations

import io
from typing import Any, Iterable, Mapping, Sequence

from survey_engine.exports import neutralize_cell
from survey_engine.planning.vocabulary import effect_text, status_text
from survey_engine.questionnaire.model import Questionnaire, localized

from .text import check_lang, fmt_number, fmt_percent, fmt_share
from survey_engine import clock


def local_time(value: Any) -> str:
    """A stored UTC time as Swedish local time, to the minute (what the pages show)."""
    return clock.shown(value)[:16]

PLAN_FORMATS = ("pdf", "xlsx")
FOLLOW_UP_FORMATS = ("html", "xlsx")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}

_W = {
    "plan": ("Handlingsplan", "Improvement plan"),
    "follow_up": ("Uppföljning av handlingsplan", "Follow-up of the improvement plan"),
    "summary": ("Vilka åtgärder vidtogs och vilken effekt fick de?", "Which measures were taken and what effect did they have?"),
    "unit": ("Förvaltning", "Unit"),
    "city": ("Staden (sammanvägning)", "The city (roll-up)"),
    "round": ("Omgång", "Round"),
    "questionnaire": ("Enkät", "Questionnaire"),
    "method": ("Sammanvägning", "Roll-up method"),
    "start": ("Start", "Start"),
    "capacity": ("Kapacitet per halvår", "Capacity per half-year"),
    "revision": ("Ändring nr", "Change no."),
    "created": ("Skapad av", "Created by"),
    "updated": ("Senast ändrad av", "Last changed by"),
    "period": ("Halvår", "Half-year"),
    "backlog": ("Ej inplanerat (backlog)", "Not scheduled (backlog)"),
    "area": ("Område", "Area"),
    "level": ("Nivå", "Level"),
    "question": ("Fråga", "Question"),
    "action": ("Åtgärd", "Action"),
    "kind": ("Typ", "Kind"),
    "priority": ("Prioritet", "Priority"),
    "effort": ("Insats", "Effort"),
    "owner": ("Ansvarig", "Owner"),
    "status": ("Status", "Status"),
    "due": ("Klart senast", "Due"),
    "note": ("Anteckning", "Note"),
    "effect": ("Effekt", "Effect"),
    "flagged": ("Flaggad", "Flagged"),
    "flag_text": ("klar utan mätbar effekt", "done without a measured effect"),
    "credit_before": ("Poäng före", "Credit before"),
    "credit_after": ("Poäng efter", "Credit after"),
    "successor": ("Fråga i senare version", "Question in the later version"),
    "before": ("Före", "Before"),
    "after": ("Efter", "After"),
    "percent": ("Andel", "Percent"),
    "comparable": ("Jämförbar andel", "Comparable share"),
    "areas": ("Områden i båda omgångarna", "Areas in both rounds"),
    "actions": ("Åtgärder", "Actions"),
    "no_later": ("Ingen senare omgång med inskickat svar än: effekten kan inte mätas.",
                 "No later round with a submitted response yet: the effect cannot be measured."),
    "followed_with": ("Följs upp med", "Followed up with"),
    "total": ("Totalt", "Total"),
    "count": ("Antal", "Count"),
    "per_unit": ("Per förvaltning", "Per unit"),
    "none": ("(inga)", "(none)"),
    "empty": ("(inga åtgärder)", "(no actions)"),
    "own": ("egen åtgärd", "own action"),
    "improve": ("förbättra", "improve"),
    "investigate": ("ta reda på", "investigate"),
    "points": ("poäng", "points"),
    "sheet_actions": ("Åtgärder", "Actions"),
    "sheet_periods": ("Halvår", "Half-years"),
    "sheet_areas": ("Områden", "Areas"),
    "sheet_total": ("Sammanfattning", "Summary"),
    "flag_note": ("Flaggade åtgärder är markerade klara men frågan har inte förbättrats: sådant frågar en revisor efter.",
                  "Flagged actions are marked done but their question has not improved: what an auditor asks about."),
    "not_measured": ("ej mätt", "not measured"),
    "page": ("sida", "page"),
}
EFFECT_ORDER = ("met", "improved", "unchanged", "worse", "not_comparable", "not_measured")


def _w(key: str, lang: str) -> str:
    sv, en = _W[key]
    return en if lang == "en" else sv


def _status(status: str, lang: str) -> str:
    return status_text(status, lang)


def _effect(effect: str | None, lang: str) -> str:
    return effect_text(None if effect == "not_measured" else effect, lang)


def _area_title(qs: Sequence[Questionnaire], area_id: str, lang: str) -> str:
    for q in qs:
        area = q.area(area_id) if area_id else None
        if area is not None:
            return localized(area.title, lang, q.default_language)
    return area_id or ""


def _action_text(q: Questionnaire, action: Mapping[str, Any], lang: str) -> str:
    """The question's text in `lang` (a free-standing action: its own title)."""
    if action.get("question"):
        question = q.question(action["question"])
        if question is not None:
            return localized(question.text, lang, q.default_language)
    return action.get("title") or ""


def _kind(kind: str, lang: str) -> str:
    return _w(kind, lang) if kind in ("own", "improve", "investigate") else kind


def _who(plan: Mapping[str, Any], lang: str) -> str:
    return plan["unit_name"] or plan["unit"] if plan.get("unit") else _w("city", lang)


def plan_rows(plan: Mapping[str, Any], q: Questionnaire, lang: str) -> list[dict[str, Any]]:
    """One row per action, in plan order, with display texts."""
    rows = []
    for a in plan["actions"]:
        rows.append({
            **a,
            "period_text": a["period"] or _w("backlog", lang),
            "area_title": _area_title([q], a["area"], lang),
            "text": _action_text(q, a, lang),
            "kind_text": _kind(a["kind"], lang),
            "status_text": _status(a["status"], lang),
        })
    return rows


# ---------------------------------------------------------------- XLSX

def _xlsx_value(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 2)  # for people; the JSON keeps every digit
    if value is None or isinstance(value, (bool, int)):
        return value
    return neutralize_cell(str(value))


def _sheet(wb, title: str, head: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(neutralize_cell(title)[:31])
    ws.append([neutralize_cell(h) for h in head])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    rows = list(rows)
    for row in rows:
        ws.append([_xlsx_value(v) for v in row])
    ws.freeze_panes = "A2"
    for i, h in enumerate(head, start=1):
        width = max([len(str(h))] + [min(60, len(str(r[i - 1]))) for r in rows[:200] if r[i - 1] is not None])
        ws.column_dimensions[get_column_letter(i)].width = max(6, min(60, width + 2))


def _workbook_bytes(wb) -> bytes:
    wb.properties.creator = "survey-engine"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render_plan_xlsx(plan: Mapping[str, Any], q: Questionnaire, lang: str = "sv") -> bytes:
    """Sheets: the actions (one row each) and the half-years (effort against capacity)."""
    from openpyxl import Workbook

    check_lang(lang)
    wb = Workbook()
    wb.remove(wb.active)
    head = [_w(k, lang) for k in ("period", "area", "level", "question", "action", "kind", "priority", "effort",
                                  "owner", "status", "due", "note")]
    _sheet(wb, _w("sheet_actions", lang), head, (
        [r["period_text"], r["area_title"], r["level"], r["question"] or "", r["text"], r["kind_text"],
         r["priority"], r["effort"], r["owner"], r["status_text"], r["due_date"] or "", r["note"]]
        for r in plan_rows(plan, q, lang)))
    _sheet(wb, _w("sheet_periods", lang), [_w("period", lang), _w("effort", lang), _w("capacity", lang),
                                           _w("actions", lang)], (
        [p["period"], p["effort"], plan["capacity"],
         sum(1 for a in plan["actions"] if a["period"] == p["period"])] for p in plan["periods"]))
    return _workbook_bytes(wb)


def _follow_up_rows(fu: Mapping[str, Any], q1: Questionnaire, q2: Questionnaire | None,
                    lang: str) -> list[dict[str, Any]]:
    rows = []
    for a in fu["actions"]:
        successor_text = ""
        if a.get("successor") and q2 is not None and a["successor"] != a["question"]:
            question = q2.question(a["successor"])
            successor_text = f"{a['successor']}: {localized(question.text, lang, q2.default_language)}" if question else a["successor"]
        rows.append({
            **a,
            "period_text": a["period"] or _w("backlog", lang),
            "area_title": _area_title([q1], a["area"], lang),
            "text": _action_text(q1, a, lang),
            "status_text": _status(a["status"], lang),
            "effect_key": a["effect"] or "not_measured",
            "effect_text": _effect(a["effect"], lang),
            "successor_text": successor_text,
        })
    return rows


def _area_rows(fu: Mapping[str, Any], q1: Questionnaire, q2: Questionnaire | None, lang: str) -> list[dict[str, Any]]:
    qs = [x for x in (q2, q1) if x is not None]
    return [{**a, "title": _area_title(qs, a["area"], lang)} for a in fu["areas"]]


_ACTION_HEAD = ("period", "area", "level", "question", "action", "owner", "status", "due", "effect", "flagged",
                "credit_before", "credit_after", "successor", "note")


def _action_cells(r: Mapping[str, Any], lang: str) -> list[Any]:
    return [r["period_text"], r["area_title"], r["level"], r["question"] or "", r["text"], r["owner"],
            r["status_text"], r["due_date"] or "", r["effect_text"], _w("flag_text", lang) if r["flagged"] else "",
            r["credit_before"], r["credit_after"], r["successor_text"], r["note"]]


def _area_cells(a: Mapping[str, Any]) -> list[Any]:
    return [a["title"], a["level_before"], a["level_after"], a["percent_before"], a["percent_after"],
            a["comparable_share"]]


def _area_head(lang: str) -> list[str]:
    return [_w("area", lang), f"{_w('level', lang)} ({_w('before', lang).lower()})",
            f"{_w('level', lang)} ({_w('after', lang).lower()})", f"{_w('percent', lang)} ({_w('before', lang).lower()})",
            f"{_w('percent', lang)} ({_w('after', lang).lower()})", _w("comparable", lang)]


def render_follow_up_xlsx(fu: Mapping[str, Any], q1: Questionnaire, q2: Questionnaire | None,
                          lang: str = "sv") -> bytes:
    from openpyxl import Workbook

    check_lang(lang)
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, _w("sheet_actions", lang), [_w(k, lang) for k in _ACTION_HEAD],
           (_action_cells(r, lang) for r in _follow_up_rows(fu, q1, q2, lang)))
    _sheet(wb, _w("sheet_areas", lang), _area_head(lang), (_area_cells(a) for a in _area_rows(fu, q1, q2, lang)))
    return _workbook_bytes(wb)


def render_summary_xlsx(summary: Mapping[str, Any], qs: Mapping[str, Questionnaire], lang: str = "sv") -> bytes:
    """Sheets: every action of every plan (one row each, with its unit), and the
    counts by status and effect per unit and in total. `qs`: questionnaires by
    "id@version"."""
    from openpyxl import Workbook

    check_lang(lang)
    wb = Workbook()
    wb.remove(wb.active)
    rows = []
    for fu in summary_plans(summary):
        q1, q2 = questionnaires_of(fu, qs)
        who = _who(fu["plan"], lang)
        for r in _follow_up_rows(fu, q1, q2, lang):
            rows.append([who, fu["plan"]["id"]] + _action_cells(r, lang))
    _sheet(wb, _w("sheet_actions", lang), [_w("unit", lang), "Plan"] + [_w(k, lang) for k in _ACTION_HEAD], rows)
    head = [_w("unit", lang), _w("actions", lang)] + [_status(s, lang) for s in _STATUSES] + \
        [_effect(e, lang) for e in EFFECT_ORDER] + [_w("flagged", lang)]
    _sheet(wb, _w("sheet_total", lang), head, (
        [label, c["actions"]] + [c["status"].get(s, 0) for s in _STATUSES] + [c["effect"][e] for e in EFFECT_ORDER]
        + [c["flagged"]] for label, c in _count_rows(summary, lang)))
    return _workbook_bytes(wb)


_STATUSES = ("planned", "in_progress", "done", "dropped")


def summary_plans(summary: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(summary["units"]) + ([summary["city"]] if summary.get("city") else [])


def _count_rows(summary: Mapping[str, Any], lang: str) -> list[tuple[str, Mapping[str, Any]]]:
    rows = [(_who(fu["plan"], lang), fu["counts"]) for fu in summary["units"]]
    rows.append((f"{_w('total', lang)} ({_w('per_unit', lang).lower()})", summary["total"]))
    if summary.get("city"):
        rows.append((_w("city", lang), summary["city"]["counts"]))
    return rows


def questionnaires_of(fu: Mapping[str, Any], qs: Mapping[str, Questionnaire]) -> tuple[Questionnaire, Questionnaire | None]:
    b = fu["before"]["questionnaire"]
    q1 = qs[f"{b['id']}@{b['version']}"]
    q2 = None
    if fu.get("after"):
        a = fu["after"]["questionnaire"]
        q2 = qs[f"{a['id']}@{a['version']}"]
    return q1, q2


# ---------------------------------------------------------------- HTML

_HTML = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 75rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.4; color: #1a1a1a; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border: 1px solid #c8c8c8; padding: 0.25rem 0.4rem; text-align: left; vertical-align: top; }
th { background: #f0f3f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.flagged td { background: #fff1e6; }
.effect-met { color: #0a6b2d; font-weight: 600; } .effect-improved { color: #2b6a00; }
.effect-worse { color: #a11a1a; font-weight: 600; } .effect-not_comparable, .effect-not_measured { color: #666; }
.note { color: #555; font-size: 0.9rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dl.facts dt { font-weight: 600; }
</style></head>
<body>
<h1>{{ title }}</h1>
{% if subtitle %}<p>{{ subtitle }}</p>{% endif %}
{% for section in sections %}
<section class="plan-follow-up" id="plan-{{ section.plan.id }}" data-plan="{{ section.plan.id }}">
<h2>{{ section.who }}: {{ section.plan.title }}</h2>
<dl class="facts">
<dt>{{ w.round }}</dt><dd>{{ section.before.round_name }} ({{ section.before.questionnaire.id }} {{ section.before.questionnaire.version }})</dd>
<dt>{{ w.followed_with }}</dt><dd>{% if section.after %}{{ section.after.round_name }} ({{ section.after.questionnaire.id }} {{ section.after.questionnaire.version }}){% else %}–{% endif %}</dd>
</dl>
{% if not section.after %}<p class="note">{{ w.no_later }}</p>{% endif %}
<h3>{{ w.actions }}</h3>
{% if section.rows %}
<table class="actions">
<thead><tr><th>{{ w.period }}</th><th>{{ w.area }}</th><th>{{ w.level }}</th><th>{{ w.action }}</th><th>{{ w.owner }}</th><th>{{ w.status }}</th><th>{{ w.due }}</th><th>{{ w.effect }}</th><th>{{ w.credit_before }}</th><th>{{ w.credit_after }}</th></tr></thead>
<tbody>
{% for r in section.rows %}
<tr class="action{% if r.flagged %} flagged{% endif %}" data-action="{{ r.id }}" data-question="{{ r.question or '' }}" data-status="{{ r.status }}" data-effect="{{ r.effect_key }}" data-flagged="{{ 'true' if r.flagged else 'false' }}">
<td>{{ r.period_text }}</td><td>{{ r.area_title }}</td><td class="num">{{ r.level if r.level is not none else '–' }}</td>
<td>{% if r.question %}<code>{{ r.question }}</code> {% endif %}{{ r.text }}{% if r.successor_text %}<br><span class="note">{{ w.successor }}: {{ r.successor_text }}</span>{% endif %}{% if r.note %}<br><span class="note">{{ r.note }}</span>{% endif %}</td>
<td>{{ r.owner }}</td><td>{{ r.status_text }}</td><td>{{ r.due_date or '' }}</td>
<td class="effect-{{ r.effect_key }}">{{ r.effect_text }}{% if r.flagged %} ⚑ {{ w.flag_text }}{% endif %}</td>
<td class="num">{{ num(r.credit_before) }}</td><td class="num">{{ num(r.credit_after) }}</td>
</tr>
{% endfor %}
</tbody></table>
{% else %}<p>{{ w.empty }}</p>{% endif %}
<h3>{{ w.areas }}</h3>
<table class="areas">
<thead><tr>{% for h in area_head %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for a in section.areas %}
<tr data-area="{{ a.area }}"><td>{{ a.title }}</td><td class="num">{{ lvl(a.level_before) }}</td><td class="num">{{ lvl(a.level_after) }}</td>
<td class="num">{{ pct(a.percent_before) }}</td><td class="num">{{ pct(a.percent_after) }}</td><td class="num">{{ share(a.comparable_share) }}</td></tr>
{% endfor %}
</tbody></table>
</section>
{% endfor %}
{% if totals %}
<section id="totals">
<h2>{{ w.total }}</h2>
<table class="totals">
<thead><tr><th>{{ w.unit }}</th><th>{{ w.actions }}</th>{% for s in statuses %}<th>{{ s }}</th>{% endfor %}{% for e in effects %}<th>{{ e }}</th>{% endfor %}<th>{{ w.flagged }}</th></tr></thead>
<tbody>
{% for label, c in totals %}
<tr><td>{{ label }}</td><td class="num">{{ c.actions }}</td>{% for s in status_keys %}<td class="num">{{ c.status.get(s, 0) }}</td>{% endfor %}{% for e in effect_keys %}<td class="num">{{ c.effect[e] }}</td>{% endfor %}<td class="num">{{ c.flagged }}</td></tr>
{% endfor %}
</tbody></table>
</section>
{% endif %}
<p class="note">{{ w.flag_note }}</p>
</body></html>
"""


def _environment():
    from jinja2 import Environment

    return Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)


def _render_sections(title: str, subtitle: str, items: Sequence[Mapping[str, Any]],
                     qs: Mapping[str, Questionnaire], lang: str, totals=None) -> str:
    sections = []
    for fu in items:
        q1, q2 = questionnaires_of(fu, qs)
        sections.append({"plan": fu["plan"], "who": _who(fu["plan"], lang), "before": fu["before"],
                         "after": fu["after"], "rows": _follow_up_rows(fu, q1, q2, lang),
                         "areas": _area_rows(fu, q1, q2, lang)})
    template = _environment().from_string(_HTML)
    return template.render(
        lang=lang, title=title, subtitle=subtitle, sections=sections, w={k: _w(k, lang) for k in _W},
        area_head=_area_head(lang), totals=totals,
        statuses=[_status(s, lang) for s in _STATUSES], status_keys=_STATUSES,
        effects=[_effect(e, lang) for e in EFFECT_ORDER], effect_keys=EFFECT_ORDER,
        num=lambda v: fmt_number(v, lang), pct=lambda v: fmt_percent(v, lang), share=lambda v: fmt_share(v, lang),
        lvl=lambda v: "–" if v is None else str(v),
    )


def render_follow_up_html(fu: Mapping[str, Any], qs: Mapping[str, Questionnaire], lang: str = "sv") -> str:
    check_lang(lang)
    return _render_sections(f"{_w('follow_up', lang)}: {_who(fu['plan'], lang)}", fu["plan"]["title"], [fu], qs, lang)


def render_summary_html(summary: Mapping[str, Any], qs: Mapping[str, Questionnaire], lang: str = "sv") -> str:
    check_lang(lang)
    return _render_sections(_w("summary", lang), f"{_w('round', lang)}: {summary['round_name']}",
                            summary_plans(summary), qs, lang, totals=_count_rows(summary, lang))


# ---------------------------------------------------------------- PDF

def render_plan_pdf(plan: Mapping[str, Any], q: Questionnaire, lang: str = "sv") -> bytes:
    """The plan: facts, then each half-year's actions and the backlog, as tables."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    from .pdf import FONT, _fonts, _p  # here, not at the top: reportlab loads only for PDFs

    check_lang(lang)
    _fonts()
    page = landscape(A4)
    margin = 14 * mm
    width = page[0] - 2 * margin
    story: list = []
    title = f"{_w('plan', lang)}: {_who(plan, lang)}"
    story.append(_p(title, "title"))
    story.append(_p(plan["title"], "h3"))

    def table(head, rows, widths):
        data = ([[_p(h, "cellb") for h in head]] if head else []) + [[_p(c, "cell") for c in row] for row in rows]
        if not data:
            return
        t = Table(data, colWidths=[width * w for w in widths], repeatRows=1 if head else 0)
        t.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c8c8c8")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f3f7" if head else "#ffffff")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        story.append(t)
        story.append(Spacer(1, 6))

    facts = [(_w("unit", lang), _who(plan, lang)),
             (_w("round", lang), f"{plan['round_name']} ({q.id} {q.version})"),
             (_w("start", lang), f"{plan['start']}, {len(plan['periods'])} {_w('period', lang).lower()}"),
             (_w("capacity", lang), f"{plan['capacity']} {_w('points', lang)}")]
    if plan.get("method"):
        method = {"weakest": ("svagaste förvaltningen", "weakest unit"), "mean": ("medelvärde", "mean")}.get(plan["method"])
        facts.append((_w("method", lang), (method[1] if lang == "en" else method[0]) if method else plan["method"]))
    facts += [(_w("revision", lang), str(plan["revision"])),
              (_w("created", lang), f"{plan['created_by']} {local_time(plan['created_at'])}"),
              (_w("updated", lang), f"{plan['updated_by']} {local_time(plan['updated_at'])}")]
    table(None, facts, [0.2, 0.8])
    rows = plan_rows(plan, q, lang)
    head = [_w(k, lang) for k in ("area", "level", "action", "kind", "priority", "effort", "owner", "status", "due",
                                  "note")]
    widths = [0.11, 0.05, 0.30, 0.07, 0.065, 0.055, 0.12, 0.065, 0.08, 0.085]
    groups = [(p["period"], f"{p['period']} ({p['effort']}/{plan['capacity']} {_w('points', lang)})")
              for p in plan["periods"]] + [(None, _w("backlog", lang))]
    for period, label in groups:
        items = [r for r in rows if r["period"] == period]
        story.append(_p(label, "h2"))
        if not items:
            story.append(_p(_w("empty", lang), "note"))
            continue
        table(head, ([r["area_title"], r["level"] if r["level"] else "–",
                      (f"{r['question']}: " if r["question"] else "") + r["text"], r["kind_text"],
                      fmt_number(r["priority"], lang, 3), r["effort"] if r["effort"] is not None else "–",
                      r["owner"], r["status_text"], r["due_date"] or "", r["note"]] for r in items), widths)
    buf = io.BytesIO()
    footer = f"{title} · {_w('page', lang)} "

    def on_page(canvas, doc_):
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.drawString(margin, margin * 0.55, f"{footer}{doc_.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(buf, pagesize=page, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin + 6, title=title, author="survey-engine", creator="survey-engine",
                            lang=lang, invariant=1)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()
