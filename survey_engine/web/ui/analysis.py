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
from survey_engine.services.questionnaires import questionnaire_by_id
from survey_engine.web.ui import reminders as reminders_ui
from survey_engine.web.ui import survey as sv
from survey_engine.web.ui.common import lang_of, need, render
from survey_engine.web.ui.respondent import result_context
from survey_engine.text import Text
from survey_engine.scoring import score_response
from survey_engine.services.units import get_unit
from survey_engine.services import reports
from survey_engine.services.units import list_units


def _score(q, values: dict[str, Any]) -> dict[str, Any]:
    return score_response(q, values).to_dict()


@get("/analys", name="ui.rounds")
async def rounds_page(request: Request) -> Template:
    need(request, Action.OVERVIEW_READ)
    rows, _ = await rounds_service.list_rounds(limit=1000)
    return render(request, "analysis/rounds.html", rounds=list(reversed(rows)))


@get("/analys/omgang/{round_id:int}", name="ui.overview")
async def overview_page(request: Request, round_id: FromPath[int]) -> Template:
    principal = need(request, Action.OVERVIEW_READ)
    data = await overview_service.round_overview(round_id, actor=principal)
    waiting = [u for u in data["units"] if u["status"] != "submitted"]
    reminder = await reminders_ui.overview_context(principal, round_id)  # e-mail reminders (issue 17)
    return render(request, "analysis/overview.html", data=data, round=data["round"], waiting=waiting,
                  reminder=reminder)


async def _round_results(principal: Principal, round_id: int) -> tuple[dict, Any, list[dict[str, Any]]]:
    """(round, questionnaire, [{unit, name, status, result}]) of every started response."""
    data = await overview_service.round_overview(round_id, actor=principal)
    rnd = data["round"]
    q = await questionnaire_by_id(rnd["questionnaire_version_id"])
    rows = []
    for unit in data["units"]:
        if unit["response_id"] is None:
            continue
        state = await responses_service.get_response(unit["response_id"], actor=principal)
        rows.append({"unit": unit["unit"], "name": unit["name"], "status": state["status"],
                     "result": _score(q, responses_service.values_of(state))})
    return rnd, q, rows


SORT_KEYS = ("name", "level", "percent")


@get("/analys/omgang/{round_id:int}/jamforelse", name="ui.compare")
async def compare_page(request: Request, round_id: FromPath[int]) -> Template:
    from survey_engine import charts  # here, not at the top: matplotlib adds 0.4 s to every start-up

    principal = need(request, Action.OVERVIEW_READ)
    lang = lang_of(request)
    sort = request.query_params.get("sort", "name")[:100]
    rnd, q, rows = await _round_results(principal, round_id)
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

    def draw() -> tuple[str, str]:
        data = charts.heatmap_from_results(q, [(r["name"], r["result"]) for r in rows], lang)
        max_level, names = charts.level_scale(q, lang)
        chart = charts.heatmap_chart(data, max_level=max_level, lang=lang, level_names=names)
        return charts.to_svg_fragment(chart, "heat-"), chart.alt_text

    svg, alt = await asyncio.to_thread(draw)
    columns = [{"id": a.id, "title": sv.text(a.title, lang, q)} for a in q.areas]
    table = []
    for r in rows:
        by_area = {a["id"]: a for a in r["result"]["areas"]}
        table.append({"unit": r["unit"], "name": r["name"], "status": r["status"],
                      "level": r["result"]["overall"]["level"], "percent": r["result"]["overall"]["percent"],
                      "areas": [by_area[c["id"]] for c in columns]})
    return render(request, "analysis/compare.html", round=rnd, columns=columns, table=table,
                  sort_key=key, descending=descending, heat_svg=svg, heat_alt=alt)


@get("/analys/omgang/{round_id:int}/enhet/{code:str}", name="ui.unit")
async def unit_page(request: Request, round_id: FromPath[int], code: FromPath[str]) -> Template:
    principal = need(request, Action.SCORES_READ, code)
    need(request, Action.RESPONSE_READ, code)
    lang = lang_of(request)
    rnd = await rounds_service.get_round(round_id)
    if code not in rnd["units"]:
        raise NotFound(Text(f"Enheten {code} deltar inte i omgången", f"unit {code} does not take part in the round"))
    q = await questionnaire_by_id(rnd["questionnaire_version_id"])
    state = await responses_service.find_response(round_id, code, actor=principal)
    ctx: dict[str, Any] = {}
    if state is not None:
        ctx = await result_context(q, _score(q, responses_service.values_of(state)), lang)

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
    content, media, name = await reports.city_report(round_id, fmt, lang_of(request), actor=principal)
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@get("/analys/trender", name="ui.trends")
async def trends_page(request: Request) -> Template:
    from survey_engine import charts  # here, not at the top: matplotlib adds 0.4 s to every start-up

    principal = need(request, Action.OVERVIEW_READ)
    lang = lang_of(request)
    unit = request.query_params.get("enhet", "")
    family = request.query_params.get("enkat", "")
    rows, _ = await rounds_service.list_rounds(limit=1000)
    families = sorted({r["questionnaire"]["id"] for r in rows})
    if family not in families:
        family = families[-1] if families else ""
    chosen = [r for r in rows if r["questionnaire"]["id"] == family and r["status"] != "draft"]
    units, _ = await list_units(limit=1000)
    codes = [u["code"] for u in units if any(u["code"] in r["units"] for r in chosen)]
    if unit not in codes:
        unit = codes[0] if codes else ""
    series: list[tuple[str, Any]] = []
    latest_q = None
    table = []
    for r in chosen:
        state = await responses_service.find_response(r["id"], unit, actor=principal) if unit else None
        if state is None:
            continue
        q = await questionnaire_by_id(r["questionnaire_version_id"])
        latest_q = q
        result = _score(q, responses_service.values_of(state))
        series.append((r["name"], result))
        table.append({"round": r, "overall": result["overall"], "status": state["status"]})
    svg = alt = ""
    if latest_q is not None and series:
        def draw() -> tuple[str, str]:
            data = charts.trend_from_results(latest_q, series, lang)
            chart = charts.trend_chart(data, max_level=latest_q.max_level, lang=lang)
            return charts.to_svg_fragment(chart, "trend-"), chart.alt_text

        svg, alt = await asyncio.to_thread(draw)
    return render(request, "analysis/trends.html", families=families, family=family,
                  units=[u for u in units if u["code"] in codes], unit=unit, trend_svg=svg, trend_alt=alt,
                  table=table)


ROUTES = [rounds_page, overview_page, compare_page, unit_page, unit_report, city_report, trends_page]
