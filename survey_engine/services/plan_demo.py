"""Demo improvement plans: each förvaltning's plan from its 2024 response (and one for
the city roll-up), with owners, due dates and statuses as two years of work would
leave them, so that the 2026 round shows effects in the follow-up.

Deterministic (a seeded generator per unit), and made through the plan service, so
every change is in the audit log like a planner's.
"""
from __future__ import annotations

import datetime as dt
import random
from typing import Any

from survey_engine.services.policy import Principal
from survey_engine.services import plans

SEED = "survey-engine-demo-plans-1"
START = "2024H2"
PERIODS = 4
CAPACITY = 10
OWNERS = [
    "Informationssäkerhetssamordnare",
    "IT-chef",
    "Förvaltningsdirektör",
    "HR-chef",
    "Verksamhetsutvecklare",
    "Arkivarie",
    "Säkerhetschef",
]
NOTES = {
    "done": ["Klart och beslutat i ledningsgruppen.", "Infört; uppföljning planerad.", "", ""],
    "in_progress": ["Försenat: väntar på stadens gemensamma upphandling.",
                    "Pågår tillsammans med Serviceförvaltningen.", ""],
    "planned": ["", "", "Behöver budget i nästa verksamhetsplan."],
    "dropped": ["Struken: ersatt av stadens gemensamma arbete.", "Struken: inte längre aktuell efter omorganisation."],
}
OWN_ACTIONS = [
    ("Utbildning i informationssäkerhet för alla chefer", "Informationssäkerhetssamordnare"),
    ("Gemensam incidentövning med Serviceförvaltningen", "Säkerhetschef"),
    ("Inventera avtal med leverantörer av molntjänster", "IT-chef"),
]


def _period_end(period: str) -> dt.date:
    year, half = int(period[:4]), int(period[5])
    return dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31)


def _status(period: str | None, rng: random.Random, diligence: float) -> str:
    """Early half-years are mostly done; later ones in progress or planned; now and
    then something is dropped (and some "done" work did not move the answer)."""
    roll = rng.random()
    if period is None:
        return "dropped" if roll < 0.2 else "planned"
    index = {"2024H2": 0, "2025H1": 1, "2025H2": 2, "2026H1": 3}.get(period, 4)
    if roll < 0.07:
        return "dropped"
    if index <= 1:
        return "done" if roll < 0.55 + 0.4 * diligence else "in_progress"
    if index == 2:
        return "done" if roll < 0.25 + 0.4 * diligence else "in_progress"
    return "in_progress" if roll < 0.4 else "planned"


async def load_demo_plans(round_id: int, *, actor: Principal, units: list[Any], log=print) -> dict[str, Any]:
    """A plan per förvaltning with a submitted response in `round_id` (units: the demo's
    DemoUnit list, whose `growth` stands for how diligently plans were carried out),
    plus one for the city roll-up. Returns the plan ids."""
    made: dict[str, int] = {}
    edits = 0
    for unit in units:
        try:
            plan = await plans.create_plan(actor, round_id, unit.code, start=START, periods=PERIODS,
                                           capacity=CAPACITY)
        except plans.Invalid:  # no submitted response to plan from
            continue
        rng = random.Random(f"{SEED}:{unit.code}")
        diligence = max(0.0, min(1.0, unit.growth / 0.6))
        revision = plan.revision
        if rng.random() < 0.6:
            title, owner = rng.choice(OWN_ACTIONS)
            status = rng.choice(["done", "in_progress", "planned"])
            plan = await plans.add_action(actor, plan.id, revision, {
                "title": title, "owner": owner, "period": "2025H1", "status": status,
                "due_date": _period_end("2025H1"), "note": "",
                **({"done_on": dt.date(2025, 5, 20)} if status == "done" else {})})
            revision = plan.revision
            edits += 1
        batch: dict[int, dict[str, Any]] = {}
        for action in plan.actions:
            if action.question is None:
                continue
            status = _status(action.period, rng, diligence)
            changes: dict[str, Any] = {"owner": rng.choice(OWNERS), "status": status}
            if action.period:
                changes["due_date"] = _period_end(action.period)
                if status == "done":  # finished a few weeks before the half-year ended
                    # (a generator of its own, so the statuses drawn above stay as they were)
                    days = random.Random(f"{SEED}:{unit.code}:{action.question}:done").randint(5, 60)
                    changes["done_on"] = _period_end(action.period) - dt.timedelta(days=days)
            note = rng.choice(NOTES[status])
            if note:
                changes["note"] = note
            batch[action.id] = changes
        if batch:
            plan = await plans.update_actions(actor, plan.id, revision, batch)
            edits += len(batch)
        made[unit.code] = plan.id
    city = await plans.create_plan(actor, round_id, None, start=START, periods=PERIODS, capacity=CAPACITY * 2,
                                   title="Stadens gemensamma handlingsplan 2024–2026")
    rng = random.Random(f"{SEED}:city")
    batch = {a.id: {"owner": "Stadskontoret", "status": _status(a.period, rng, 0.5)}
             for a in city.actions}
    if batch:
        city = await plans.update_actions(actor, city.id, city.revision, batch)
        edits += len(batch)
    made["city"] = city.id
    log(f"  handlingsplaner / plans: {len(made) - 1} förvaltningar + staden ({edits} ändringar / changes)")
    return made
