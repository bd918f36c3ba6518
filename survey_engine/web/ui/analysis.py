"""The analyst's pages (also read by planners, auditors and administrators): rounds,
a round's overview, the comparison across förvaltningar, one förvaltning, trends, and
report downloads."""
from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Response, Template

from survey_engine.services.policy import Action, Principal
from survey_engine.services import overview as overview_service
from survey_engine.services import responses as responses_service
from survey_engine.services import indicators as indicators_service
from survey_engine.services import rounds as rounds_service
from survey_engine.errors import NotFound
from survey_engine.services import round_results
from survey_engine.web.ui import reminders as reminders_ui
from survey_engine.web.ui import survey as sv
from survey_engine.web.ui.common import lang_of, need, render
from survey_engine.web.ui.respondent import result_context
from survey_engine.text import Text
from survey_engine.services.units import get_unit
from survey_engine.services import reports
from survey_engine.services import level_progress
from survey_engine.services.units import list_units
from survey_engine.services import audit
from survey_engine.web import i18n
from survey_engine.exports import csv_text, neutralize_cell




@get("/analys", name="ui.rounds")
async def rounds_page(request: Request) -> Template:
    need(request, Action.OVERVIEW_READ)
    rows, _ = await rounds_service.list_rounds(limit=1000)
    return render(request, "analysis/rounds.html", rounds=list(reversed(rows)))


@get("/analys/omgang/{round_id:int}", name="ui.overview")
async def overview_page(request: Request, round_id: FromPath[int]) -> Template:
    principal = need(request, Action.OVERVIEW_READ)
    data = await overview_service.round_overview(round_id, actor=principal)
    waiting = [u for u in data.units if u.status != "submitted"]
    # progress inside the levels, from the one read path the reports use (round_results)
    results = await round_results.compare_units(round_id, actor=principal)
    progress = {u.code: level_progress.unit_progress(u.result.to_dict(), results.questionnaire.max_level)
                for u in results.units if u.result is not None}
    reminder = await reminders_ui.overview_context(principal, round_id)  # e-mail reminders (issue 17)
    return render(request, "analysis/overview.html", data=data, round=data.round, waiting=waiting,
                  reminder=reminder, progress=progress, approved_only=approved_only_asked(request))


async def _round_results(principal: Principal, round_id: int,
                         approved_only: bool = False) -> tuple[dict, Any, list[dict[str, Any]]]:
    """(round, questionnaire, [{unit, name, status, draft, approved, counted, result}])
    of every started response, through the one read path the reports use
    (`round_results`): a submitted response's snapshot, a draft scored now and marked as
    a draft; `counted` says whether the city figures use it (with `approved_only`: only
    approved responses, docs/sign-off.md)."""
    rnd = await rounds_service.get_round(round_id)
    data = await round_results.compare_units(round_id, actor=principal, approved_only=approved_only)
    counted = {u.code for u in data.scored_units()}
    rows = [{"unit": u.code, "name": u.name, "status": u.status, "draft": u.draft, "approved": u.approved,
             "counted": u.code in counted, "result": u.result.to_dict()}
            for u in data.units if u.result is not None]
    return rnd, data.questionnaire, rows


def approved_only_asked(request: Request) -> bool:
    """The pages' "only approved responses" toggle (`?godkanda=1`, docs/sign-off.md)."""
    return request.query_params.get("godkanda") == "1"


SORT_KEYS = ("name", "level", "percent")


async def _compare_table(request: Request, principal: Principal, round_id: int) -> dict[str, Any]:
    """The comparison table as the page shows it (sorted by `?sort=`): the page and its
    CSV/Excel downloads are built from this one function, so they hold the same rows."""
    lang = lang_of(request)
    sort = request.query_params.get("sort", "name")[:100]
    approved_only = approved_only_asked(request)
    rnd, q, rows = await _round_results(principal, round_id, approved_only)
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    area_ids = [a.id for a in q.areas]
    if key not in SORT_KEYS and key not in area_ids:
        key, descending = "name", False

    def sort_value(row: dict[str, Any]):
        if key == "name":
            return (0, row["name"].lower())
        if key in ("level", "percent"):
            value = row["result"]["overall"][key]
        else:
            area = next(a for a in row["result"]["areas"] if a["id"] == key)
            value = area["percent"]
        # units without a value go last whichever way the column is sorted
        return (0, value) if value is not None else (1, 0)

    present = [r for r in rows if sort_value(r)[0] == 0]
    absent = [r for r in rows if sort_value(r)[0] == 1]
    present.sort(key=sort_value, reverse=descending)
    rows = present + absent

    columns = [{"id": a.id, "title": sv.text(a.title, lang, q)} for a in q.areas]
    table = []
    for r in rows:
        by_area = {a["id"]: a for a in r["result"]["areas"]}
        table.append({"unit": r["unit"], "name": r["name"], "status": r["status"], "draft": r["draft"],
                      "approved": r["approved"], "counted": r["counted"],
                      "level": r["result"]["overall"]["level"], "percent": r["result"]["overall"]["percent"],
                      "progress": level_progress.unit_progress(r["result"], q.max_level),
                      "areas": [{**by_area[c["id"]], **level_progress.area_progress(by_area[c["id"]], q.max_level)}
                                for c in columns]})
    return {"round": rnd, "q": q, "rows": rows, "columns": columns, "table": table,
            "sort_key": key, "descending": descending, "approved_only": approved_only}


