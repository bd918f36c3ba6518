"""Improvement plans (docs/planning.md): made from a submitted response of a
förvaltning, or from the city roll-up of a round, saved, edited by planners, and
followed up with the unit's response in a later round.

Every change names the plan revision it was based on. A stale revision is refused
with 409 and the plan's current state, so two planners editing at once never lose a
change silently. Every change writes an audit event (`plan.*`) in the same
transaction.
"""
from __future__ import annotations

from survey_engine import plaintext

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Mapping

from survey_engine.services import audit
from survey_engine.services.policy import Action, Principal, decide, require
from survey_engine.planning import (
    ACTION_STATUSES,
    action_effect,
    area_follow_up,
    is_flagged,
    make_plan,
    next_half_year,
    parse_period,
    period_sequence,
    priorities,
)
from survey_engine.questionnaire.model import Questionnaire, localized
from survey_engine.scoring import METHODS, rollup
from survey_engine.services.common import iso
from survey_engine import clock
from survey_engine.errors import Conflict, Invalid, NotFound
from survey_engine.services.questionnaires import questionnaire_by_id
from survey_engine.store.db import write_transaction
from survey_engine.store.tables import Plan, PlanAction, Response, Round, Unit
from survey_engine.text import Text
from survey_engine.services import round_results  # the module, not its names: round_results imports plans through provided
from survey_engine.services.views import PlanActionView, PlanPeriod, PlanSummary, PlanView, QuestionnaireRef
from survey_engine.questionnaire.continuity import successor_map

MAX_PERIODS = 12
MAX_CAPACITY = 10_000
MAX_TITLE = 500
MAX_OWNER = 200
MAX_NOTE = 4000
SCOPE_UNIT, SCOPE_CITY = "unit", "city"
# Fields a planner may change on an action (question actions keep their question,
# area and level: they are what the follow-up measures).
ACTION_FIELDS = ("period", "owner", "status", "due_date", "note", "sort_order", "title", "area", "level", "done_on")
_FREE_ONLY = ("area", "level")

class _Stale(Exception):
    pass


# ---------------------------------------------------------------- reading

_PLAN_COLUMNS = (
    Plan.id, Plan.title, Plan.unit, Plan.round, Plan.response, Plan.questionnaire, Plan.rollup_method,
    Plan.start_period, Plan.periods, Plan.capacity, Plan.revision, Plan.created_by, Plan.created_at,
    Plan.updated_by, Plan.updated_at,
    Plan.unit.code.as_alias("unit_code"), Plan.unit.name.as_alias("unit_name"),
    Plan.round.name.as_alias("round_name"),
)


async def _plan_row(plan_id: int) -> dict[str, Any]:
    row = await Plan.select(*_PLAN_COLUMNS).where(Plan.id == plan_id).first()
    if row is None:
        raise NotFound(Text(f"Plan {plan_id} finns inte", f"plan {plan_id} not found"))
    return row


async def _action_rows(plan_id: int) -> list[dict[str, Any]]:
    return await PlanAction.select().where(PlanAction.plan == plan_id).order_by(PlanAction.sort_order).order_by(
        PlanAction.id)


def _action_view(a: Mapping[str, Any]) -> PlanActionView:
    return PlanActionView(
        id=a["id"], question=a["question_id"], title=a["title"], area=a["area"],
        level=a["level"], priority=a["priority"], kind=a["kind"], credit=a["credit"],
        effort=a["effort"], period=a["period"], owner=a["owner"], status=a["status"],
        due_date=iso(a["due_date"]), done_on=iso(a.get("done_on")), note=a["note"],
        sort_order=a["sort_order"],
        updated_at=a["updated_at"],
    )


