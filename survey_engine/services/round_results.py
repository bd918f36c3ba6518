"""The one read path for a round's results: the round, its questionnaire version, its
units, each unit's answers and notes, and the score of each response, read from the
database once (five queries, whatever the round's size) into the report model
(`reporting.model`). Pages, reports, exports and plans all read results through here,
so they agree on which units count and on their levels.

- a *submitted* response is reported with the score snapshot stored at submission
  (when that snapshot belongs to the round's questionnaire version);
- a draft or reopened response (or a submitted one whose snapshot is missing) is
  scored now, by the same engine, on its current answers.
- each response says whether an approver signed it off as it stands (`approved`), and
  a round read with `approved_only` counts only those in the city figures
  (docs/sign-off.md): the one place where that filter is made.
The previous round of the same questionnaire family (for trends) is read the same way.
"""
from __future__ import annotations

from typing import Any

from survey_engine.errors import Invalid, NotFound
from survey_engine.reporting.city_report import city_rollups
from survey_engine.reporting.common import city_medians
from survey_engine.reporting.model import (
    SOURCE_LIVE,
    SOURCE_SNAPSHOT,
    STATUS_NOT_STARTED,
    STATUS_SUBMITTED,
    ReportData,
    RoundData,
    UnitEntry,
    result_from_dict,
)
from survey_engine.scoring import score_response
from survey_engine.services import signoff
from survey_engine.services.access import Action, Principal, check
from survey_engine.services import provided
from survey_engine.services.common import load, load_value
from survey_engine.services.questionnaires import questionnaire_by_id
from survey_engine.settings import min_group_size
from survey_engine.store.tables import Answer, Response, Round, RoundUnit, ScoreSnapshot
from survey_engine.text import Text


async def _round_row(round_id: int) -> dict[str, Any]:
    row = await Round.select(
        Round.id, Round.name, Round.status, Round.opens_on, Round.closes_on, Round.questionnaire,
    ).where(Round.id == round_id).first()
    if row is None:
        raise NotFound(Text(f"Omgång {round_id} finns inte", f"round {round_id} not found"))
    return row


async def load_round(round_id: int, *, with_notes: bool = True, approved_only: bool = False) -> RoundData:
    """Everything about one round a report needs (five queries, whatever its size).
    Each unit says whether its response is approved as it stands (sign-off,
    docs/sign-off.md); with `approved_only` the city figures count only those
    (`RoundData.scored_units`)."""
    row = await _round_row(round_id)
    q = await questionnaire_by_id(row["questionnaire"])
    participants = await RoundUnit.select(
        RoundUnit.unit.as_alias("unit_id"), RoundUnit.unit.code.as_alias("code"),
        RoundUnit.unit.name.as_alias("name"), RoundUnit.unit.weight.as_alias("weight"),
    ).where(RoundUnit.round == round_id).order_by(RoundUnit.id)
    responses = {
        r["unit"]: r for r in await Response.select(
            Response.id, Response.unit, Response.status, Response.revision, Response.submitted_at,
            Response.updated_at,
        ).where(Response.round == round_id)
    }
    response_ids = [r["id"] for r in responses.values()]
    approved = await signoff.approved_response_ids(responses.values()) if response_ids else set()
    answers: dict[int, dict[str, dict[str, Any]]] = {rid: {} for rid in response_ids}
    snapshots: dict[int, dict[str, Any]] = {}
    if response_ids:
        columns = [Answer.response, Answer.question_id, Answer.value]
        if with_notes:
            columns += [Answer.comment, Answer.evidence]
        for a in await Answer.select(*columns).where(Answer.response.is_in(response_ids)):
            answers[a["response"]][a["question_id"]] = a
        for s in await ScoreSnapshot.select(
            ScoreSnapshot.id, ScoreSnapshot.response, ScoreSnapshot.revision,
            ScoreSnapshot.engine_version, ScoreSnapshot.questionnaire_hash, ScoreSnapshot.result,
        ).where(ScoreSnapshot.response.is_in(response_ids)).order_by(ScoreSnapshot.id):
            snapshots[s["response"]] = s  # the latest one wins (ordered by id)

    order = {question.id: i for i, question in enumerate(q.questions())}
    sources = await provided.sources_for_round(round_id, q)  # where shared answers came from
    units = []
    for p in participants:
        resp = responses.get(p["unit_id"])
        if resp is None:
            units.append(UnitEntry(p["code"], p["name"], float(p["weight"]), STATUS_NOT_STARTED))
            continue
        rows = sorted(answers[resp["id"]].values(), key=lambda a: order.get(a["question_id"], 1 << 30))
        values = {a["question_id"]: load_value(a["value"]) for a in rows if a["value"] is not None}
        comments = {a["question_id"]: a["comment"] for a in rows if with_notes and a.get("comment")}
        evidence = {a["question_id"]: a["evidence"] for a in rows if with_notes and a.get("evidence")}
        snap = snapshots.get(resp["id"])
        result, source, revision, engine = None, SOURCE_LIVE, None, None
        if resp["status"] == STATUS_SUBMITTED and snap is not None and snap["questionnaire_hash"] == q.hash:
            try:
                result = result_from_dict(load(snap["result"]))
            except (KeyError, TypeError, ValueError):
                result = None  # a snapshot in a shape this version cannot read: score anew
            else:
                source, revision, engine = SOURCE_SNAPSHOT, snap["revision"], snap["engine_version"]
        if result is None:
            result = score_response(q, values)
        units.append(UnitEntry(
            code=p["code"], name=p["name"], weight=float(p["weight"]), status=resp["status"],
            result=result, source=source, snapshot_revision=revision, snapshot_engine=engine,
            answers=values, comments=comments, evidence=evidence,
            submitted_at=resp["submitted_at"], updated_at=resp["updated_at"],
            response_id=resp["id"], revision=resp["revision"], sources=sources.get(p["code"], {}),
            approved=resp["id"] in approved,
        ))
    return RoundData(
        id=row["id"], name=row["name"], status=row["status"], opens_on=row["opens_on"],
        closes_on=row["closes_on"], questionnaire=q, units=tuple(units), approved_only=approved_only,
    )


