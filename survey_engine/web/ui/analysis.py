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
from survey_engine.planning import comparable_share
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
from survey_engine.services import comparison




@get("/analys", name="ui.rounds")
async def rounds_page(request: Request) -> Template:
    need(request, Action.OVERVIEW_READ)
    rows, _ = await rounds_service.list_rounds(limit=1000)
    return render(request, "analysis/rounds.html", rounds=list(reversed(rows)))


@get("/analys/omgang/{round_id:int}", name="ui.overview")
async def overview_page(request: Request, round_id: FromPath[int]) -> Template:
    principal = need(request, Action.OVERVIEW_READ)
    # `?godkanda=1`: the city figures count approved responses only (docs/sign-off.md);
    # every unit stays listed, each marked whether it is counted
    approved_only = approved_only_asked(request)
    # progress inside the levels and the city's level, from the one read path the reports use
    # (round_results), read once for the whole page
    results = await round_results.compare_units(round_id, actor=principal, approved_only=approved_only)
    data = await overview_service.round_overview(round_id, actor=principal, approved_only=approved_only,
                                                 data=results)
    waiting = [u for u in data.units if u.status != "submitted"]
    progress = {u.code: level_progress.unit_progress(u.result.to_dict(), results.questionnaire.max_level)
                for u in results.units if u.result is not None}
    city = await asyncio.to_thread(round_results.city_result, results, "mean")
    reminder = await reminders_ui.overview_context(principal, round_id)  # e-mail reminders (docs/operations.md)
    return render(request, "analysis/overview.html", data=data, round=data.round, waiting=waiting,
                  reminder=reminder, progress=progress, city=city, approved_only=approved_only)


def approved_only_asked(request: Request) -> bool:
    """The pages' "only approved responses" toggle (`?godkanda=1`, docs/sign-off.md)."""
    return request.query_params.get("godkanda") == "1"


async def _compare_table(request: Request, principal: Principal, round_id: int) -> dict[str, Any]:
    """The comparison table as the page shows it (sorted by `?sort=`, `?godkanda=1`): the
    page and its CSV/Excel downloads (and the API and CLI) are built by
    services/comparison.py, so they hold the same rows (the files add, last, the units
    that have not started)."""
    return await comparison.compare_table(round_id, actor=principal, lang=lang_of(request),
                                          sort=request.query_params.get("sort", "name"),
                                          approved_only=approved_only_asked(request))


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
                  approved_only=data["approved_only"], may_export=principal.can(Action.EXPORT_READ),
                  not_started=data["not_started"])