def _plan_view(row: Mapping[str, Any], actions: Iterable[Mapping[str, Any]], q: Questionnaire) -> PlanView:
    names = period_sequence(row["start_period"], row["periods"])
    items = [_action_view(a) for a in actions]
    rank = {name: i for i, name in enumerate(names)}
    items.sort(key=lambda a: (rank.get(a.period, len(names)) if a.period else len(names) + 1,
                              a.sort_order, a.id))
    efforts = {name: 0 for name in names}
    for a in items:
        if a.period in efforts and a.status != "dropped":
            efforts[a.period] += a.effort or 0
    return PlanView(
        id=row["id"],
        title=row["title"],
        scope=SCOPE_UNIT if row["unit"] is not None else SCOPE_CITY,
        unit=row["unit_code"],
        unit_name=row["unit_name"],
        round_id=row["round"],
        round_name=row["round_name"],
        response_id=row["response"],
        questionnaire=QuestionnaireRef(id=q.id, version=q.version),
        method=row["rollup_method"] or None,
        start=row["start_period"],
        periods=[PlanPeriod(period=n, effort=efforts[n]) for n in names],
        capacity=row["capacity"],
        revision=row["revision"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        updated_by=row["updated_by"],
        updated_at=row["updated_at"],
        actions=items,
    )


async def _load(plan_id: int) -> tuple[PlanView, Questionnaire]:
    row = await _plan_row(plan_id)
    q = await questionnaire_by_id(row["questionnaire"])
    return _plan_view(row, await _action_rows(plan_id), q), q


async def get_plan(actor: Principal, plan_id: int) -> PlanView:
    """The plan with its actions (in period order, then the backlog)."""
    row = await _plan_row(plan_id)
    require(actor, Action.PLAN_READ, row["unit_code"])
    return (await _load(plan_id))[0]


async def list_plans(actor: Principal, unit: str | None = None, round_id: int | None = None,
                     scope: str | None = None) -> list[PlanSummary]:
    """Summaries of the plans `actor` may read, newest first."""
    where = None

    def both(a, b):
        return b if a is None else a & b

    if unit:
        where = both(where, Plan.unit.code == unit)
    if round_id is not None:
        where = both(where, Plan.round == round_id)
    if scope == SCOPE_CITY:
        where = both(where, Plan.unit.is_null())
    elif scope == SCOPE_UNIT:
        where = both(where, Plan.unit.is_not_null())
    elif scope is not None:
        raise Invalid(Text("scope ska vara unit eller city", "scope must be unit or city"),
                      [{"field": "scope", "message": "unit | city"}])
    query = Plan.select(*_PLAN_COLUMNS).order_by(Plan.id, ascending=False)
    if where is not None:
        query = query.where(where)
    rows = [r for r in await query if decide(actor, Action.PLAN_READ, r["unit_code"])]
    counts: dict[int, dict[str, int]] = {r["id"]: {s: 0 for s in ACTION_STATUSES} for r in rows}
    if rows:
        for a in await PlanAction.select(PlanAction.plan, PlanAction.status).where(
                PlanAction.plan.is_in(list(counts))):
            counts[a["plan"]][a["status"]] = counts[a["plan"]].get(a["status"], 0) + 1
    return [PlanSummary(
        id=r["id"], title=r["title"], scope=SCOPE_UNIT if r["unit"] is not None else SCOPE_CITY,
        unit=r["unit_code"], unit_name=r["unit_name"], round_id=r["round"], round_name=r["round_name"],
        start=r["start_period"], periods=r["periods"], capacity=r["capacity"], revision=r["revision"],
        created_by=r["created_by"], created_at=r["created_at"], updated_at=r["updated_at"],
        status_counts=counts[r["id"]],
    ) for r in rows]


# ---------------------------------------------------------------- sources

@dataclass(frozen=True)
class Source:
    """What a plan is made from, or followed up with: one round's result for the unit
    (its response) or for the city (the roll-up of the submitted responses)."""

    round_id: int
    round_name: str
    questionnaire: Questionnaire
    questionnaire_version_id: int
    result: Any  # ScoreResult or RollupResult
    response_id: int | None
    units: tuple[str, ...]  # the units the result covers

    def describe(self) -> dict[str, Any]:
        return {"round_id": self.round_id, "round_name": self.round_name,
                "questionnaire": {"id": self.questionnaire.id, "version": self.questionnaire.version},
                "response_id": self.response_id, "units": list(self.units)}


async def _round_version(round_id: int) -> dict[str, Any]:
    row = await Round.select(Round.id, Round.name, Round.questionnaire).where(Round.id == round_id).first()
    if row is None:
        raise NotFound(Text(f"Omgång {round_id} finns inte", f"round {round_id} not found"))
    return row


async def load_source(round_id: int, unit_code: str | None, method: str = "weakest",
                      cache: dict[int, Any] | None = None) -> Source:
    """The unit's submitted result in the round (its score snapshot), or the city
    roll-up of the round's submitted responses with unit weights. Invalid when there
    is nothing submitted to plan from."""

    cache = {} if cache is None else cache
    if round_id not in cache:
        cache[round_id] = await round_results.load_round(round_id, with_notes=False)
    data = cache[round_id]
    row = await _round_version(round_id)
    q = data.questionnaire
    if unit_code is not None:
        entry = data.unit(unit_code)
        if entry is None:
            raise Invalid(Text(f"Enheten {unit_code} deltar inte i omgång {round_id}", f"unit {unit_code} does not take " f"part in round {round_id}"), [{"field": "unit", "message": "not a participant"}])
        if not entry.submitted:
            raise Invalid(Text(f"{entry.name} har inget inskickat svar i {data.name}; en plan görs från ett inskickat svar", f"{unit_code} has no submitted response in round {round_id}: a plan is made from a " f"submitted response"), [{"field": "unit", "message": f"response status {entry.status}"}])
        response = await Response.select(Response.id).where(
            (Response.round == round_id) & (Response.unit.code == unit_code)).first()
        return Source(round_id, data.name, q, row["questionnaire"], entry.result, response["id"], (unit_code,))
    if method not in METHODS:
        raise Invalid(Text(f"Okänd sammanvägningsmetod {method!r}; välj {' eller '.join(METHODS)}", f"unknown roll-up " f"method {method!r}: use {' or '.join(METHODS)}"), [{"field": "method", "message": "|".join(METHODS)}])
    scored = data.scored_units(include_drafts=False)
    if not scored:
        raise Invalid(Text(f"{data.name} har inga inskickade svar att sammanväga", f"round {round_id} has no submitted " f"responses to roll up"), [{"field": "round_id", "message": "no submitted responses"}])
    result = rollup(q, [u.result for u in scored], method=method, weights=[u.weight for u in scored])
    return Source(round_id, data.name, q, row["questionnaire"], result, None, tuple(u.code for u in scored))


# ---------------------------------------------------------------- validation

def _check_int(errors: list, field: str, value: Any, lo: int, hi: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        errors.append({"field": field, "message": f"ett heltal {lo}–{hi} / an integer {lo}-{hi}"})


def _check_text(errors: list, field: str, value: Any, limit: int) -> None:
    if not isinstance(value, str):
        errors.append({"field": field, "message": "ska vara text / must be a string"})
    elif len(value) > limit:
        errors.append({"field": field, "message": f"längre än {limit} tecken / longer than {limit} characters"})
    elif plaintext.control_character(value):
        errors.append({"field": field, "message": plaintext.message(plaintext.control_character(value))})


def _parse_date(errors: list, field: str, value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors.append({"field": field, "message": "ett datum ÅÅÅÅ-MM-DD / a date YYYY-MM-DD"})
        return None


def _check_revision(revision: Any) -> int:
    if not isinstance(revision, int) or isinstance(revision, bool):
        raise Invalid(Text("revision saknas: skicka planens revision som ändringen bygger på", "revision is required: " "send the plan revision your change is based on"),
                      [{"field": "revision", "message": "an integer"}])
    return revision


def _clean_action_fields(fields: Mapping[str, Any], plan_periods: list[str], q: Questionnaire,
                         free_standing: bool, prefix: str = "") -> dict[str, Any]:
    """Validate a set of action fields; returns them as stored (dates parsed, text
    stripped). Raises Invalid naming every bad field."""
    errors: list[dict[str, Any]] = []
    out: dict[str, Any] = {}
    for key, value in fields.items():
        field = prefix + key
        if key not in ACTION_FIELDS:
            errors.append({"field": field, "message": f"okänt fält; ändringsbara: {', '.join(ACTION_FIELDS)} / "
                                                     f"unknown field"})
        elif key == "period":
            if value is not None and value not in plan_periods:
                errors.append({"field": field, "message": f"ett av planens halvår ({', '.join(plan_periods)}) eller "
                                                         f"null för backlog / one of the plan's half-years or null "
                                                         f"for the backlog"})
            out[key] = value
        elif key == "status":
            if value not in ACTION_STATUSES:
                errors.append({"field": field, "message": f"en av {', '.join(ACTION_STATUSES)} / one of "
                                                         f"{', '.join(ACTION_STATUSES)}"})
            out[key] = value
        elif key in ("due_date", "done_on"):
            out[key] = _parse_date(errors, field, value)
        elif key in ("owner", "note", "title"):
            value = "" if value is None else value
            _check_text(errors, field, value, {"owner": MAX_OWNER, "note": MAX_NOTE, "title": MAX_TITLE}[key])
            out[key] = value.strip() if isinstance(value, str) else value
        elif key == "sort_order":
            _check_int(errors, field, value, -1_000_000, 1_000_000)
            out[key] = value
        elif key in _FREE_ONLY:
            if not free_standing:
                errors.append({"field": field, "message": "bestäms av frågan; kan bara ändras på egna åtgärder / "
                                                         "set by the question: only free-standing actions change it"})
            elif key == "area":
                if value not in (None, "") and q.area(value) is None:
                    errors.append({"field": field, "message": f"okänt område i {q.id} {q.version} / unknown area"})
                out[key] = value or ""
            else:
                if value is not None:
                    _check_int(errors, field, value, 1, len(q.levels))
                out[key] = value
    if "title" in out and free_standing and not out["title"]:
        errors.append({"field": prefix + "title", "message": "en egen åtgärd behöver en rubrik / a free-standing "
                                                            "action needs a title"})
    if errors:
        raise Invalid(Text(f"{len(errors)} ogiltiga fält", f"{len(errors)} invalid fields"), errors)
    return out


# ---------------------------------------------------------------- creating

def _actor_name(actor: Principal) -> str:
    return audit.actor_name(actor)[:200]


async def create_plan(actor: Principal, round_id: int, unit: str | None = None, *, start: str | None = None,
                      periods: int = 4, capacity: int = 10, method: str = "weakest", title: str | None = None,
                      today: dt.date | None = None) -> PlanView:
    """Generate a plan from the unit's submitted response in the round (or from the
    city roll-up when `unit` is None) and save it with its actions."""
    require(actor, Action.PLAN_WRITE, unit)
    errors: list[dict[str, Any]] = []
    start = start or next_half_year(today or clock.today())
    try:
        parse_period(start)
    except ValueError:
        errors.append({"field": "start", "message": "ett halvår ÅÅÅÅH1 eller ÅÅÅÅH2, t.ex. 2026H2 / a half-year "
                                                   "YYYYH1 or YYYYH2, e.g. 2026H2"})
    _check_int(errors, "periods", periods, 1, MAX_PERIODS)
    _check_int(errors, "capacity", capacity, 0, MAX_CAPACITY)
    if title is not None:
        _check_text(errors, "title", title, 300)
    if errors:
        raise Invalid(Text(f"{len(errors)} ogiltiga värden för planen", f"{len(errors)} invalid plan inputs"), errors)
    unit_row = None
    if unit is not None:
        unit_row = await Unit.select(Unit.id, Unit.name).where(Unit.code == unit).first()
        if unit_row is None:
            raise NotFound(Text(f"Enheten {unit} finns inte", f"unit {unit} not found"))
    source = await load_source(round_id, unit, method)
    q = source.questionnaire
    prios = priorities(q, source.result)
    plan = make_plan(q, prios, start=start, periods=periods, capacity=capacity)
    by_question = {p.question: p for p in prios}
    ordered = [(p.period, qid) for p in plan.periods for qid in p.actions] + [(None, qid) for qid in plan.backlog]
    if not title:
        who = unit_row["name"] if unit_row else "Staden (sammanvägning)"
        last = period_sequence(start, periods)[-1]
        title = f"Handlingsplan {who} {start}–{last}"
    t = clock.now()
    name = _actor_name(actor)
    async with write_transaction():
        rows = await Plan.insert(Plan(
            title=title.strip()[:300], unit=unit_row["id"] if unit_row else None, round=round_id,
            response=source.response_id, questionnaire=source.questionnaire_version_id,
            rollup_method="" if unit else method, start_period=start, periods=periods, capacity=capacity,
            revision=0, created_by=name, created_at=t, updated_by=name, updated_at=t,
        )).returning(Plan.id)
        plan_id = rows[0]["id"]
        actions = []
        for order, (period, qid) in enumerate(ordered, start=1):
            p = by_question[qid]
            question = q.question(qid)
            actions.append(PlanAction(
                plan=plan_id, question_id=qid, title=localized(question.text, q.default_language)[:MAX_TITLE],
                area=p.area, level=p.level, priority=p.priority, kind=p.kind, credit=p.credit, effort=p.effort,
                period=period, owner="", status="planned", due_date=None, note="", sort_order=order * 10,
                created_at=t, updated_at=t,
            ))
        if actions:
            await PlanAction.insert(*actions)
        await audit.record(actor, "plan.create", "plan", plan_id, unit=unit, details={
            "round_id": round_id, "scope": SCOPE_UNIT if unit else SCOPE_CITY, "start": start, "periods": periods,
            "capacity": capacity, "method": None if unit else method, "actions": len(actions),
            "backlog": len(plan.backlog),
        })
    return (await _load(plan_id))[0]


# ---------------------------------------------------------------- editing

async def _stale_conflict(plan_id: int, expected: int | None) -> Conflict:
    state, _ = await _load(plan_id)
    return Conflict(
        Text(f"Planen har ändrats av någon annan (revision {state.revision}, du hade {expected}); läs in den igen " f"och gör ändringen på nytt", f"the plan changed meanwhile (revision {state.revision}, yours {expected}): " f"reload it and make your change again"),
        [{"field": "revision", "message": f"current revision is {state.revision}"}],
        current=state,
    )


async def _bump(plan_id: int, current: int, actor: Principal) -> int:
    """Move the plan's revision from `current` to current+1, only if nobody else did."""
    done = await Plan.update({Plan.revision: current + 1, Plan.updated_at: clock.now(),
                              Plan.updated_by: _actor_name(actor)}).where(
        (Plan.id == plan_id) & (Plan.revision == current)).returning(Plan.id)
    if not done:
        raise _Stale()
    return current + 1


async def _edit(actor: Principal, plan_id: int, revision: Any, change) -> PlanView:
    """Run `change(row, q, new_revision)` in a write transaction after checking the
    permission and the revision; a stale revision becomes 409 with the current plan."""
    revision = _check_revision(revision)
    row = await _plan_row(plan_id)
    require(actor, Action.PLAN_WRITE, row["unit_code"])
    q = await questionnaire_by_id(row["questionnaire"])
    try:
        async with write_transaction():
            row = await _plan_row(plan_id)
            if row["revision"] != revision:
                raise _Stale()
            new_revision = await _bump(plan_id, revision, actor)
            await change(row, q, new_revision)
    except _Stale:
        raise await _stale_conflict(plan_id, revision) from None
    return (await _load(plan_id))[0]


def _stamp_done(old_status: str, clean: dict[str, Any], t: dt.datetime) -> None:
    """D10 of docs/indicators.md: an action that becomes done gets today's date (in
    Swedish time) unless a date is given; one that leaves done loses its date."""
    status = clean.get("status", old_status)
    if status == "done":
        if old_status != "done" and not clean.get("done_on"):
            clean["done_on"] = clock.local(t).date()
    elif "status" in clean or clean.get("done_on"):
        clean["done_on"] = None


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


async def update_action(actor: Principal, plan_id: int, action_id: int, revision: int,
                        changes: Mapping[str, Any]) -> PlanView:
    """Change an action's half-year (None = backlog), owner, status, due date, note,
    order (and title, area, level of a free-standing action). Returns the plan."""
    if not changes:
        raise Invalid(Text("Inget att ändra", "nothing to change"), [{"field": "changes", "message": "empty"}])
    return await update_actions(actor, plan_id, revision, {action_id: changes})


async def update_actions(actor: Principal, plan_id: int, revision: int,
                         changes: Mapping[int, Mapping[str, Any]]) -> PlanView:
    """Change several actions at once (one revision, one audit event per action): all
    or nothing. `changes` maps action ids to fields as for `update_action`."""
    if not changes:
        raise Invalid(Text("Inget att ändra", "nothing to change"), [{"field": "changes", "message": "empty"}])

    async def change(row, q, new_revision):
        ids = list(changes)
        actions = {a["id"]: a for a in await PlanAction.select().where(
            (PlanAction.id.is_in(ids)) & (PlanAction.plan == plan_id))}
        missing = [i for i in ids if i not in actions]
        if missing:
            raise NotFound(Text(f"Åtgärd {missing[0]} finns inte i plan {plan_id}", f"action {missing[0]} is not in plan " f"{plan_id}"), [{"field": "action_id", "message": str(i)} for i in missing])
        names = period_sequence(row["start_period"], row["periods"])
        prefix = len(ids) > 1
        cleaned = {i: _clean_action_fields(changes[i], names, q, actions[i]["question_id"] is None,
                                           prefix=f"{i}." if prefix else "") for i in ids}
        t = clock.now()
        for action_id in ids:
            action, clean = actions[action_id], cleaned[action_id]
            _stamp_done(action["status"], clean, t)
            diff = {k: [_plain(action[k]), _plain(v)] for k, v in clean.items() if action[k] != v}
            if diff:
                await PlanAction.update({**{getattr(PlanAction, k): v for k, v in clean.items()},
                                         PlanAction.updated_at: t}).where(PlanAction.id == action_id)
            await audit.record(actor, "plan.action.update", "plan", plan_id, unit=row["unit_code"], details={
                "action_id": action_id, "question": action["question_id"], "revision": new_revision,
                "changes": diff})

    return await _edit(actor, plan_id, revision, change)


async def add_action(actor: Principal, plan_id: int, revision: int, fields: Mapping[str, Any],
                     question: str | None = None) -> PlanView:
    """Add an action: a question of the plan's questionnaire (area and level come from
    it) or a free-standing one with its own title. Returns the plan."""

    async def change(row, q, new_revision):
        names = period_sequence(row["start_period"], row["periods"])
        values = dict(fields)
        if question is not None:
            qq = q.question(question)
            if qq is None or not qq.scored:
                raise Invalid(Text(f"{question!r} är ingen poängsatt fråga i {q.id} {q.version}", f"{question!r} is not a " f"scored question of {q.id} {q.version}"), [{"field": "question", "message": "unknown"}])
            if await PlanAction.exists().where((PlanAction.plan == plan_id) & (PlanAction.question_id == question)):
                raise Conflict(Text(f"Frågan {question} finns redan i planen; ändra den åtgärden i stället", f"question " f"{question} is already in the plan: change that action instead"),
                               [{"field": "question", "message": "already planned"}])
        clean = _clean_action_fields(values, names, q, question is None)
        if question is None and not clean.get("title"):
            raise Invalid(Text("En egen åtgärd behöver en rubrik", "a free-standing action needs a title"),
                          [{"field": "title", "message": "required"}])
        last = await PlanAction.select(PlanAction.sort_order).where(PlanAction.plan == plan_id).order_by(
            PlanAction.sort_order, ascending=False).first()
        t = clock.now()
        base = {"period": None, "owner": "", "status": "planned", "due_date": None, "note": "",
                "sort_order": (last["sort_order"] if last else 0) + 10, "title": "", "area": "", "level": None}
        base.update(clean)
        _stamp_done("planned", base, t)
        extra: dict[str, Any] = {"kind": "own", "priority": None, "credit": None, "effort": None}
        if question is not None:
            qq = q.question(question)
            source = await load_source(row["round"], row["unit_code"], row["rollup_method"] or "weakest")
            outcome = source.result.question(question)
            base.update(area=qq.area, level=qq.level,
                        title=base["title"] or localized(qq.text, q.default_language)[:MAX_TITLE])
            extra = {"kind": "investigate" if outcome is not None and outcome.unknown else "improve",
                     "priority": None, "credit": outcome.credit if outcome is not None and outcome.included else None,
                     "effort": qq.effort}
        rows = await PlanAction.insert(PlanAction(
            plan=plan_id, question_id=question, created_at=t, updated_at=t, **base, **extra)).returning(PlanAction.id)
        await audit.record(actor, "plan.action.add", "plan", plan_id, unit=row["unit_code"], details={
            "action_id": rows[0]["id"], "question": question, "revision": new_revision,
            "fields": {k: _plain(v) for k, v in base.items()}})

    return await _edit(actor, plan_id, revision, change)


async def update_plan(actor: Principal, plan_id: int, revision: int, *, title: str | None = None,
                      periods: int | None = None) -> PlanView:
    """Rename the plan or change its number of half-years (never below a half-year
    that still holds an action)."""

    async def change(row, q, new_revision):
        errors: list[dict[str, Any]] = []
        diff: dict[str, Any] = {}
        if title is not None:
            _check_text(errors, "title", title, 300)
            if isinstance(title, str) and not title.strip():
                errors.append({"field": "title", "message": "får inte vara tom / must not be empty"})
        if periods is not None:
            _check_int(errors, "periods", periods, 1, MAX_PERIODS)
            if not errors:
                keep = set(period_sequence(row["start_period"], periods))
                used = {a["period"] for a in await PlanAction.select(PlanAction.period).where(
                    (PlanAction.plan == plan_id) & PlanAction.period.is_not_null())}
                if used - keep:
                    errors.append({"field": "periods", "message": f"halvår med åtgärder skulle försvinna "
                                                                 f"({', '.join(sorted(used - keep))}); flytta dem först / "
                                                                 f"half-years holding actions would go: move them first"})
        if errors:
            raise Invalid(Text(f"{len(errors)} ogiltiga värden", f"{len(errors)} invalid values"), errors)
        update: dict[Any, Any] = {}
        if title is not None and title.strip() != row["title"]:
            update[Plan.title] = title.strip()
            diff["title"] = [row["title"], title.strip()]
        if periods is not None and periods != row["periods"]:
            update[Plan.periods] = periods
            diff["periods"] = [row["periods"], periods]
        if update:
            await Plan.update(update).where(Plan.id == plan_id)
        await audit.record(actor, "plan.update", "plan", plan_id, unit=row["unit_code"],
                           details={"revision": new_revision, "changes": diff})

    return await _edit(actor, plan_id, revision, change)


# ---------------------------------------------------------------- follow-up

def successor_of(question_id: str, q1: Questionnaire, q2: Questionnaire) -> str | None:
    """The question of q2 that continues `question_id` of q1 (itself when q2 is q1)."""

    if q1.hash == q2.hash:
        return question_id if q1.question(question_id) is not None else None
    return successor_map(q2, q1).get(question_id)


def compute_follow_up(plan: PlanView, before: Source, after: Source | None) -> dict[str, Any]:
    """The follow-up of a plan (docs/planning.md, "Follow-up"): each action's effect as
    measured by `after` (None: no later response yet), the flag for `done` without an
    effect, and each area in both rounds. Pure. The follow-up is a report model (the
    plan's fields as plain values) that reporting/plans.py renders."""
    q1, r1 = before.questionnaire, before.result
    actions = []
    for view in plan.actions:
        a = asdict(view)
        effect = None
        credit_after = None
        successor = None
        if a["question"] is not None and after is not None:
            q2, r2 = after.questionnaire, after.result
            effect = action_effect(a["question"], q1, r1, q2, r2)
            successor = successor_of(a["question"], q1, q2)
            outcome = r2.question(successor) if successor else None
            credit_after = outcome.credit if outcome is not None and outcome.included else None
        outcome1 = r1.question(a["question"]) if a["question"] else None
        actions.append({
            **a,
            "effect": effect,
            "flagged": effect is not None and is_flagged(a["status"], effect),
            "credit_before": outcome1.credit if outcome1 is not None and outcome1.included else None,
            "credit_after": credit_after,
            "successor": successor,
        })
    areas = []
    if after is not None:
        areas = [f.to_dict() for f in area_follow_up(q1, r1, after.questionnaire, after.result)]
    else:
        areas = [{"area": x.id, "level_before": x.level, "level_after": None, "percent_before": x.percent,
                  "percent_after": None, "comparable_share": None} for x in r1.areas]
    return {
        "plan": {k: v for k, v in asdict(plan).items() if k != "actions"},
        "before": before.describe(),
        "after": after.describe() if after is not None else None,
        "actions": actions,
        "areas": areas,
        "counts": tally(actions),
    }


def tally(actions: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Counts by status, by effect (None as "not_measured"), status × effect, flagged."""
    statuses = {s: 0 for s in ACTION_STATUSES}
    effects = {e: 0 for e in ("met", "improved", "unchanged", "worse", "not_comparable", "not_measured")}
    matrix = {s: dict.fromkeys(effects, 0) for s in ACTION_STATUSES}
    flagged = 0
    total = 0
    for a in actions:
        total += 1
        e = a.get("effect") or "not_measured"
        statuses[a["status"]] = statuses.get(a["status"], 0) + 1
        effects[e] += 1
        matrix.setdefault(a["status"], dict.fromkeys(effects, 0))[e] += 1
        flagged += bool(a.get("flagged"))
    return {"actions": total, "status": statuses, "effect": effects, "matrix": matrix, "flagged": flagged}


async def _later_round_ids(round_id: int) -> list[int]:
    """Later rounds of the same questionnaire family (same or newer version, created
    after `round_id`), newest first."""
    row = await Round.select(Round.id, Round.questionnaire.family.as_alias("family"),
                             Round.questionnaire.version.as_alias("version")).where(Round.id == round_id).first()
    if row is None:
        raise NotFound(Text(f"Omgång {round_id} finns inte", f"round {round_id} not found"))
    rows = await Round.select(Round.id, Round.questionnaire.version.as_alias("version")).where(
        (Round.questionnaire.family == row["family"]) & (Round.id > round_id))

    def key(r):
        year, number = r["version"].split(".")
        return (int(year), int(number)), r["id"]

    mine = key(row)[0]
    return [r["id"] for r in sorted((r for r in rows if key(r)[0] >= mine), key=key, reverse=True)]


async def _follow_up_round(plan: PlanView, later_round_id: int | None) -> int | None:
    """The round to follow the plan up with: the one asked for (checked), else the
    latest later round where the unit (for the city: any unit) has submitted."""
    later = await _later_round_ids(plan.round_id)
    if later_round_id is not None:
        if later_round_id not in later:
            await _round_version(later_round_id)  # 404 for an unknown round
            raise Invalid(Text(f"Omgång {later_round_id} är ingen senare omgång av samma enkät som omgång " f"{plan.round_id}", f"round {later_round_id} is not a later round of the same " f"questionnaire as round {plan.round_id}"),
                          [{"field": "round_id", "message": "not a later round"}])
        return later_round_id
    if not later:
        return None
    where = (Response.round.is_in(later)) & (Response.status == "submitted")
    if plan.unit is not None:
        where = where & (Response.unit.code == plan.unit)
    have = {r["round"] for r in await Response.select(Response.round).where(where)}
    return next((rid for rid in later if rid in have), None)


async def _follow_up(plan: PlanView, later_round_id: int | None, cache: dict[int, Any]) -> dict[str, Any]:
    method = plan.method or "weakest"
    before = await load_source(plan.round_id, plan.unit, method, cache)
    rid = await _follow_up_round(plan, later_round_id)
    after = None
    if rid is not None:
        try:
            after = await load_source(rid, plan.unit, method, cache)
        except Invalid:
            if later_round_id is not None:
                raise
    return compute_follow_up(plan, before, after)


async def follow_up(actor: Principal, plan_id: int, later_round_id: int | None = None) -> dict[str, Any]:
    """The plan followed up with a later round (default: the latest later round in
    which the unit has a submitted response). `after` is None while there is none."""
    plan = await get_plan(actor, plan_id)
    return await _follow_up(plan, later_round_id, {})


async def follow_up_summary(actor: Principal, round_id: int, later_round_id: int | None = None) -> dict[str, Any]:
    """"Which measures were taken and what effect did they have": the latest plan of
    each förvaltning (and the city plan) made from `round_id`, followed up, with counts
    per förvaltning and in total. Only the plans `actor` may read are included."""
    await _round_version(round_id)
    rows = await Plan.select(Plan.id, Plan.unit.code.as_alias("unit_code")).where(
        Plan.round == round_id).order_by(Plan.id, ascending=False)
    latest: dict[str | None, int] = {}
    for r in rows:
        if decide(actor, Action.PLAN_READ, r["unit_code"]):
            latest.setdefault(r["unit_code"], r["id"])
    cache: dict[int, Any] = {}
    units = []
    city = None
    for code, plan_id in latest.items():
        plan, _ = await _load(plan_id)
        fu = await _follow_up(plan, later_round_id, cache)
        if code is None:
            city = fu
        else:
            units.append(fu)
    units.sort(key=lambda f: (f["plan"]["unit_name"] or "", f["plan"]["unit"] or ""))
    total = tally(a for f in units for a in f["actions"])
    data = await _round_version(round_id)
    return {
        "round_id": round_id,
        "round_name": data["name"],
        "later_round_id": later_round_id,
        "units": units,
        "city": city,
        "total": total,
    }