async def compare_units(round_id: int, *, actor: Principal, approved_only: bool = False) -> RoundData:
    """`load_round` (without notes) for a person who compares units: needs overview.read."""
    check(actor, Action.OVERVIEW_READ)
    return await load_round(round_id, with_notes=False, approved_only=approved_only)


async def previous_round_id(round_id: int) -> int | None:
    """The latest earlier round of the same questionnaire family: on the same or an
    older version, created before this one. None when there is none."""
    row = await Round.select(
        Round.id, Round.questionnaire.family.as_alias("family"),
        Round.questionnaire.version.as_alias("version"),
    ).where(Round.id == round_id).first()
    if row is None:
        raise NotFound(Text(f"Omgång {round_id} finns inte", f"round {round_id} not found"))
    rows = await Round.select(
        Round.id, Round.questionnaire.version.as_alias("version"),
    ).where((Round.questionnaire.family == row["family"]) & (Round.id != round_id))

    def key(r: dict[str, Any]) -> tuple[tuple[int, int], int]:
        year, number = r["version"].split(".")
        return (int(year), int(number)), r["id"]

    mine = key(row)
    earlier = [r for r in rows if key(r)[0] <= mine[0] and r["id"] < round_id]
    return max(earlier, key=key)["id"] if earlier else None


async def load_report_data(
    round_id: int,
    *,
    previous: int | None | bool = True,
    with_notes: bool = True,
    approved_only: bool = False,
) -> ReportData:
    """The round and (with `previous=True`) the previous round of its family, or the
    round with id `previous`, or none (`previous=False`/None). `approved_only` holds for
    both rounds, so a trend compares like with like."""
    current = await load_round(round_id, with_notes=with_notes, approved_only=approved_only)
    prev_id: int | None
    if previous is True:
        prev_id = await previous_round_id(round_id)
    elif previous is False or previous is None:
        prev_id = None
    else:
        prev_id = int(previous)
        if prev_id == round_id:
            raise Invalid(Text("En omgång kan inte jämföras med sig själv", "a round cannot be compared with itself"))
    prev = await load_round(prev_id, with_notes=False, approved_only=approved_only) if prev_id is not None else None
    if prev is not None and prev.questionnaire.id != current.questionnaire.id:
        raise Invalid(
            Text(f"Omgång {prev.id} gäller en annan enkät ({prev.questionnaire.id})", f"round {prev.id} is on " f"another questionnaire ({prev.questionnaire.id}) than round {current.id}"))
    return ReportData(current=current, previous=prev)


async def find_round_id(ref: str | int) -> int:
    """A round by id, or by its exact name (must be unique)."""
    text = str(ref).strip()
    if text.isdigit():
        await _round_row(int(text))
        return int(text)
    rows = await Round.select(Round.id).where(Round.name == text)
    if not rows:
        raise NotFound(Text(f"Omgången {text!r} finns inte; ange id eller exakt namn (survey-engine round list)", f"round {text!r} not found: give its id or exact name (survey-engine round list)"))
    if len(rows) > 1:
        raise Invalid(Text(f"Flera omgångar heter {text!r}; ange id", f"several rounds are named {text!r}: give the id"))
    return rows[0]["id"]


def city_result(data: RoundData, method: str = "mean") -> dict[str, Any] | None:
    """The city's combined result of a round, as the city report computes it: the
    engine's roll-up (`method`, unit weights) over the submitted responses only. None
    when no unit has submitted (there is nothing to combine)."""
    scored = data.scored_units(include_drafts=False)
    if not scored:
        return None
    return city_rollups(data, scored)[method].to_dict()


def unit_beside_city(data: RoundData, code: str) -> dict[str, Any]:
    """One unit beside the city, as its unit report shows it (the förvaltning page):
    whether the city figures of this read count the unit (`counted`; with
    `approved_only` only approved responses count, docs/sign-off.md), how many units
    they count, and per area the city median level and percent over those units,
    withheld unless at least MIN_GROUP_SIZE other units contribute (docs/security.md,
    "Small groups"), as in the unit report."""
    scored = data.scored_units()
    return {
        "counted": any(u.code == code for u in scored),
        "units": len(scored),
        "medians": city_medians(data.questionnaire, scored, viewer=code, min_group_size=min_group_size()),
    }