@get("/analys/omgang/{round_id:int}/jamforelse/{fmt:str}", name="ui.compare.export")
async def compare_export(request: Request, round_id: FromPath[int], fmt: FromPath[str]) -> Response:
    """The comparison table as CSV or Excel: the same permission as the city export
    (overview and export), recorded in the audit log like every report leaving the system."""
    principal = need(request, Action.OVERVIEW_READ)
    need(request, Action.EXPORT_READ)
    if fmt not in comparison.FORMATS:
        raise NotFound(Text(f"Okänt format {fmt}", f"unknown format {fmt}"))
    content, media, name = await comparison.compare_export(
        round_id, fmt, actor=principal, lang=lang_of(request), sort=request.query_params.get("sort", "name"),
        approved_only=approved_only_asked(request))
    return Response(content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@get("/analys/omgang/{round_id:int}/enhet/{code:str}", name="ui.unit")
async def unit_page(request: Request, round_id: FromPath[int], code: FromPath[str]) -> Template:
    principal = need(request, Action.SCORES_READ, code)
    need(request, Action.RESPONSE_READ, code)
    lang = lang_of(request)
    rnd = await rounds_service.get_round(round_id)
    if code not in rnd.units:
        raise NotFound(Text(f"Enheten {code} deltar inte i omgången", f"unit {code} does not take part in the round"))
    state = await responses_service.find_response(round_id, code, actor=principal)
    # `?godkanda=1`: the city median beside the unit counts approved responses only (docs/sign-off.md)
    approved_only = approved_only_asked(request)
    data = await round_results.load_round(round_id, with_notes=False, approved_only=approved_only)
    q = data.questionnaire
    entry = data.unit(code)
    ctx: dict[str, Any] = {}
    if state is not None and entry is not None and entry.result is not None:
        # the same result the comparison and the reports show: the snapshot when submitted
        ctx = await result_context(q, entry.result.to_dict(), lang)
        ctx["draft"] = entry.draft
        ctx["submitted"] = entry.submitted
        ctx["approved"] = entry.approved
        ctx["city"] = _beside_city(data, entry, ctx["result_areas"])

    unit = await get_unit(code)
    figures = []
    if principal.can(Action.INDICATOR_READ, code):
        for f in await indicators_service.unit_indicators(code, actor=principal):
            ind = f["indicator"]
            figures.append({"id": ind["id"], "title": ind["title"], "period": f["period"], "direction": ind["direction"],
                            "value": _ind_fmt(ind["kind"], f["value"], lang), "target": _ind_fmt(ind["kind"], ind["target"], lang),
                            "meets": f["meets_target"], "gap": _ind_fmt(ind["kind"], f["gap"], lang) if f["gap"] else ""})
    return render(request, "analysis/unit.html", round=rnd, q=q, unit=unit, state=state,
                  title_q=sv.text(q.title, lang, q), indicator_figures=figures,
                  approved_only=approved_only, **ctx)


def _beside_city(data: Any, entry: Any, result_areas: list[dict[str, Any]]) -> dict[str, Any]:
    """The förvaltning page's "beside the city" table: the unit's level per assessed
    area and the city median over the units this read counts (round_results), as the
    unit report has it."""
    city = round_results.unit_beside_city(data, entry.code)
    rows = []
    for a in result_areas:
        m = city["medians"].get(a["id"], {})
        rows.append({"id": a["id"], "title": a["title"], "assessed": a["assessed"], "level": a["level"],
                     "percent": a["percent"], "median_level": m.get("level"), "median_percent": m.get("percent"),
                     "median_units": m.get("units", 0), "suppressed": m.get("suppressed", False)})
    return {"counted": city["counted"], "units": city["units"], "areas": rows}


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
    # `?godkanda=1`: the city median beside the unit counts approved responses only (docs/sign-off.md)
    content, media, name = await reports.unit_report(round_id, code, fmt, lang_of(request), actor=principal,
                                                     approved_only=approved_only_asked(request))
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
    """Trends of a questionnaire family (docs/web-pages.md, "Trends"): the city line
    (the city report's mean roll-up of the submitted responses in each round) and a
    chart per chosen förvaltning (up to six, `?enhet=A&enhet=B`), with the comparable
    share per area between the first and the latest questionnaire version, and a table
    of the city and every förvaltning's level and share fulfilled in every round."""
    from survey_engine import charts  # here, not at the top: matplotlib adds 0.4 s to every start-up

    principal = need(request, Action.OVERVIEW_READ)
    lang = lang_of(request)
    approved_only = approved_only_asked(request)  # the city line counts approved responses only
    asked = [c[:64] for c in request.query_params.getall("enhet", [])][:50] if hasattr(
        request.query_params, "getall") else [request.query_params.get("enhet", "")]
    family = request.query_params.get("enkat", "")
    rows, _ = await rounds_service.list_rounds(limit=1000)
    families = sorted({r.questionnaire.id for r in rows})
    if family not in families:
        family = families[-1] if families else ""
    chosen = [r for r in rows if r.questionnaire.id == family and r.status != "draft"]
    units, _ = await list_units(limit=1000)
    codes = [u.code for u in units if any(u.code in r.units for r in chosen)]
    picked = [c for c in dict.fromkeys(asked) if c in codes][:MAX_TREND_CHARTS]
    if not picked and codes:
        picked = codes[:1]
    names = {u.code: u.name for u in units}
    # one read path (round_results): a submitted response's snapshot, a draft scored now
    qs = {}
    results: dict[str, dict[int, tuple[dict, str]]] = {c: {} for c in codes}
    city: dict[int, dict] = {}  # round id -> the city's mean roll-up (submitted responses)
    for r in chosen:
        data = await round_results.compare_units(r.id, actor=principal, approved_only=approved_only)
        qs[r.id] = data.questionnaire
        combined = await asyncio.to_thread(round_results.city_result, data, "mean")
        if combined is not None:
            city[r.id] = combined
        for entry in data.units:
            if entry.code in results and entry.result is not None:
                results[entry.code][r.id] = (entry.result.to_dict(), entry.status)
    shares: dict[str, float | None] = {}
    latest_q = qs[chosen[-1].id] if chosen else None
    if latest_q is not None:
        first_q = qs[chosen[0].id]
        shares = {a.id: comparable_share(first_q, latest_q, a.id) for a in latest_q.areas}
    city_name = "Staden (medelvärde, inskickade svar)" if lang == "sv" else "The city (mean, submitted responses)"
    if approved_only:
        city_name = "Staden (medelvärde, godkända svar)" if lang == "sv" else "The city (mean, approved responses)"
    lines = [("", city_name, [(r.name, city[r.id]) for r in chosen if r.id in city])]
    lines += [(code, names.get(code, code), [(r.name, results[code][r.id][0]) for r in chosen
                                             if r.id in results[code]]) for code in picked]
    figures = []
    for code, title, series in lines:
        if latest_q is None or not series:
            continue

        def draw(series=series, title=title) -> tuple[str, str]:
            data = charts.trend_from_results(latest_q, series, lang, comparable_share=shares)
            # compact: each small multiple is a phone-sized box at every width (labels ≥ 11 px)
            chart = charts.trend_chart(data, max_level=latest_q.max_level, lang=lang, title=title, compact=True)
            return charts.to_svg_fragment(chart, f"trend-{len(figures)}-"), chart.alt_text

        svg, alt = await asyncio.to_thread(draw)
        figures.append({"unit": code, "name": title, "svg": svg, "alt": alt, "city": not code})
    city_row = {"unit": "", "name": city_name, "city": True,
                "cells": [{"level": city[r.id]["overall"]["level"], "percent": city[r.id]["overall"]["percent"],
                           "status": "submitted"} if r.id in city else None for r in chosen]}
    grid = [city_row] if city else []
    for code in codes:
        cells = []
        for r in chosen:
            found = results[code].get(r.id)
            cells.append({"level": found[0]["overall"]["level"], "percent": found[0]["overall"]["percent"],
                          "status": found[1]} if found else None)
        grid.append({"unit": code, "name": names.get(code, code), "cells": cells})
    area_shares = [{"title": sv.text(a.title, lang, latest_q), "share": shares.get(a.id)}
                   for a in (latest_q.areas if latest_q else [])]
    return render(request, "analysis/trends.html", families=families, family=family,
                  units=[u for u in units if u.code in codes], picked=picked, figures=figures,
                  rounds=chosen, grid=grid, area_shares=area_shares, max_charts=MAX_TREND_CHARTS,
                  approved_only=approved_only)


ROUTES = [rounds_page, overview_page, compare_page, compare_export, unit_page, unit_report, city_report, trends_page]
