"""A round at a glance (response rate, completeness per unit) and its whole export."""
from __future__ import annotations

from typing import Any

from survey_engine.services import audit
from survey_engine.services.access import Action, Principal, check
from survey_engine.services.questionnaires import questionnaire_by_id
from survey_engine.services.responses import _get as get_response, _latest_snapshot as latest_snapshot, values_of
from survey_engine.services.rounds import get_round
from survey_engine.store.tables import Response, RoundUnit
from survey_engine.scoring import score_response
from survey_engine.scoring import ENGINE_VERSION, score_response


async def _participants(round_id: int) -> list[dict[str, Any]]:
    return await RoundUnit.select(
        RoundUnit.unit.as_alias("unit_id"), RoundUnit.unit.code.as_alias("code"),
        RoundUnit.unit.name.as_alias("name"), RoundUnit.unit.weight.as_alias("weight"),
    ).where(RoundUnit.round == round_id).order_by(RoundUnit.id)


async def round_overview(round_id: int, *, actor: Principal) -> dict[str, Any]:
    """Compares units, so only for roles that read every unit (not respondents)."""

    check(actor, Action.OVERVIEW_READ)
    rnd = await get_round(round_id)
    q = await questionnaire_by_id(rnd["questionnaire_version_id"])
    responses = {r["unit"]: r["id"] for r in await Response.select(Response.id, Response.unit).where(Response.round == round_id)}
    units = []
    started = submitted = 0
    for p in await _participants(round_id):
        rid = responses.get(p["unit_id"])
        item = {"unit": p["code"], "name": p["name"], "weight": p["weight"], "response_id": rid,
                "status": "not_started", "revision": None, "answered": 0, "completeness": 0.0,
                "level": None, "percent": None, "last_activity": None, "submitted_at": None}
        if rid is not None:
            started += 1
            state = await get_response(rid)
            values = values_of(state)
            overall = score_response(q, values).to_dict()["overall"]
            submitted += state["status"] == "submitted"
            item.update(status=state["status"], revision=state["revision"], answered=len(values),
                        completeness=overall["completeness"], level=overall["level"], percent=overall["percent"],
                        last_activity=state["updated_at"], submitted_at=state["submitted_at"])
        units.append(item)
    n = len(units)
    return {"round": rnd, "participating": n, "started": started, "submitted": submitted,
            "response_rate": (submitted / n) if n else 0.0, "units": units}


async def export_round(round_id: int, *, actor: Principal) -> dict[str, Any]:
    """Everything about a round as one JSON object: the round, the questionnaire
    identity, and per unit its answers, notes, status, live scores and snapshot."""

    check(actor, Action.EXPORT_READ)
    rnd = await get_round(round_id)
    await audit.record(actor, "export.round", "round", round_id)
    q = await questionnaire_by_id(rnd["questionnaire_version_id"])
    ids = await Response.select(Response.id).where(Response.round == round_id).order_by(Response.id)
    out = []
    for r in ids:
        state = await get_response(r["id"])
        values = values_of(state)
        out.append({
            "unit": state["unit"], "unit_name": state["unit_name"], "status": state["status"],
            "revision": state["revision"], "started_at": state["started_at"], "updated_at": state["updated_at"],
            "submitted_at": state["submitted_at"],
            "answers": {"questionnaire": q.id, "version": q.version, "answers": values},
            "comments": {k: a["comment"] for k, a in state["answers"].items() if a["comment"]},
            "evidence": {k: a["evidence"] for k, a in state["answers"].items() if a["evidence"]},
            "scores": score_response(q, values).to_dict(),
            "snapshot": await latest_snapshot(r["id"]),
        })
    units = [{"code": p["code"], "name": p["name"], "weight": p["weight"]} for p in await _participants(round_id)]
    return {"format": "survey-engine-round/1", "engine_version": ENGINE_VERSION, "round": rnd,
            "questionnaire": {"id": q.id, "version": q.version, "hash": q.hash},
            "units": units, "responses": out}
