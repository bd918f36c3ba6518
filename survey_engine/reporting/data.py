"""What a report needs, read from the database once, as plain frozen dataclasses.

This is the only module of `reporting` that touches the database. It reads a round,
its questionnaire version, its units, each unit's answers and notes, and the score of
each response:
- a *submitted* response is reported with the score snapshot stored at submission
  (when that snapshot belongs to the round's questionnaire version);
- a draft or reopened response (or a submitted one whose snapshot is missing) is
  scored now, by the same engine, on its current answers.
`UnitEntry.source` says which, and the reports print it. The previous round of the
same questionnaire family (for trends) is read the same way.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

from survey_engine.questionnaire.model import Questionnaire
from survey_engine.scoring import (
    ENGINE_VERSION,
    AreaScore,
    OverallScore,
    QuestionnaireRef,
    QuestionScore,
    ScoreResult,
    score_response,
)
from survey_engine.services.common import load, load_value
from survey_engine.services.errors import Invalid, NotFound
from survey_engine.services.questionnaires import questionnaire_by_id
from survey_engine.store.tables import Answer, Response, Round, RoundUnit, ScoreSnapshot

SOURCE_SNAPSHOT = "snapshot"  # the scores stored when the response was submitted
SOURCE_LIVE = "live"  # scored now on the current answers (drafts)

STATUS_SUBMITTED = "submitted"
STATUS_NOT_STARTED = "not_started"


@dataclass(frozen=True)
class UnitEntry:
    """One unit taking part in a round, with its response (if any) and scores."""

    code: str
    name: str
    weight: float
    status: str  # submitted | draft | reopened | not_started
    result: ScoreResult | None = None
    source: str | None = None  # SOURCE_SNAPSHOT | SOURCE_LIVE | None (no response)
    snapshot_revision: int | None = None
    snapshot_engine: str | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)
    comments: Mapping[str, str] = field(default_factory=dict)
    evidence: Mapping[str, str] = field(default_factory=dict)
    submitted_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    @property
    def submitted(self) -> bool:
        return self.status == STATUS_SUBMITTED

    @property
    def started(self) -> bool:
        return self.status != STATUS_NOT_STARTED


@dataclass(frozen=True)
class RoundData:
    """A round, the questionnaire version it runs on and every participating unit
    (in the order they were added to the round)."""

    id: int
    name: str
    status: str
    opens_on: dt.date | None
    closes_on: dt.date | None
    questionnaire: Questionnaire
    units: tuple[UnitEntry, ...]

    def unit(self, code: str) -> UnitEntry | None:
        for entry in self.units:
            if entry.code == code:
                return entry
        return None

    def scored_units(self, include_drafts: bool = False) -> tuple[UnitEntry, ...]:
        """The units whose results the city figures use: submitted responses, plus
        drafts when `include_drafts`."""
        return tuple(
            u for u in self.units
            if u.result is not None and (u.submitted or include_drafts)
        )


@dataclass(frozen=True)
class ReportData:
    """A round and, when there is one, the previous round of the same family."""

    current: RoundData
    previous: RoundData | None
    engine_version: str = ENGINE_VERSION


def result_from_dict(data: Mapping[str, Any]) -> ScoreResult:
    """A `ScoreResult` back from its JSON object (`ScoreResult.to_dict()`), as stored in
    a score snapshot. Nothing is recomputed."""
    q = data["questionnaire"]
    o = data["overall"]
    return ScoreResult(
        questionnaire=QuestionnaireRef(q["id"], q["version"], q["hash"]),
        overall=OverallScore(o["level"], o["percent"], o["completeness"], o["unknown_count"]),
        areas=tuple(
            AreaScore(a["id"], a["assessed"], a["level"], a["percent"], a["target_level"],
                      a["gap"], a["next_level_progress"])
            for a in data["areas"]
        ),
        questions=tuple(
            QuestionScore(x["id"], x["area"], x["status"], x["included"], x["credit"],
                          x["met"], x["unknown"])
            for x in data["questions"]
        ),
    )


async def _round_row(round_id: int) -> dict[str, Any]:
    row = await Round.select(
        Round.id, Round.name, Round.status, Round.opens_on, Round.closes_on, Round.questionnaire,
    ).where(Round.id == round_id).first()
    if row is None:
        raise NotFound(f"Omgång {round_id} finns inte / round {round_id} not found")
    return row


async def load_round(round_id: int, *, with_notes: bool = True) -> RoundData:
    """Everything about one round a report needs (four queries, whatever its size)."""
    row = await _round_row(round_id)
    q = await questionnaire_by_id(row["questionnaire"])
    participants = await RoundUnit.select(
        RoundUnit.unit.as_alias("unit_id"), RoundUnit.unit.code.as_alias("code"),
        RoundUnit.unit.name.as_alias("name"), RoundUnit.unit.weight.as_alias("weight"),
    ).where(RoundUnit.round == round_id).order_by(RoundUnit.id)
    responses = {
        r["unit"]: r for r in await Response.select(
            Response.id, Response.unit, Response.status, Response.submitted_at, Response.updated_at,
        ).where(Response.round == round_id)
    }
    response_ids = [r["id"] for r in responses.values()]
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
        ))
    return RoundData(
        id=row["id"], name=row["name"], status=row["status"], opens_on=row["opens_on"],
        closes_on=row["closes_on"], questionnaire=q, units=tuple(units),
    )


async def previous_round_id(round_id: int) -> int | None:
    """The latest earlier round of the same questionnaire family: on the same or an
    older version, created before this one. None when there is none."""
    row = await Round.select(
        Round.id, Round.questionnaire.family.as_alias("family"),
        Round.questionnaire.version.as_alias("version"),
    ).where(Round.id == round_id).first()
    if row is None:
        raise NotFound(f"Omgång {round_id} finns inte / round {round_id} not found")
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
) -> ReportData:
    """The round and (with `previous=True`) the previous round of its family, or the
    round with id `previous`, or none (`previous=False`/None)."""
    current = await load_round(round_id, with_notes=with_notes)
    prev_id: int | None
    if previous is True:
        prev_id = await previous_round_id(round_id)
    elif previous is False or previous is None:
        prev_id = None
    else:
        prev_id = int(previous)
        if prev_id == round_id:
            raise Invalid("En omgång kan inte jämföras med sig själv / a round cannot be compared with itself")
    prev = await load_round(prev_id, with_notes=False) if prev_id is not None else None
    if prev is not None and prev.questionnaire.id != current.questionnaire.id:
        raise Invalid(
            f"Omgång {prev.id} gäller en annan enkät ({prev.questionnaire.id}) / round {prev.id} is on "
            f"another questionnaire ({prev.questionnaire.id}) than round {current.id}")
    return ReportData(current=current, previous=prev)


async def find_round_id(ref: str | int) -> int:
    """A round by id, or by its exact name (must be unique)."""
    text = str(ref).strip()
    if text.isdigit():
        await _round_row(int(text))
        return int(text)
    rows = await Round.select(Round.id).where(Round.name == text)
    if not rows:
        raise NotFound(f"Omgången {text!r} finns inte; ange id eller exakt namn (survey-engine round list) / "
                       f"round {text!r} not found: give its id or exact name (survey-engine round list)")
    if len(rows) > 1:
        raise Invalid(f"Flera omgångar heter {text!r}; ange id / several rounds are named {text!r}: give the id")
    return rows[0]["id"]