@get("/analys/omgang/{round_id:int}/jamforelse", name="ui.compare")
async def compare_page(request: Request, round_id: FromPath[int]) -> Template:
    from survey_engine import charts  # here, not at the top: matplotlib adds 0.4 s to every start-up

    principal = need(request, Action.OVERVIEW_READ)
    lang = lang_of(request)
    data = await _compare_table(request, principal, round_id)
    q, rows = data["q"], data["rows"]
    # The heat map holds the units the city figures count, as the city report's does:
    # the submitted responses (with the toggle: the approved ones). Drafts stay in the
    # table, marked as drafts.
    counted = [r for r in rows if r["counted"]]

    def draw() -> tuple[str, str]:
        heat = charts.heatmap_from_results(q, [(r["name"], r["result"]) for r in counted], lang)
        max_level, names = charts.level_scale(q, lang)
        chart = charts.heatmap_chart(heat, max_level=max_level, lang=lang, level_names=names)
        return charts.to_svg_fragment(chart, "heat-"), chart.alt_text

    svg, alt = await asyncio.to_thread(draw) if counted else ("", "")
    return render(request, "analysis/compare.html", round=data["round"], columns=data["columns"], table=data["table"],
                  sort_key=data["sort_key"], descending=data["descending"], heat_svg=svg, heat_alt=alt,
                  counted=len(counted), drafts=sum(1 for r in rows if r["draft"]),
                  not_approved=sum(1 for r in rows if not r["draft"] and not r["counted"]),
                  approved_only=data["approved_only"], may_export=principal.can(Action.EXPORT_READ))


COMPARE_FORMATS = ("csv", "xlsx")


def compare_rows(data: dict[str, Any], lang: str, *, ids: bool) -> tuple[list[str], list[list[Any]]]:
    """(header, rows) of the comparison table for a download (docs/web-pages.md,
    "Comparison export"): one row per unit in the page's order, with its level, share
    towards the next level, overall percent and each area's percent and level; the
    status and whether the row is a draft. The CSV (`ids=True`) keeps codes and status
    codes as headers and values; the Excel file has Swedish (or English) headers."""
    T = lambda sv_, en: sv_ if lang == "sv" else en  # noqa: E731
    if ids:
        head = ["unit", "name", "status", "draft", "level", "next_level", "progress", "percent"]
        for c in data["columns"]:
            head += [f"{c['id']}.percent", f"{c['id']}.level"]
    else:
        head = [T("Förvaltningskod", "Unit code"), T("Förvaltning", "Unit"), T("Status", "Status"),
                T("Utkast", "Draft"), T("Nivå", "Level"), T("Nästa nivå", "Next level"),
                T("Andel mot nästa nivå (%)", "Share towards next level (%)"), T("Totalt uppfyllt (%)", "Overall fulfilled (%)")]
        for c in data["columns"]:
            head += [f"{c['title']} (%)", f"{c['title']} – {T('nivå', 'level')}"]
    out = []
    for r in data["table"]:
        progress = r["progress"].get("progress")
        status = r["status"] if ids else i18n.word(r["status"], lang)
        draft: Any = r["draft"] if ids else (T("Ja", "Yes") if r["draft"] else T("Nej", "No"))
        row = [r["unit"], r["name"], status, "true" if ids and r["draft"] else ("false" if ids else draft),
               r["level"], r["progress"].get("next_level"),
               None if progress is None else round(progress * 100, 1), r["percent"]]
        for a in r["areas"]:
            row += [a.get("percent"), a.get("level")]
        out.append(row)
    return head, out


