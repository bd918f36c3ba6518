"""A round at a glance (response rate, completeness per unit) and its whole export."""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from survey_engine.services import audit, provided
from survey_engine.services.access import Action, Principal, check
from survey_engine.services.questionnaires import questionnaire_by_id
from survey_engine.services.responses import _get as get_response, _latest_snapshot as latest_snapshot, values_of
from survey_engine.reporting.model import RoundData
from survey_engine.services.round_results import compare_units, load_round
from survey_engine.services.rounds import get_round
from survey_engine.store.tables import Response, RoundUnit
from survey_engine.scoring import ENGINE_VERSION, rollup, score_response


async def _participants(round_id: int) -> list[dict[str, Any]]:
    return await RoundUnit.select(
        RoundUnit.unit.as_alias("unit_id"), RoundUnit.unit.code.as_alias("code"),
        RoundUnit.unit.name.as_alias("name"), RoundUnit.unit.weight.as_alias("weight"),
    ).where(RoundUnit.round == round_id).order_by(RoundUnit.id)


@dataclass(frozen=True)
class UnitProgress:
    """One participating unit's progress in a round (`round_overview`)."""

    unit: str
    name: str
    weight: float
    response_id: int | None
    status: str  # not_started | draft | submitted | reopened
    draft: bool  # started, not submitted: scored now, left out of the city figures
    revision: int | None
    answered: int
    completeness: float
    level: int | None
    percent: float | None
    last_activity: dt.datetime | None
    submitted_at: dt.datetime | None
    # sign-off (docs/sign-off.md): not_started | draft | submitted | approved
    stage: str = "not_started"
    approved: bool = False
    # in the city figures of this read (submitted; with `approved_only`: approved too)
    counted: bool = False


@dataclass(frozen=True)
class RoundOverview:
    """A round at a glance: counts and every unit's progress, in round order."""

    round: dict[str, Any]
    participating: int
    started: int
    submitted: int
    response_rate: float  # submitted / participating
    units: tuple[UnitProgress, ...]
    approved: int = 0  # submitted and approved as they stand (sign-off)
    counted: int = 0  # units the city figures count in this read (`UnitProgress.counted`)
    approved_only: bool = False  # read with only approved responses counted (docs/sign-off.md)


async def round_overview(round_id: int, *, actor: Principal, approved_only: bool = False,
                         data: RoundData | None = None) -> RoundOverview:
    """Compares units, so only for roles that read every unit (not respondents).
    Levels come from the one read path (`round_results`): a submitted response's
    snapshot, a draft scored now and marked `draft`, as on every page and report.
    Each unit says whether the city figures count it (`counted`): the submitted ones,
    with `approved_only` only those approved as they stand (docs/sign-off.md); the
    filter is the read path's own (`RoundData.scored_units`). A caller that has read the
    round already (`round_results.compare_units`, same `approved_only`) passes it as
    `data`, so the page reads it once."""

    check(actor, Action.OVERVIEW_READ)
    rnd = await get_round(round_id)
    if data is None or data.id != round_id or data.approved_only != approved_only:
        data = await load_round(round_id, with_notes=False, approved_only=approved_only)
    counted = {u.code for u in data.scored_units()}
    units = []
    for entry in data.units:
        overall = entry.result.overall if entry.result is not None else None
        units.append(UnitProgress(
            unit=entry.code, name=entry.name, weight=entry.weight, response_id=entry.response_id,
            status=entry.status, draft=entry.draft, revision=entry.revision, answered=len(entry.answers),
            completeness=overall.completeness if overall else 0.0,
            level=overall.level if overall else None, percent=overall.percent if overall else None,
            last_activity=entry.updated_at, submitted_at=entry.submitted_at,
            stage=stage_of(entry.status, entry.approved), approved=entry.approved,
            counted=entry.code in counted,
        ))
    n = len(units)
    started = sum(1 for u in data.units if u.started)
    submitted = sum(1 for u in data.units if u.submitted)
    approved = sum(1 for u in data.units if u.submitted and u.approved)
    return RoundOverview(round=rnd, participating=n, started=started, submitted=submitted,
                         response_rate=(submitted / n) if n else 0.0, units=tuple(units), approved=approved,
                         counted=len(counted), approved_only=approved_only)


