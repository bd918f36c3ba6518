"""Survey rounds: create on a published version, open, close (which locks responses)."""
from __future__ import annotations

from survey_engine import plaintext

import datetime as dt
from typing import Any

from survey_engine.services import audit, provider_links
from survey_engine.services.access import Action, Principal, actor_name, check
from survey_engine.services.common import page_args
from survey_engine import clock
from survey_engine.errors import Conflict, Invalid, NotFound
from survey_engine.store.db import write_transaction
from survey_engine.store.tables import QuestionnaireVersion, Response, Round, RoundUnit, Unit
from survey_engine.text import Text
from survey_engine.services.views import CloseSummary, CloseUnit, QuestionnaireIdentity, RoundView

ROUND_STATUSES = ("draft", "open", "closed")
STATUS_SV = {"draft": "ett utkast", "open": "öppen", "closed": "stängd"}

_ROUND_COLUMNS = (
    Round.id, Round.name, Round.status, Round.opens_on, Round.closes_on, Round.created_at,
    Round.opened_at, Round.closed_at, Round.created_by, Round.questionnaire,
    Round.questionnaire.family.as_alias("q_family"), Round.questionnaire.version.as_alias("q_version"),
    Round.questionnaire.content_hash.as_alias("q_hash"),
)


async def _unit_codes(round_ids: list[int]) -> dict[int, list[str]]:
    if not round_ids:
        return {}
    rows = await RoundUnit.select(RoundUnit.round, RoundUnit.unit.code.as_alias("code")).where(
        RoundUnit.round.is_in(round_ids)).order_by(RoundUnit.id)
    out: dict[int, list[str]] = {i: [] for i in round_ids}
    for r in rows:
        out[r["round"]].append(r["code"])
    return out


def _round_view(row: dict[str, Any], units: list[str]) -> RoundView:
    return RoundView(
        id=row["id"],
        name=row["name"],
        questionnaire=QuestionnaireIdentity(id=row["q_family"], version=row["q_version"], hash=row["q_hash"]),
        questionnaire_version_id=row["questionnaire"],
        status=row["status"],
        opens_on=row["opens_on"],
        closes_on=row["closes_on"],
        created_at=row["created_at"],
        opened_at=row["opened_at"],
        closed_at=row["closed_at"],
        units=units,
    )


async def round_row(round_id: int) -> dict[str, Any]:
    row = await Round.select(*_ROUND_COLUMNS).where(Round.id == round_id).first()
    if row is None:
        raise NotFound(Text(f"Omgång {round_id} finns inte", f"round {round_id} not found"))
    return row


async def get_round(round_id: int) -> RoundView:
    row = await round_row(round_id)
    return _round_view(row, (await _unit_codes([round_id]))[round_id])


async def list_rounds(status: str | None = None, limit: int = 50, offset: int = 0) -> tuple[list[RoundView], int]:
    limit, offset = page_args(limit, offset)
    query = Round.select(*_ROUND_COLUMNS)
    count = Round.count()
    if status:
        if status not in ROUND_STATUSES:
            raise Invalid(Text(f"okänd status {status}", f"unknown status {status}"), [{"field": "status", "message": "draft|open|closed"}])
        query, count = query.where(Round.status == status), count.where(Round.status == status)
    rows = await query.order_by(Round.id).limit(limit).offset(offset)
    codes = await _unit_codes([r["id"] for r in rows])
    return [_round_view(r, codes[r["id"]]) for r in rows], await count


async def create_round(
    name: str,
    family: str,
    version: str,
    units: list[str] | None = None,
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
    *,
    actor: Principal,
) -> RoundView:
    """A draft round on a published version; `units` None means every unit there is."""
    check(actor, Action.ROUND_MANAGE)
    errors = []
    if not (name or "").strip() or len(name) > 300:
        errors.append({"field": "name", "message": "namn 1–300 tecken / name of 1-300 characters"})
    elif plaintext.control_character(name):
        errors.append({"field": "name", "message": plaintext.message(plaintext.control_character(name))})
    if opens_on and closes_on and closes_on < opens_on:
        errors.append({"field": "closes_on", "message": "stängs före öppning / closes before it opens"})
    if errors:
        raise Invalid(Text("Omgången är ogiltig", "the round is invalid"), errors)
    async with write_transaction():
        qv = await QuestionnaireVersion.select(QuestionnaireVersion.id).where(
            QuestionnaireVersion.key == f"{family}@{version}").first()
        if qv is None:
            raise NotFound(Text(f"Enkätversionen {family} {version} är inte publicerad", f"questionnaire version " f"{family} {version} is not published"),
                           [{"field": "questionnaire", "message": "publish it first"}])
        all_units = {r["code"]: r["id"] for r in await Unit.select(Unit.id, Unit.code).order_by(Unit.id)}
        codes = list(all_units) if units is None else list(dict.fromkeys(units))
        unknown = [c for c in codes if c not in all_units]
        if unknown:
            raise Invalid(Text("Okända enheter", "unknown units"),
                          [{"field": "units", "message": f"enheten {c} finns inte / unit {c} not found"} for c in unknown])
        if not codes:
            raise Invalid(Text("Omgången behöver minst en enhet", "the round needs at least one unit"),
                          [{"field": "units", "message": "empty"}])
        rows = await Round.insert(Round(
            name=name.strip(), questionnaire=qv["id"], status="draft", opens_on=opens_on,
            closes_on=closes_on, created_at=clock.now(), created_by=actor_name(actor),
        )).returning(Round.id)
        round_id = rows[0]["id"]
        await RoundUnit.insert(*[
            RoundUnit(key=f"{round_id}:{all_units[c]}", round=round_id, unit=all_units[c]) for c in codes
        ])
        await audit.record(actor, "round.create", "round", round_id,
                           details={"name": name.strip(), "questionnaire": f"{family}@{version}", "units": codes})
        # the next round keeps the providers of shared answers (docs/shared-answers.md)
        previous = await provider_links.previous_round_of(round_id)
        if previous is not None:
            await provider_links.copy_links(previous, round_id, actor=actor)
    return await get_round(round_id)


