"""Indicator pages (docs/indicators.md): the list of indicators (with
publishing a definitions file), one indicator as a table of units × periods with the
units below target marked and by how much plus a line chart per unit, the import page
with line-by-line errors, and the list of lagging units with their respondents'
contacts and a one-step form that puts an action into the unit's plan.

Every page asks the policy itself: reading needs indicator.read (respondents see only
their own units), importing and publishing need indicator.manage, the lagging list
compares units (overview.read), and the action form needs plan.write on the unit.
Uploaded files are read in memory and never kept.
"""
from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Response, Template

from survey_engine.errors import AppError, NotFound
from survey_engine.services import indicators as service
from survey_engine.services.policy import Action
from survey_engine.text import Text
from survey_engine.web.ui.common import (
    NavItem, error_items, form_text, lang_of, need, redirect, register_nav, render, service_message,
)

register_nav(NavItem("indicators", "/indikatorer", "Indikatorer", "Indicators", Action.INDICATOR_READ, None, 35))

MAX_UPLOAD = 20_000_000
TABLE_PERIODS = 12  # the table shows the latest 12 periods (the chart shows them all)


def _fmt(kind: str, value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    if kind == "share":
        text = f"{value * 100:.1f}"
        return (text.replace(".", ",") + "\u00a0%") if lang == "sv" else text + "%"
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "sv" else text


def _gap(kind: str, gap: float | None, lang: str) -> str:
    if not gap:
        return ""
    if kind == "share":
        text = f"{gap * 100:.1f}"
        return (text.replace(".", ",") + " procentenheter") if lang == "sv" else text + " percentage points"
    return _fmt(kind, gap, lang)


def _check_id(indicator_id: str) -> None:
    if len(indicator_id) > 100:
        raise NotFound(Text("Indikatorn finns inte", "the indicator does not exist"))


async def _read_upload(form: Any) -> bytes | None:
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not hasattr(upload, "read"):
        return None
    data = await upload.read()
    return data if data else None


# ---------------------------------------------------------------- list and publish


async def _list_page(request: Request, status: int = 200, **extra: Any) -> Template:
    principal = need(request, Action.INDICATOR_READ, somewhere=True)
    lang = lang_of(request)
    items = await service.list_indicators(actor=principal)
    rows = [{**i, "total_text": _fmt(i["kind"], i["total"]["value"] if i["total"] else None, lang),
             "target_text": _fmt(i["kind"], i["target"], lang)} for i in items]
    return render(request, "indicators/list.html", status=status, items=rows,
                  may_manage=principal.can(Action.INDICATOR_MANAGE), versions=await service.list_versions(), **extra)


@get("/indikatorer", name="ui.indicators")
async def indicators_page(request: Request) -> Template:
    return await _list_page(request)


@post("/indikatorer/publicera", name="ui.indicators.publish", request_max_body_size=MAX_UPLOAD)
async def publish_page(request: Request) -> Response:
    principal = need(request, Action.INDICATOR_MANAGE)
    lang = lang_of(request)
    form = await request.form()
    data = await _read_upload(form)
    if data is None:
        return await _list_page(request, 422, publish_message=Text("Välj en YAML-fil med indikatordefinitioner.",
                                                                   "Choose a YAML file with indicator definitions.").get(lang))
    try:
        text = data.decode("utf-8-sig")
        summary, created = await service.publish(text, actor=principal, source="upload.yaml")
    except UnicodeDecodeError:
        return await _list_page(request, 422, publish_message=Text("Filen är inte UTF-8.", "The file is not UTF-8.").get(lang))
    except AppError as exc:
        return await _list_page(request, exc.status_code, publish_message=service_message(exc, lang),
                                publish_errors=error_items(exc, lang))
    done = Text(f"{summary.family} {summary.version} publicerad", f"{summary.family} {summary.version} published") \
        if created else Text("versionen var redan publicerad", "the version was already published")
    return redirect("/indikatorer", done.get(lang))


# ---------------------------------------------------------------- one indicator


@get("/indikatorer/{indicator_id:str}", name="ui.indicator")
async def indicator_page(request: Request, indicator_id: FromPath[str]) -> Template:
    from survey_engine import charts  # here, not at the top: matplotlib adds 0.4 s to every start-up
    from survey_engine.charts.indicator import chart_data_from_series, indicator_chart

    _check_id(indicator_id)
    principal = need(request, Action.INDICATOR_READ, somewhere=True)
    lang = lang_of(request)
    data = await service.indicator_series(indicator_id, actor=principal)
    ind = data["indicator"]
    kind = ind["kind"]
    periods = data["periods"][-TABLE_PERIODS:]
    rows = []
    for u in data["units"]:
        cells = []
        for p in periods:
            f = u["figures"].get(p)
            gap = u["gaps"].get(p)
            cells.append({"text": _fmt(kind, f["value"] if f else None, lang), "below": bool(gap),
                          "gap": _gap(kind, gap, lang), "measured": u["measured"].get(p, False),
                          "counts": f"{f['numerator']}/{f['denominator']}" if f and f.get("denominator") else ""})
        rows.append({**u, "cells": cells})
    totals = [{"text": _fmt(kind, (data["total"].get(p) or {}).get("value"), lang),
               "gap": _gap(kind, ind and service.indicator_gap(ind, (data["total"].get(p) or {}).get("value")), lang)}
              for p in periods]
    depth = 1 if any(u["depth"] == 1 for u in data["units"]) else None

    def draw() -> tuple[str, str]:
        chart = indicator_chart(chart_data_from_series(data, lang=lang, depth=depth), lang=lang)
        return charts.to_svg_fragment(chart, "ind-"), chart.alt_text

    svg, alt = await asyncio.to_thread(draw) if data["periods"] else ("", "")
    family = await service.family_of(indicator_id)
    return render(request, "indicators/indicator.html", ind=ind, periods=periods, all_periods=len(data["periods"]),
                  rows=rows, totals=totals, chart_svg=svg, chart_alt=alt, family=family,
                  target_text=_fmt(kind, ind["target"], lang),
                  may_manage=principal.can(Action.INDICATOR_MANAGE),
                  may_compare=principal.can(Action.OVERVIEW_READ))


# ---------------------------------------------------------------- import


async def _import_page(request: Request, indicator_id: str, status: int = 200, **extra: Any) -> Template:
    need(request, Action.INDICATOR_MANAGE)
    ind = await service.get_definition(indicator_id)
    return render(request, "indicators/import.html", status=status, ind=ind.to_dict(),
                  imports=await service.list_imports(indicator_id, limit=10), **extra)


@get("/indikatorer/{indicator_id:str}/import", name="ui.indicator.import")
async def import_page(request: Request, indicator_id: FromPath[str]) -> Template:
    _check_id(indicator_id)
    return await _import_page(request, indicator_id)


@post("/indikatorer/{indicator_id:str}/import", name="ui.indicator.import.post", request_max_body_size=MAX_UPLOAD + 100_000)
async def import_post(request: Request, indicator_id: FromPath[str]) -> Response:
    _check_id(indicator_id)
    principal = need(request, Action.INDICATOR_MANAGE)
    lang = lang_of(request)
    form = await request.form()
    period = form_text(form, "period").strip()[:20] or None
    data = await _read_upload(form)
    if data is None:
        return await _import_page(request, indicator_id, 422, period=period or "",
                                  message=Text("Välj en CSV-fil att importera.", "Choose a CSV file to import.").get(lang))
    try:
        summary = await service.import_measurements(indicator_id, data, actor=principal, period=period,
                                                    source="upload.csv")
    except AppError as exc:
        return await _import_page(request, indicator_id, exc.status_code, period=period or "",
                                  message=service_message(exc, lang), errors=exc.errors)
    done = Text(f"{summary.rows} mätvärden för {summary.units} enheter importerade ({', '.join(summary.periods)})",
                f"{summary.rows} measurements for {summary.units} units imported ({', '.join(summary.periods)})")
    return redirect(f"/indikatorer/{indicator_id}", done.get(lang))


# ---------------------------------------------------------------- lagging units


async def _lagging_page(request: Request, indicator_id: str, status: int = 200, period: str | None = None,
                        **extra: Any) -> Template:
    """The lagging list of `period` (else the address's ?period=, else the latest); a
    refused action form is shown again on the list of the period it was sent for."""
    principal = need(request, Action.OVERVIEW_READ)
    lang = lang_of(request)
    period = period or (request.query_params.get("period") or "")[:20] or None
    data = await service.lagging_units(indicator_id, actor=principal, period=period)
    ind = data.indicator
    kind = ind.kind
    units = [{"code": u.code, "name": u.name, "numerator": u.numerator, "denominator": u.denominator,
              "contacts": u.contacts, "text": _fmt(kind, u.value, lang), "gap_text": _gap(kind, u.gap, lang),
              "may_act": principal.can(Action.PLAN_WRITE, u.code)} for u in data.units]
    return render(request, "indicators/lagging.html", status=status, ind=ind, period=data.period, units=units,
                  total_text=_fmt(kind, data.total.value if data.total else None, lang),
                  target_text=_fmt(kind, ind.target, lang), **extra)


@get("/indikatorer/{indicator_id:str}/efter", name="ui.indicator.lagging")
async def lagging_page(request: Request, indicator_id: FromPath[str]) -> Template:
    _check_id(indicator_id)
    return await _lagging_page(request, indicator_id)


@post("/indikatorer/{indicator_id:str}/efter/{code:str}", name="ui.indicator.act")
async def act_post(request: Request, indicator_id: FromPath[str], code: FromPath[str]) -> Response:
    _check_id(indicator_id)
    principal = need(request, Action.PLAN_WRITE, code[:64])
    lang = lang_of(request)
    form = await request.form()
    values = {k: form_text(form, k).strip() for k in ("title", "owner", "due_date", "period")}
    try:
        out = await service.act_on_lagging(indicator_id, code, actor=principal, title=values["title"] or None,
                                           owner=values["owner"], due_date=values["due_date"] or None,
                                           period=values["period"] or None)
    except AppError as exc:
        return await _lagging_page(request, indicator_id, exc.status_code, period=values["period"][:20] or None,
                                   act_unit=code, act_form=values,
                                   act_message=service_message(exc, lang), act_errors=error_items(exc, lang))
    return redirect(f"/planer/{out.plan_id}", Text(f"åtgärden är tillagd i planen för {code}",
                                                      f"the action was added to the plan of {code}").get(lang))


ROUTES = [indicators_page, publish_page, indicator_page, import_page, import_post, lagging_page, act_post]
