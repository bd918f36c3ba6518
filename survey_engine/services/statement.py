"""The follow-up statement (uppföljande yttrande), spec §5 and docs/indicators.md §5:
gathers, for one audit and one period [from, to], per recommendation the measures
taken (linked plan actions done in the period, with their dates, and those under way),
the measured effect (linked indicators on the kommun total and per unit; linked
questions and areas between the last two closed rounds) and the verdict. The result
is a StatementView: a typed head (audit, period, counts of verdicts) and the document,
plain JSON-ready data that reporting/statement.py writes as DOCX, PDF, HTML or JSON.
Every figure the text uses is in the document.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from survey_engine import clock
from survey_engine.errors import Invalid
from survey_engine.indicators.statement import (
    IndicatorEffect, RoundEffect, compare_rounds, indicator_effect, inside, verdict,
)
from survey_engine.reporting.statement import describe
from survey_engine.services import indicators, recommendations
from survey_engine.services.access import system_actor
from survey_engine.services.policy import Action, Principal, require
from survey_engine.questionnaire.model import localized
from survey_engine.services.questionnaires import questionnaire_by_id
from survey_engine.services.round_results import load_round
from survey_engine.services.views import LinkedActionView, StatementView, VerdictCounts
from survey_engine.store.tables import QuestionnaireVersion, Round, Unit
from survey_engine.text import Text

MAX_SPAN_DAYS = 366 * 10


def parse_period(start: Any, end: Any) -> tuple[dt.date, dt.date]:
    errors = []
    dates = []
    for name, value in (("from", start), ("to", end)):
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            dates.append(value)
            continue
        try:
            dates.append(dt.date.fromisoformat(str(value)))
        except ValueError:
            errors.append({"field": name, "message": "ett datum ÅÅÅÅ-MM-DD / a date YYYY-MM-DD"})
            dates.append(None)
    if not errors:
        if dates[0] > dates[1]:
            errors.append({"field": "to", "message": "ska vara samma dag som from eller senare / must not be before from"})
        elif (dates[1] - dates[0]).days > MAX_SPAN_DAYS:
            errors.append({"field": "to", "message": "högst tio år / at most ten years"})
    if errors:
        raise Invalid(Text("Ogiltig period för yttrandet", "Invalid period for the statement"), errors)
    return dates[0], dates[1]


# ---------------------------------------------------------------- indicators

async def indicator_figures(indicator_id: str) -> dict[str, Any] | None:
    """The indicator's definition and series in the shape of spec §3 (`indicators show
    --format json`, `IndicatorShow.to_dict()`: plain data, as the statement document is
    a format) plus `title` and `source`, or None when it is not published. Read
    with the system's own principal: the caller has checked recommendation.read, and
    the statement shows every unit (it is a city document)."""
    d = (await indicators.definitions()).get(indicator_id)
    if d is None:
        return None
    data = (await indicators.show(indicator_id, actor=system_actor())).to_dict()
    data["title"] = {"sv": d.title.sv, "en": d.title.en}
    data["source"] = {"sv": d.source.sv, "en": d.source.en}
    return data


async def _unit_names() -> dict[str, str]:
    return {r["code"]: r["name"] for r in await Unit.select(Unit.code, Unit.name)}


def _effect_of(fig: dict[str, Any], start: dt.date, end: dt.date) -> IndicatorEffect:
    series = [s for s in fig.get("series", []) if inside(s["period"], start, end)]
    totals = [(s["period"], s["total"]["value"]) for s in series if s.get("total") and s["total"].get("value") is not None]
    units: dict[str, list[tuple[str, float]]] = {}
    for s in series:
        for code, m in (s.get("units") or {}).items():
            if m.get("value") is not None:
                units.setdefault(code, []).append((s["period"], m["value"]))
    return indicator_effect(fig["indicator"], fig["kind"], fig["direction"], float(fig["target"]), totals, units)


# ---------------------------------------------------------------- rounds

async def _closed_rounds(family: str, end: dt.date) -> list[dict[str, Any]]:
    """Closed rounds of the family that closed on or before `end`, oldest first."""
    rows = await Round.select(Round.id, Round.name, Round.closed_at, Round.closes_on, Round.questionnaire).where(
        (Round.status == "closed") & (Round.questionnaire.family == family))
    out = []
    for r in rows:
        # the round's own closing date when it has one (answers were collected until
        # then), else the day it was closed
        closed = r["closes_on"] or (clock.local(r["closed_at"]).date() if r["closed_at"] else None)
        if closed is not None and closed <= end:
            out.append({**r, "closed_on": closed})
    out.sort(key=lambda r: (r["closed_on"], r["id"]))
    return out


async def _round_effects(family: str, questions: list[str], areas: list[str], end: dt.date,
                         cache: dict) -> tuple[list[RoundEffect], dict[str, Any]]:
    if not family or not (questions or areas):
        return [], {"closed": [], "pair": None}
    if family not in cache:
        closed = await _closed_rounds(family, end)
        pair = None
        if len(closed) >= 2:
            data = []
            for r in closed[-2:]:
                rd = await load_round(r["id"], with_notes=False)
                data.append((rd.questionnaire, [u.result for u in rd.scored_units()], r["name"]))
            pair = data
        cache[family] = ({"closed": [{"id": r["id"], "name": r["name"], "closed_on": r["closed_on"].isoformat()}
                                     for r in closed]}, pair)
    info, pair = cache[family]
    if pair is None:
        return [RoundEffect("question", q, False, note="one_round") for q in questions] + \
            [RoundEffect("area", a, False, note="one_round") for a in areas], {**info, "pair": None}
    (q1, res1, n1), (q2, res2, n2) = pair
    effects = compare_rounds(q1, res1, q2, res2, questions=questions, areas=areas, names=(n1, n2))
    return effects, {**info, "pair": [n1, n2]}


def _titles(family_qs: list, kind: str, ident: str) -> dict[str, str]:
    for q in reversed(family_qs):
        thing = q.question(ident) if kind == "question" else q.area(ident)
        if thing is not None:
            t = thing.text if kind == "question" else thing.title
            return {"sv": localized(t, "sv") or ident, "en": localized(t, "en") or ident}
    return {"sv": ident, "en": ident}


# ---------------------------------------------------------------- the statement

async def build_statement(actor: Principal, audit_key: str, start: Any, end: Any, lang: str = "sv") -> StatementView:
    """The statement for `audit_key` over [start, end] (dates or ISO text)."""
    require(actor, Action.RECOMMENDATION_READ)
    start, end = parse_period(start, end)
    lang = "en" if lang == "en" else "sv"
    audit = await recommendations.get_audit(actor, audit_key)
    names = await _unit_names()
    fig_cache: dict[str, Any] = {}
    round_cache: dict = {}
    q_cache: dict[str, list] = {}
    recs = []
    for rec in audit.recommendations:
        done = [a for a in rec.actions if a.status == "done" and a.done_on
                and start.isoformat() <= a.done_on <= end.isoformat()]
        done.sort(key=lambda a: (a.done_on, a.title))
        under_way = [a for a in rec.actions if a.status == "in_progress"]
        earlier = [a for a in rec.actions if a.status == "done" and a.done_on and a.done_on < start.isoformat()]
        ind_effects, ind_out, missing = [], [], []
        for ident in rec.indicators:
            if ident not in fig_cache:
                fig_cache[ident] = await indicator_figures(ident)
            fig = fig_cache[ident]
            if fig is None:
                missing.append(ident)
                continue
            eff = _effect_of(fig, start, end)
            ind_effects.append(eff)
            d = eff.to_dict()
            for code, u in d["units"].items():
                u["name"] = names.get(code, code)
            d.update(title=fig.get("title") or {"sv": ident, "en": ident}, source=fig.get("source") or {})
            ind_out.append(d)
        r_effects, rounds_info = await _round_effects(rec.family, rec.questions, rec.areas, end, round_cache)
        if rec.family and rec.family not in q_cache:
            q_cache[rec.family] = await _family(rec.family)
        r_out = []
        for e in r_effects:
            d = e.to_dict()
            d["title"] = _titles(q_cache.get(rec.family, []), e.kind, e.id)
            r_out.append(d)
        v = verdict(ind_effects, r_effects)
        item = {
            "id": rec.id, "text": {"sv": rec.text.sv, "en": rec.text.en}, "responsible": rec.responsible,
            "status": rec.status,
            "measures": {"done": [_measure(a) for a in done], "in_progress": [_measure(a) for a in under_way],
                         "done_before": len(earlier)},
            "indicators": ind_out, "indicators_not_published": missing, "rounds": r_out, "rounds_info": rounds_info,
            "verdict": v.to_dict(),
        }
        recs.append(item)
    counts = {code: sum(1 for r in recs if r["verdict"]["code"] == code) for code in ("effekt", "ingen-effekt",
                                                                                       "ej-matbar")}
    generated_at = clock.now()
    document = {
        "kind": "uppfoljande-yttrande", "language": lang,
        "audit": dataclasses.asdict(audit.ref()),
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "summary": counts,
        "recommendations": recs,
    }
    return StatementView(audit=audit.ref(), start=start, end=end, language=lang, generated_at=generated_at,
                         summary=VerdictCounts(effekt=counts["effekt"], ingen_effekt=counts["ingen-effekt"],
                                               ej_matbar=counts["ej-matbar"]),
                         document=describe(document))


def _measure(a: LinkedActionView) -> dict[str, Any]:
    return {"title": a.title, "owner": a.owner, "done_on": a.done_on, "due_date": a.due_date,
            "unit": a.unit, "unit_name": a.unit_name or None, "plan_id": a.plan_id, "action_id": a.action_id}


async def _family(family: str) -> list:
    rows = await QuestionnaireVersion.select(QuestionnaireVersion.id).where(
        QuestionnaireVersion.family == family).order_by(QuestionnaireVersion.id)
    return [await questionnaire_by_id(r["id"]) for r in rows]