async def _transition(round_id: int, allowed_from: tuple[str, ...], to: str, stamp, actor: Principal,
                      event: str) -> RoundView:
    check(actor, Action.ROUND_MANAGE)
    async with write_transaction():
        row = await Round.select(Round.id, Round.status).where(Round.id == round_id).first()
        if row is None:
            raise NotFound(Text(f"Omgång {round_id} finns inte", f"round {round_id} not found"))
        if row["status"] == to:
            pass  # idempotent: opening an open round changes nothing
        elif row["status"] not in allowed_from:
            raise Conflict(
                Text(f"Omgången är {STATUS_SV[row['status']]} och kan inte bli {STATUS_SV[to]}", f"the round is {row['status']} " f"and cannot become {to}"),
                [{"field": "status", "message": f"allowed from: {', '.join(allowed_from)}"}],
            )
        else:
            await Round.update({Round.status: to, stamp: clock.now()}).where(Round.id == round_id)
            await audit.record(actor, event, "round", round_id, details={"from": row["status"], "to": to})
    return await get_round(round_id)


async def open_round(round_id: int, *, actor: Principal) -> RoundView:
    return await _transition(round_id, ("draft",), "open", Round.opened_at, actor, "round.open")


async def close_round(round_id: int, *, actor: Principal) -> RoundView:
    """Close the round: every response is locked from now on."""
    return await _transition(round_id, ("open", "draft"), "closed", Round.closed_at, actor, "round.close")


async def close_summary(round_id: int, *, actor: Principal) -> CloseSummary:
    """What closing would leave behind (docs/web-pages.md, "Closing a round"): the
    units that have submitted, those with a draft (locked unsubmitted on closing), and
    those that have not started."""
    check(actor, Action.ROUND_MANAGE)
    rnd = await get_round(round_id)
    units = await RoundUnit.select(
        RoundUnit.unit.as_alias("unit_id"), RoundUnit.unit.code.as_alias("code"),
        RoundUnit.unit.name.as_alias("name"),
    ).where(RoundUnit.round == round_id).order_by(RoundUnit.unit.name)
    status = {r["unit"]: r for r in await Response.select(
        Response.unit, Response.status, Response.updated_at).where(Response.round == round_id)}
    submitted, drafts, not_started = [], [], []
    for u in units:
        resp = status.get(u["unit_id"])
        item = CloseUnit(code=u["code"], name=u["name"], updated_at=resp["updated_at"] if resp else None)
        if resp is None:
            not_started.append(item)
        elif resp["status"] == "submitted":
            submitted.append(item)
        else:
            drafts.append(item)
    return CloseSummary(round=rnd, participating=len(units), submitted=submitted, drafts=drafts,
                        not_started=not_started)


async def reopen_round(round_id: int, *, actor: Principal) -> RoundView:
    """Open a closed round again (its responses can be changed and submitted again).
    Audited as round.reopen; an open round stays as it is."""
    return await _transition(round_id, ("closed",), "open", Round.opened_at, actor, "round.reopen")


async def extend_deadline(round_id: int, closes_on: dt.date, *, actor: Principal) -> RoundView:
    """Move the round's last day (closes_on). Not before it opens, not in the past; a
    closed round must be reopened first. Audited as round.deadline with old and new day."""
    check(actor, Action.ROUND_MANAGE)
    if not isinstance(closes_on, dt.date):
        raise Invalid(Text("Ange ett datum", "give a date"), [{"field": "closes_on", "message": "ÅÅÅÅ-MM-DD / YYYY-MM-DD"}])
    today = clock.now().date()
    async with write_transaction():
        row = await Round.select(Round.id, Round.status, Round.opens_on, Round.closes_on).where(
            Round.id == round_id).first()
        if row is None:
            raise NotFound(Text(f"Omgång {round_id} finns inte", f"round {round_id} not found"))
        if row["status"] == "closed":
            raise Conflict(Text("Omgången är stängd; öppna den igen innan du ändrar sista dag",
                                "the round is closed: reopen it before changing its deadline"),
                           [{"field": "status", "message": "stängd / closed"}])
        errors = []
        if closes_on < today:
            errors.append({"field": "closes_on", "message": f"dagen har redan varit ({today}) / the day has passed"})
        if row["opens_on"] and closes_on < row["opens_on"]:
            errors.append({"field": "closes_on",
                           "message": f"före öppningsdagen {row['opens_on']} / before the round opens"})
        if errors:
            raise Invalid(Text("Sista dagen är ogiltig", "the deadline is invalid"), errors)
        if row["closes_on"] != closes_on:
            await Round.update({Round.closes_on: closes_on}).where(Round.id == round_id)
            await audit.record(actor, "round.deadline", "round", round_id,
                               details={"from": row["closes_on"], "to": closes_on})
    return await get_round(round_id)