@get("/analys/omgang/{round_id:int}/jamforelse/{fmt:str}", name="ui.compare.export")
async def compare_export(request: Request, round_id: FromPath[int], fmt: FromPath[str]) -> Response:
    """The comparison table as CSV or Excel: the same permission as the city export
    (overview and export), recorded in the audit log like every report leaving the system."""
    principal = need(request, Action.OVERVIEW_READ)
    need(request, Action.EXPORT_READ)
    if fmt not in COMPARE_FORMATS:
        raise NotFound(Text(f"Okänt format {fmt}", f"unknown format {fmt}"))
    lang = lang_of(request)
    data = await _compare_table(request, principal, round_id)
    name = f"jamforelse-omgang{round_id}.{fmt}"
    if fmt == "csv":
        head, rows = compare_rows(data, lang, ids=True)
        content: bytes = ("\ufeff" + csv_text(head, rows)).encode("utf-8")
        media = "text/csv; charset=utf-8"
    else:
        head, rows = compare_rows(data, lang, ids=False)
        content = await asyncio.to_thread(_xlsx, T_sheet(lang), head, rows)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    await audit.record(principal, "report.compare", "round", round_id, details={"format": fmt})
    return Response(content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def T_sheet(lang: str) -> str:
    return "Jämförelse" if lang == "sv" else "Comparison"


def _xlsx(title: str, head: list[str], rows: list[list[Any]]) -> bytes:
    """One sheet, bold frozen header; every text cell neutralised (survey_engine/exports.py)."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append([neutralize_cell(h) for h in head])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([v if v is None or isinstance(v, (bool, int, float)) else neutralize_cell(str(v)) for v in row])
    ws.freeze_panes = "A2"
    wb.properties.creator = "survey-engine"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@get("/analys/omgang/{round_id:int}/enhet/{code:str}", name="ui.unit")
async def unit_page(request: Request, round_id: FromPath[int], code: FromPath[str]) -> Template:
    principal = need(request, Action.SCORES_READ, code)
    need(request, Action.RESPONSE_READ, code)
    lang = lang_of(request)
    rnd = await rounds_service.get_round(round_id)
    if code not in rnd["units"]:
        raise NotFound(Text(f"Enheten {code} deltar inte i omgången", f"unit {code} does not take part in the round"))
    state = await responses_service.find_response(round_id, code, actor=principal)
    data = await round_results.load_round(round_id, with_notes=False)
    q = data.questionnaire
    entry = data.unit(code)
    ctx: dict[str, Any] = {}
    if state is not None and entry is not None and entry.result is not None:
        # the same result the comparison and the reports show: the snapshot when submitted
        ctx = await result_context(q, entry.result.to_dict(), lang)
        ctx["draft"] = entry.draft

    unit = await get_unit(code)
    figures = []
    if principal.can(Action.INDICATOR_READ, code):
        for f in await indicators_service.unit_indicators(code, actor=principal):
            ind = f["indicator"]
            figures.append({"id": ind["id"], "title": ind["title"], "period": f["period"], "direction": ind["direction"],
                            "value": _ind_fmt(ind["kind"], f["value"], lang), "target": _ind_fmt(ind["kind"], ind["target"], lang),
                            "meets": f["meets_target"], "gap": _ind_fmt(ind["kind"], f["gap"], lang) if f["gap"] else ""})
    return render(request, "analysis/unit.html", round=rnd, q=q, unit=unit, state=state,
                  title_q=sv.text(q.title, lang, q), indicator_figures=figures, **ctx)


def _ind_fmt(kind: str, value: float, lang: str) -> str:
    """A measured figure for the förvaltning page: a share as percent (docs/indicators.md)."""
    if kind == "share":
        text = f"{value * 100:.1f}"
        return (text.replace(".", ",") + " %") if lang == "sv" else text + "%"
    return f"{value:g}".replace(".", ",") if lang == "sv" else f"{value:g}"


REPORT_FORMATS = ("html", "pdf", "xlsx")


@get("/analys/omgang/{round_id:int}/enhet/{code:str}/rapport/{fmt:str}", name="ui.unit.report")
async def unit_report(request: Request, round_id: FromPath[int], code: FromPath[str], fmt: FromPath[str]) -> Response:
    principal = need(request, Action.SCORES_READ, code)
    need(request, Action.RESPONSE_READ, code)
    if fmt not in REPORT_FORMATS:
        raise NotFound(Text(f"Okänt format {fmt}", f"unknown format {fmt}"))
    content, media, name = await reports.unit_report(round_id, code, fmt, lang_of(request), actor=principal)
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@get("/analys/omgang/{round_id:int}/rapport/{fmt:str}", name="ui.city.report")
async def city_report(request: Request, round_id: FromPath[int], fmt: FromPath[str]) -> Response:
    principal = need(request, Action.OVERVIEW_READ)  # the service also asks export.read for Excel
    if fmt not in REPORT_FORMATS:
        raise NotFound(Text(f"Okänt format {fmt}", f"unknown format {fmt}"))
    content, media, name = await reports.city_report(round_id, fmt, lang_of(request), actor=principal,
                                                     approved_only=approved_only_asked(request))
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


MAX_TREND_CHARTS = 6


@get("/analys/trender", name="ui.trends")
async def trends_page(request: Request) -> Template:
    """Trends of a questionnaire family (docs/web-pages.md, "Trends"): a chart per chosen
    förvaltning (up to six, `?enhet=A&enhet=B`) with the comparable share per area
    between the first and the latest questionnaire version, and a table of every
    förvaltning's level and share fulfilled in every round."""
    from survey_engine import charts  # here, not at the top: matplotlib adds 0.4 s to every start-up
    from survey_engine.planning import comparable_share

    principal = need(request, Action.OVERVIEW_READ)
    lang = lang_of(request)
    asked = [c[:64] for c in request.query_params.getall("enhet", [])][:50] if hasattr(
        request.query_params, "getall") else [request.query_params.get("enhet", "")]
    family = request.query_params.get("enkat", "")
    rows, _ = await rounds_service.list_rounds(limit=1000)
    families = sorted({r["questionnaire"]["id"] for r in rows})
    if family not in families:
        family = families[-1] if families else ""
    chosen = [r for r in rows if r["questionnaire"]["id"] == family and r["status"] != "draft"]
    units, _ = await list_units(limit=1000)
    codes = [u["code"] for u in units if any(u["code"] in r["units"] for r in chosen)]
    picked = [c for c in dict.fromkeys(asked) if c in codes][:MAX_TREND_CHARTS]
    if not picked and codes:
        picked = codes[:1]
    names = {u["code"]: u["name"] for u in units}
    # one read path (round_results): a submitted response's snapshot, a draft scored now
    qs = {}
    results: dict[str, dict[int, tuple[dict, str]]] = {c: {} for c in codes}
    for r in chosen:
        data = await round_results.compare_units(r["id"], actor=principal)
        qs[r["id"]] = data.questionnaire
        for entry in data.units:
            if entry.code in results and entry.result is not None:
                results[entry.code][r["id"]] = (entry.result.to_dict(), entry.status)
    shares: dict[str, float | None] = {}
    latest_q = qs[chosen[-1]["id"]] if chosen else None
    if latest_q is not None:
        first_q = qs[chosen[0]["id"]]
        shares = {a.id: comparable_share(first_q, latest_q, a.id) for a in latest_q.areas}
    figures = []
    for code in picked:
        series = [(r["name"], results[code][r["id"]][0]) for r in chosen if r["id"] in results[code]]
        if latest_q is None or not series:
            continue

        def draw(series=series, code=code) -> tuple[str, str]:
            data = charts.trend_from_results(latest_q, series, lang, comparable_share=shares)
            chart = charts.trend_chart(data, max_level=latest_q.max_level, lang=lang, title=names.get(code, code))
            return charts.to_svg_fragment(chart, f"trend-{len(figures)}-"), chart.alt_text

        svg, alt = await asyncio.to_thread(draw)
        figures.append({"unit": code, "name": names.get(code, code), "svg": svg, "alt": alt})
    grid = []
    for code in codes:
        cells = []
        for r in chosen:
            found = results[code].get(r["id"])
            cells.append({"level": found[0]["overall"]["level"], "percent": found[0]["overall"]["percent"],
                          "status": found[1]} if found else None)
        grid.append({"unit": code, "name": names.get(code, code), "cells": cells})
    area_shares = [{"title": sv.text(a.title, lang, latest_q), "share": shares.get(a.id)}
                   for a in (latest_q.areas if latest_q else [])]
    return render(request, "analysis/trends.html", families=families, family=family,
                  units=[u for u in units if u["code"] in codes], picked=picked, figures=figures,
                  rounds=chosen, grid=grid, area_shares=area_shares, max_charts=MAX_TREND_CHARTS)


ROUTES = [rounds_page, overview_page, compare_page, compare_export, unit_page, unit_report, city_report, trends_page]