def stage_of(status: str, approved: bool) -> str:
    """The overview's sign-off stage of a unit (docs/sign-off.md): not started, draft
    (also a reopened or returned response), submitted, or approved."""
    if status == "not_started":
        return "not_started"
    if status == "submitted":
        return "approved" if approved else "submitted"
    return "draft"


def _plain(value: Any) -> Any:
    return dataclasses.asdict(value) if value is not None else None


async def export_round(round_id: int, *, actor: Principal) -> dict[str, Any]:
    """Everything about a round as one JSON object: the round, the questionnaire
    identity, and per unit its answers, notes, status, live scores and snapshot."""

    check(actor, Action.EXPORT_READ)
    rnd = await get_round(round_id)
    await audit.record(actor, "export.round", "round", round_id)
    q = await questionnaire_by_id(rnd.questionnaire_version_id)
    ids = await Response.select(Response.id).where(Response.round == round_id).order_by(Response.id)
    sources = await provided.sources_for_round(round_id, q)  # docs/shared-answers.md §3
    out = []
    for r in ids:
        state = await get_response(r["id"])
        values = values_of(state)
        out.append({
            "unit": state.unit, "unit_name": state.unit_name, "status": state.status,
            "revision": state.revision, "started_at": state.started_at, "updated_at": state.updated_at,
            "submitted_at": state.submitted_at,
            "answers": {"questionnaire": q.id, "version": q.version, "answers": values},
            "comments": {k: a.comment for k, a in state.answers.items() if a.comment},
            "evidence": {k: a.evidence for k, a in state.answers.items() if a.evidence},
            "scores": score_response(q, values).to_dict(),
            "snapshot": _plain(await latest_snapshot(r["id"])),
            "sources": sources.get(state.unit, {}),  # provided | override per question; absent: own
        })
    units = [{"code": p["code"], "name": p["name"], "weight": p["weight"]} for p in await _participants(round_id)]
    return {"format": "survey-engine-round/1", "engine_version": ENGINE_VERSION, "round": dataclasses.asdict(rnd),
            "questionnaire": {"id": q.id, "version": q.version, "hash": q.hash},
            "units": units, "responses": out}


async def city_results(round_id: int, *, actor: Principal, approved_only: bool = False,
                       include_drafts: bool = False) -> dict[str, Any]:
    """The city figures of a round as data (the API's report): which units count, each
    unit's level, and the city's roll-up (`mean` and `weakest`) over the counted units.
    `approved_only` counts only responses an approver signed off (docs/sign-off.md);
    the filter is made by the one read path (`round_results`)."""

    data = await compare_units(round_id, actor=actor, approved_only=approved_only)
    counted = data.scored_units(include_drafts)
    codes = {u.code for u in counted}
    city = None
    if counted:
        city = {}
        for method in ("mean", "weakest"):
            res = rollup(data.questionnaire, [u.result for u in counted], method=method,
                         weights=[u.weight for u in counted])
            city[method] = {"level": res.overall.level, "percent": res.overall.percent,
                            "areas": [{"id": a.id, "level": a.level, "percent": a.percent} for a in res.areas]}
    return {
        "round": {"id": data.id, "name": data.name, "status": data.status},
        "approved_only": approved_only,
        "include_drafts": include_drafts and not approved_only,
        "counted": len(counted),
        "units": [{"unit": u.code, "name": u.name, "status": u.status, "stage": stage_of(u.status, u.approved),
                   "approved": u.approved, "counted": u.code in codes,
                   "level": u.result.overall.level if u.result is not None else None,
                   "percent": u.result.overall.percent if u.result is not None else None} for u in data.units],
        "city": city,
    }
