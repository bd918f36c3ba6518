"""Responses: start (optionally pre-filled from the unit's previous round), save answers
in batches with optimistic concurrency, submit with a score snapshot, reopen, history,
live scores, and import/export in the answers-file format.

Nothing a respondent saved is ever overwritten silently: every save names the revision
it was based on, a stale revision is refused with the current state, and every change
is appended to the answer history with who and when.
"""
from __future__ import annotations

from survey_engine import plaintext

import json
import logging
from typing import Any, Mapping

from survey_engine.services import audit, indicators, provided
from survey_engine.questionnaire.errors import AnswersError
from survey_engine.questionnaire.model import Questionnaire
from survey_engine.services.common import dump, load_value, page_args
from survey_engine import clock
from survey_engine.store.db import is_unique_violation
from survey_engine.errors import (
    Conflict, Invalid, Locked, NotFound, problems_to_errors,
)
from survey_engine.services.access import Action, Principal, actor_name, check_unit, unit_filter
from survey_engine.services.questionnaires import family_versions, questionnaire_by_id, questionnaire_of
from survey_engine.store import sql
from survey_engine.store.db import write_transaction
from survey_engine.store.tables import AnswerHistory, Response, Round, RoundUnit, ScoreSnapshot, Unit
from survey_engine.services.views import AnswerChange, AnswerState, AnswersFile, LiveScores, ResponseState, Snapshot
from survey_engine.text import Text
from survey_engine.questionnaire.answers import check_answers
from survey_engine.questionnaire.continuity import continuity_map
from survey_engine.services.rounds import STATUS_SV
from survey_engine.scoring import ENGINE_VERSION, score_response
from survey_engine.questionnaire.answers import parse_answers_document

log = logging.getLogger(__name__)

MAX_NOTE = 4000
PREFILL_ACTOR = "prefill"
MEASURED_ACTOR = "indikator"  # history actor of a value taken from a measured indicator

# The response row with what every check needs (unit, round status, questionnaire
# version and its content hash), in one statement; on PostgreSQL a save locks the
# response row with it, so that saves of one response take turns (store/sql.py).
_RESPONSE_SQL = """
SELECT r.id, r.round, r.status, r.revision, r.started_at, r.updated_at, r.submitted_at,
       r.prefilled_from, r.started_by, u.code AS unit_code, u.name AS unit_name,
       s.status AS round_status, s.questionnaire AS questionnaire_version_id,
       v.content_hash AS questionnaire_hash
FROM response r JOIN unit u ON u.id = r.unit JOIN survey_round s ON s.id = r.round
JOIN questionnaire_version v ON v.id = s.questionnaire
WHERE r.id = {}"""
_ANSWERS_SQL = """
SELECT id, question_id, value, comment, evidence, updated_by, updated_at, revision
FROM answer WHERE response = {}"""


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


class _Stale(Exception):
    pass


# ---------------------------------------------------------------- reading

async def _response_row(response_id: int, lock: bool = False) -> dict[str, Any]:
    rows = await sql.fetch(_RESPONSE_SQL + (" FOR UPDATE OF r" if lock and sql.is_postgres() else ""), response_id)
    if not rows:
        raise NotFound(Text(f"Svar {response_id} finns inte", f"response {response_id} not found"))
    return rows[0]


def _by_question(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    for r in rows:
        r["value"] = load_value(r["value"])
    return {r["question_id"]: r for r in rows}


async def _answer_rows(response_id: int) -> dict[str, dict[str, Any]]:
    return _by_question(await sql.fetch(_ANSWERS_SQL, response_id))


async def _questionnaire(row: dict[str, Any]) -> Questionnaire:
    return await questionnaire_of(row["questionnaire_version_id"], row.get("questionnaire_hash"))


_ORDERS: dict[str, dict[str, int]] = {}


def _order(q: Questionnaire) -> dict[str, int]:
    """question id -> position in the file, per questionnaire content (kept per process)."""
    order = _ORDERS.get(q.hash)
    if order is None:
        order = _ORDERS[q.hash] = {qq.id: i for i, qq in enumerate(q.questions())}
    return order


def _state(row: dict[str, Any], answers: dict[str, dict[str, Any]], q: Questionnaire | None = None) -> ResponseState:
    order = _order(q) if q else {}
    items = sorted(answers.values(), key=lambda a: (order.get(a["question_id"], 1 << 30), a["question_id"]))
    return ResponseState(
        id=row["id"],
        round_id=row["round"],
        unit=row["unit_code"],
        unit_name=row["unit_name"],
        status=row["status"],
        revision=row["revision"],
        started_at=row["started_at"],
        updated_at=row["updated_at"],
        submitted_at=row["submitted_at"],
        prefilled_from=row["prefilled_from"],
        answers={
            a["question_id"]: AnswerState(
                value=a["value"], comment=a["comment"] or "", evidence=a["evidence"] or "",
                updated_by=a["updated_by"], updated_at=a["updated_at"], revision=a.get("revision") or 0,
            )
            for a in items
        },
    )


async def _get(response_id: int) -> ResponseState:
    row = await _response_row(response_id)
    q = await _questionnaire(row)
    return _state(row, await _answer_rows(response_id), q)


async def _authorized_row(response_id: int, actor: Principal, action: Action) -> dict[str, Any]:
    """The response's row, once the actor may do `action` on its unit (404 first for an
    unknown id, then 403 for a unit that is not the actor's)."""
    row = await _response_row(response_id)
    check_unit(actor, action, row["unit_code"])
    return row


async def get_response(response_id: int, *, actor: Principal) -> ResponseState:
    await _authorized_row(response_id, actor, Action.RESPONSE_READ)
    return await _get(response_id)


def values_of(state: ResponseState) -> dict[str, Any]:
    """{question id: value} of the answered questions of a response state."""
    return state.values()


async def find_response(round_id: int, unit_code: str, *, actor: Principal) -> ResponseState | None:
    check_unit(actor, Action.RESPONSE_READ, unit_code)
    row = await Response.select(Response.id).where(
        (Response.round == round_id) & (Response.unit.code == unit_code)).first()
    return None if row is None else await _get(row["id"])


async def list_responses(round_id: int, limit: int = 100, offset: int = 0, *,
                         actor: Principal) -> tuple[list[ResponseState], int]:
    """The round's responses that the actor may read (a respondent: their units only)."""
    limit, offset = page_args(limit, offset)
    if not await Round.exists().where(Round.id == round_id):
        raise NotFound(Text(f"Omgång {round_id} finns inte", f"round {round_id} not found"))
    where = Response.round == round_id
    visible = unit_filter(actor, Action.RESPONSE_READ)
    if visible is not None:
        if not visible:
            return [], 0
        where = where & Response.unit.code.is_in(visible)
    ids = await Response.select(Response.id).where(where).order_by(Response.id).limit(limit).offset(offset)
    total = await Response.count().where(where)
    return [await _get(r["id"]) for r in ids], total


# ---------------------------------------------------------------- checks

def _check_open(row: dict[str, Any]) -> None:
    if row["round_status"] == "closed":
        raise Locked(Text("Omgången är stängd; svaren är låsta", "the round is closed: its responses are locked"))
    if row["round_status"] != "open":
        raise Locked(Text("Omgången är inte öppnad än", "the round is not open yet"))


def _check_editable(row: dict[str, Any]) -> None:
    _check_open(row)
    if row["status"] == "submitted":
        raise Conflict(Text("Svaret är inskickat; öppna det igen för att ändra", "the response is submitted: " "reopen it to change answers"))


def validate_batch(q: Questionnaire, answers: Mapping[str, Any], comments: Mapping[str, Any],
                   evidence: Mapping[str, Any]) -> None:
    """Raise `Invalid` naming every offending question of a save batch."""

    errors: list[dict[str, Any]] = []
    for what, batch in (("answers", answers), ("comments", comments), ("evidence", evidence)):
        for qid in batch:
            if q.question(qid) is None:
                errors.append({"question": qid, "field": f"{what}.{qid}",
                               "message": f"okänd fråga i {q.id} {q.version} / unknown question"})
    for what, batch in (("comments", comments), ("evidence", evidence)):
        for qid, text in batch.items():
            if text is not None and not isinstance(text, str):
                errors.append({"question": qid, "field": f"{what}.{qid}", "message": "ska vara text / must be a string"})
            elif text and plaintext.control_character(text):
                errors.append({"question": qid, "field": f"{what}.{qid}",
                               "message": plaintext.message(plaintext.control_character(text))})
            elif text and len(text) > MAX_NOTE:
                errors.append({"question": qid, "field": f"{what}.{qid}",
                               "message": f"längre än {MAX_NOTE} tecken / longer than {MAX_NOTE} characters"})
    known = {k: v for k, v in answers.items() if q.question(k) is not None and v is not None}
    if known:
        errors.extend(problems_to_errors(check_answers(q, known, source="answers"), key="question"))
    if errors:
        raise Invalid(Text(f"{len(errors)} ogiltiga svar", f"{len(errors)} invalid answers"), errors)


# ---------------------------------------------------------------- saving

_ANSWER_UPSERT = (
    "INSERT INTO answer (key, response, question_id, value, comment, evidence, updated_by, updated_at, revision) "
    "VALUES {rows} ON CONFLICT (key) DO UPDATE SET value = excluded.value, comment = excluded.comment, "
    "evidence = excluded.evidence, updated_by = excluded.updated_by, updated_at = excluded.updated_at, "
    "revision = excluded.revision"
)
_HISTORY_INSERT = (
    "INSERT INTO answer_history (response, question_id, revision, old_value, new_value, old_comment, "
    "new_comment, old_evidence, new_evidence, actor, changed_at) VALUES {rows}"
)
_CHUNK = 500  # rows per statement: far below both databases' limit of bound parameters


def _row_statements(template: str, rows: list[tuple]) -> list[tuple[str, tuple]]:
    out = []
    for start in range(0, len(rows), _CHUNK):
        part = rows[start:start + _CHUNK]
        one = "(" + ", ".join(["{}"] * len(part[0])) + ")"
        out.append((template.replace("{rows}", ", ".join([one] * len(part))), tuple(v for row in part for v in row)))
    return out


def _change_statements(response_id: int, revision: int, existing: dict[str, dict[str, Any]],
                       changes: dict[str, tuple[Any, str, str]], actor: str, q: Questionnaire,
                       t: Any = None) -> tuple[list[tuple[str, tuple]], list[str]]:
    """The statements that apply {qid: (value, comment, evidence)} and append their
    history (one upsert and one insert per 500 rows), and the changed ids. `existing`
    is updated in place to the written state, so that the caller builds its reply
    without reading it back."""
    t = t or clock.now()
    order = _order(q)
    answer_rows: list[tuple] = []
    history_rows: list[tuple] = []
    changed: list[str] = []
    for qid in sorted(changes, key=lambda k: order.get(k, 1 << 30)):
        value, comment, evidence = changes[qid]
        old = existing.get(qid)
        old_value = old["value"] if old else None
        old_comment = (old["comment"] or "") if old else ""
        old_evidence = (old["evidence"] or "") if old else ""
        if _same(old_value, value) and old_comment == comment and old_evidence == evidence:
            continue
        answer_rows.append((f"{response_id}:{qid}", response_id, qid, dump(value), comment, evidence, actor, t,
                            revision))
        history_rows.append((response_id, qid, revision, dump(old_value), dump(value), old_comment, comment,
                             old_evidence, evidence, actor, t))
        existing[qid] = {"id": old["id"] if old else None, "question_id": qid, "value": value,
                         "comment": comment, "evidence": evidence, "updated_by": actor, "updated_at": t,
                         "revision": revision}
        changed.append(qid)
    return _row_statements(_ANSWER_UPSERT, answer_rows) + _row_statements(_HISTORY_INSERT, history_rows), changed


async def _write_changes(response_id: int, revision: int, existing: dict[str, dict[str, Any]],
                         changes: dict[str, tuple[Any, str, str]], actor: str, q: Questionnaire) -> list[str]:
    """Apply the changes now (see _change_statements). Returns the changed ids."""
    statements, changed = _change_statements(response_id, revision, existing, changes, actor, q)
    if statements:
        await sql.batch(statements)
    return changed


async def _bump(response_id: int, current: int, values: dict | None = None) -> int:
    """Move the revision from `current` to current+1, only if nobody else did first."""
    update = {Response.revision: current + 1, Response.updated_at: clock.now()}
    update.update(values or {})
    done = await Response.update(update).where(
        (Response.id == response_id) & (Response.revision == current)).returning(Response.id)
    if not done:
        raise _Stale()
    return current + 1


async def _stale_conflict(response_id: int, expected: int | None) -> Conflict:
    state = await _get(response_id)
    return Conflict(
        Text(f"Svaret har ändrats av någon annan (revision {state.revision}, du hade {expected}); " f"läs in det igen", f"the response changed meanwhile (revision {state.revision}, yours " f"{expected}): reload and save again"),
        [{"field": "revision", "message": f"current revision is {state.revision}"}],
        current=state,
    )


# ---------------------------------------------------------------- per-question merge
#
# A save names the revision its client last saw (docs/web-pages.md, "Saving answers"). It conflicts only
# on its own questions that someone else changed after that revision, and only where it
# really differs: a field the client sends unchanged from what it saw (the page sends
# the whole area) keeps the newer value; a field equal to the stored one is no change.

_FIELDS = ("value", "comment", "evidence")
_BASE_SQL = ("SELECT question_id, old_value, old_comment, old_evidence FROM answer_history "
             "WHERE response = {} AND revision > {} ORDER BY revision, id")


async def _seen_values(response_id: int, expected: int, qids: set[str]) -> dict[str, tuple[Any, str, str]]:
    """What the client saw of `qids` at revision `expected`: the old side of each
    question's first change after it (one query, only when a conflict is possible)."""
    seen: dict[str, tuple[Any, str, str]] = {}
    for r in await sql.fetch(_BASE_SQL, response_id, expected):
        qid = r["question_id"]
        if qid in qids and qid not in seen:
            seen[qid] = (load_value(r["old_value"]), r["old_comment"] or "", r["old_evidence"] or "")
    return seen


def _conflict_items(existing: dict[str, dict[str, Any]], qids: list[str]) -> list[dict[str, Any]]:
    return [{"question": qid, "value": existing[qid]["value"], "comment": existing[qid]["comment"] or "",
             "evidence": existing[qid]["evidence"] or "", "updated_by": existing[qid]["updated_by"],
             "updated_at": existing[qid]["updated_at"], "changed_in": existing[qid]["revision"]} for qid in qids]


async def _merge(response_id: int, expected: int | None, existing: dict[str, dict[str, Any]],
                 sent: dict[str, dict[str, Any]], whole: bool = False) -> tuple[dict[str, tuple[Any, str, str]], list[str]]:
    """(changes to write, conflicting question ids) for `sent` = {qid: {field: new}}.
    `whole`: the batch is the whole response (an answers file), so every difference
    from a newer value is a conflict, even where the file has what the client saw."""
    def current(qid: str) -> tuple[Any, str, str]:
        old = existing.get(qid)
        return (old["value"], old["comment"] or "", old["evidence"] or "") if old else (None, "", "")

    newer = set()
    if expected is not None:
        for qid, fields in sent.items():
            old = existing.get(qid)
            if old is not None and (old.get("revision") or 0) > expected:
                cur = current(qid)
                if any(not _same(new, cur[_FIELDS.index(f)]) for f, new in fields.items()):
                    newer.add(qid)
    seen = await _seen_values(response_id, expected, newer) if newer and not whole else {}
    changes: dict[str, tuple[Any, str, str]] = {}
    conflicts: list[str] = []
    for qid, fields in sent.items():
        cur = list(current(qid))
        clash = False
        for f, new in fields.items():
            i = _FIELDS.index(f)
            if qid in newer and not _same(new, cur[i]):
                if qid in seen and _same(new, seen[qid][i]):
                    continue  # the client did not touch it: keep the newer value
                clash = True
            cur[i] = new
        if clash:
            conflicts.append(qid)
        else:
            changes[qid] = (cur[0], cur[1], cur[2])
    return changes, conflicts


class _Conflicting(Exception):
    def __init__(self, qids: list[str], state: ResponseState, items: list[dict[str, Any]]):
        self.qids, self.state, self.items = qids, state, items


def _question_conflict(exc: _Conflicting, expected: int | None) -> Conflict:
    who = "; ".join(f"{i['question']}: {i['updated_by']}" for i in exc.items[:20])
    return Conflict(
        Text(f"{len(exc.qids)} av frågorna har ändrats av någon annan efter revision {expected} som du utgick "
             f"från ({who}); jämför och spara igen",
             f"{len(exc.qids)} of the questions changed after revision {expected}, which your copy is based on "
             f"({who}): compare and save again"),
        [{"question": qid, "field": f"answers.{qid}", "message": "ändrad av någon annan / changed by someone else"}
         for qid in exc.qids],
        current=exc.state,
        conflicts=exc.items,
    )


async def _save(response_id: int, expected: int | None, answers: Mapping[str, Any],
                comments: Mapping[str, Any], evidence: Mapping[str, Any], actor: Principal,
                replace: bool = False, audit_action: str = "response.write",
                overrides: Mapping[str, str] | None = None) -> ResponseState:
    """One transaction: the response row (locked on PostgreSQL), its answers, the
    upserts and history rows, the revision bump and the audit row; the reply is built
    from what was read and written, not read back. Shared answers (services/provided.py):
    a provided question is refused unless `overrides` names it with a reason, and a
    provider's changes flow to the responses it serves."""
    who = actor_name(actor)
    try:
        async with write_transaction():
            # one round trip: the response row (locked on PostgreSQL) and its answers
            found, answer_rows, link_rows, override_rows = await sql.batch([
                (_RESPONSE_SQL + (" FOR UPDATE OF r" if sql.is_postgres() else ""), (response_id,)),
                (_ANSWERS_SQL, (response_id,)),
                *provided.save_statements(response_id),  # shared answers, in the same round trip
            ])
            if not found:
                raise NotFound(Text(f"Svar {response_id} finns inte", f"response {response_id} not found"))
            row = found[0]
            check_unit(actor, Action.RESPONSE_WRITE, row["unit_code"])
            q = await _questionnaire(row)
            validate_batch(q, answers, comments, evidence)
            _check_editable(row)
            if expected is not None and expected > row["revision"]:
                raise _Stale()  # a revision this response never had
            existing = _by_question(answer_rows)
            links = provided.save_links(row["unit_code"], q, link_rows, override_rows, overrides)
            ids = set(answers) | set(comments) | set(evidence)
            if replace:
                ids |= {qid for qid, a in existing.items() if a["value"] is not None}
            if links:
                ids = links.keep_provided(ids, replace, answers)
            sent: dict[str, dict[str, Any]] = {}
            for qid in ids:
                fields: dict[str, Any] = {}
                if qid in answers or replace:
                    fields["value"] = answers.get(qid)
                if qid in comments:
                    fields["comment"] = comments.get(qid) or ""
                if qid in evidence:
                    fields["evidence"] = evidence.get(qid) or ""
                sent[qid] = fields
            changes, conflicts = await _merge(response_id, expected, existing, sent, whole=replace)
            if conflicts:
                order = _order(q)
                conflicts.sort(key=lambda k: order.get(k, 1 << 30))
                raise _Conflicting(conflicts, _state(row, existing, q), _conflict_items(existing, conflicts))
            if links:
                await links.before_write(response_id, existing, changes, who)
            revision = row["revision"] + 1
            t = clock.now()
            # one round trip: the revision bump, the answers, their history, the audit row
            statements, changed = _change_statements(response_id, revision, existing, changes, who, q, t)
            # the audit chain's head, read at the chain's turn (services/audit.py)
            head = (await sql.batch(audit.chain_head_statements(sql.is_postgres())))[-1]
            prev_hash = head[0]["hash"] if head else ""
            await sql.batch([
                ("UPDATE response SET revision = {}, updated_at = {} WHERE id = {}", (revision, t, response_id)),
                *statements,
                audit.insert_statement(actor, audit_action, "response", response_id, unit=row["unit_code"],
                                       details={"revision": revision, "questions": sorted(changes)[:500],
                                                "replace": replace}, prev_hash=prev_hash),
            ])
            if links:
                await links.after_write(response_id, actor)
    except _Stale:
        raise await _stale_conflict(response_id, expected) from None
    except _Conflicting as exc:
        raise _question_conflict(exc, expected) from None
    row["revision"], row["updated_at"] = revision, t
    return _state(row, existing, q)


async def save_answers(response_id: int, revision: int, answers: Mapping[str, Any] | None = None,
                       comments: Mapping[str, Any] | None = None, evidence: Mapping[str, Any] | None = None,
                       *, actor: Principal) -> ResponseState:
    """Save a batch based on `revision`; values `None` clear an answer.

    Raises Conflict (stale revision, with `current` state; or submitted), Locked (round
    not open), Invalid (the offending questions), NotFound."""
    if not isinstance(revision, int) or isinstance(revision, bool):
        raise Invalid(Text("revision saknas", "revision is required"), [{"field": "revision", "message": "an integer"}])
    return await _save(response_id, revision, answers or {}, comments or {}, evidence or {}, actor)


async def save_with_override(response_id: int, revision: int, answers: Mapping[str, Any],
                             comments: Mapping[str, Any], evidence: Mapping[str, Any],
                             overrides: Mapping[str, str], *, actor: Principal) -> ResponseState:
    """A save that answers provided questions with the unit's own answer, for the
    reasons in `overrides` (services/provided.py)."""
    return await _save(response_id, revision, answers, comments, evidence, actor,
                       audit_action="response.override", overrides=overrides)


# ---------------------------------------------------------------- start and pre-fill

async def _continuity(new_q: Questionnaire, old_q: Questionnaire) -> dict[str, list[str]]:
    """new question id -> old question ids it continues, across one or more versions."""

    mapping = {qq.id: [qq.id] for qq in new_q.questions()}
    if new_q.version == old_q.version:
        return {k: v for k, v in mapping.items() if old_q.question(k) is not None}
    versions = await family_versions(new_q.id)
    current = new_q
    for _ in range(100):
        if current.version == old_q.version:
            return {k: v for k, v in mapping.items() if v}
        prev = versions.get(current.previous) if current.previous else None
        if prev is None or prev.version_key >= current.version_key:
            return {}
        step = continuity_map(current, prev)
        mapping = {k: [p for cid in ids for p in step.get(cid, [])] for k, ids in mapping.items()}
        current = prev
    return {}


async def _previous_response(round_id: int, unit_id: int, q: Questionnaire) -> dict[str, Any] | None:
    """The unit's response in the latest earlier round of the same questionnaire family."""
    rows = await Response.select(
        Response.id, Response.round, Response.round.questionnaire.version.as_alias("version"),
    ).where(
        (Response.unit == unit_id) & (Response.round != round_id)
        & (Response.round.questionnaire.family == q.id)
    )

    def key(r):
        year, number = r["version"].split(".")
        return (int(year), int(number)), r["round"]

    earlier = [r for r in rows if key(r)[0] <= q.version_key and r["round"] < round_id]
    return max(earlier, key=key) if earlier else None


async def prefill_changes(q: Questionnaire, previous_response_id: int) -> dict[str, tuple[Any, str, str]]:
    """What a new response on `q` carries over from an earlier response: the values of
    the continued questions that are still valid for the new question (and their
    evidence notes; comments stay with the round they were written for)."""

    row = await _response_row(previous_response_id)
    old_q = await _questionnaire(row)
    old = await _answer_rows(previous_response_id)
    mapping = await _continuity(q, old_q)
    out: dict[str, tuple[Any, str, str]] = {}
    for new_id, old_ids in mapping.items():
        for old_id in old_ids:
            a = old.get(old_id)
            if a is None or a["value"] is None:
                continue
            if check_answers(q, {new_id: a["value"]}, source="prefill"):
                continue
            out[new_id] = (a["value"], "", a["evidence"] or "")
            break
    return out


async def start_response(round_id: int, unit_code: str, *, actor: Principal,
                         prefill: bool = True) -> tuple[ResponseState, bool]:
    """The unit's response in the round, created (and pre-filled) if it does not exist.
    Returns (state, created)."""
    check_unit(actor, Action.RESPONSE_WRITE, unit_code)
    who = actor_name(actor)
    rnd = await Round.select(Round.id, Round.status, Round.questionnaire).where(Round.id == round_id).first()
    if rnd is None:
        raise NotFound(Text(f"Omgång {round_id} finns inte", f"round {round_id} not found"))
    unit = await Unit.select(Unit.id).where(Unit.code == unit_code).first()
    if unit is None:
        raise NotFound(Text(f"Enheten {unit_code} finns inte", f"unit {unit_code} not found"))
    existing = await Response.select(Response.id).where(Response.key == f"{round_id}:{unit['id']}").first()
    if existing:
        return await _get(existing["id"]), False
    if rnd["status"] != "open":
        raise Locked(Text(f"Omgången är {STATUS_SV[rnd['status']]}: svar kan bara påbörjas i en öppen omgång", f"the round is " f"{rnd['status']}: responses can only be started in an open round"))
    if not await RoundUnit.exists().where(RoundUnit.key == f"{round_id}:{unit['id']}"):
        raise Invalid(Text(f"Enheten {unit_code} deltar inte i omgången", f"unit {unit_code} does not take part in the round"),
                      [{"field": "unit", "message": "not a participant"}])
    q = await questionnaire_by_id(rnd["questionnaire"])
    source = await _previous_response(round_id, unit["id"], q) if prefill else None
    carried = await prefill_changes(q, source["id"]) if source else {}
    # Number questions an indicator links to start from the measured value (newer than
    # last round's answer); docs/indicators.md §2.3.
    measured = await indicators.measured_answers(q, unit_code) if prefill else {}
    for qid in measured:
        carried.pop(qid, None)
    # Questions another unit answers for this one start from that unit's answers.
    shared = await provided.start_hook(round_id, unit_code, q, carried, measured, who)
    try:
        async with write_transaction():
            t = clock.now()
            rows = await Response.insert(Response(
                key=f"{round_id}:{unit['id']}", round=round_id, unit=unit["id"], status="draft", revision=0,
                prefilled_from=source["id"] if source else None, started_at=t, updated_at=t, started_by=who,
            )).returning(Response.id)
            response_id = rows[0]["id"]
            await _write_changes(response_id, 0, {}, carried, PREFILL_ACTOR, q)
            for qid, m in measured.items():
                await _write_changes(response_id, 0, {}, {qid: (m["value"], "", m["note"])},
                                     f"{MEASURED_ACTOR}:{m['indicator']}@{m['period']}", q)
            for label, changes in shared.items():
                await _write_changes(response_id, 0, {}, changes, label, q)
            await provided.after_start(round_id, unit_code, q, who)
            await audit.record(actor, "response.start", "response", response_id, unit=unit_code,
                               details={"round": round_id, "prefilled_from": source["id"] if source else None,
                                        "prefilled": len(carried),
                                        "measured": {qid: f"{m['indicator']}@{m['period']}" for qid, m in measured.items()}})
    except Exception as exc:
        if is_unique_violation(exc):  # started by someone else at the same moment
            again = await Response.select(Response.id).where(Response.key == f"{round_id}:{unit['id']}").first()
            return await _get(again["id"]), False
        raise
    return await _get(response_id), True


async def fill_measured_value(response_id: int, question_id: str, *, actor: Principal,
                              revision: int | None = None) -> ResponseState:
    """The "Hämta uppmätt värde" button: set a number question that an indicator links
    to (docs/indicators.md §2.3) to the unit's latest measured figure, with the source
    and period in its evidence note (so the answer history shows where it came from).
    NotFound when there is no measured value for the question and unit."""
    row = await _authorized_row(response_id, actor, Action.RESPONSE_WRITE)
    q = await _questionnaire(row)
    measured = (await indicators.measured_answers(q, row["unit_code"])).get(question_id)
    if measured is None:
        raise NotFound(Text(f"Det finns inget uppmätt värde för {question_id} och {row['unit_code']}",
                            f"there is no measured value for {question_id} and {row['unit_code']}"),
                       [{"question": question_id, "message": "no measured value"}])
    return await _save(response_id, revision, {question_id: measured["value"]}, {}, {question_id: measured["note"]},
                       actor, audit_action="response.measured")


# ---------------------------------------------------------------- submit, reopen

def missing_required(q: Questionnaire, result_dict: dict[str, Any], values: Mapping[str, Any]) -> list[str]:
    """Visible required questions without an answer, in file order."""
    missing = []
    for item in result_dict["questions"]:
        question = q.question(item["id"])
        if question is None or not question.required:
            continue
        if item["status"] == "missing":
            missing.append(item["id"])
        elif item["status"] == "unscored" and values.get(item["id"]) in (None, ""):
            missing.append(item["id"])
    return missing


async def submit_response(response_id: int, *, actor: Principal, revision: int | None = None,
                          notify: bool = True) -> ResponseState:
    """Submit; refused with the missing required questions while incomplete. Stores a
    score snapshot with the engine's and the questionnaire's identity. After the commit
    the unit's approvers are e-mailed (docs/sign-off.md; not with `notify=False`: the
    demo loader)."""

    row = await _authorized_row(response_id, actor, Action.RESPONSE_SUBMIT)
    q = await _questionnaire(row)
    try:
        async with write_transaction():
            row = await _response_row(response_id)
            _check_open(row)
            if row["status"] == "submitted":
                raise Conflict(Text("Svaret är redan inskickat", "the response is already submitted"))
            if revision is not None and row["revision"] != revision:
                raise _Stale()
            values = {k: a["value"] for k, a in (await _answer_rows(response_id)).items() if a["value"] is not None}
            result = score_response(q, values).to_dict()
            missing = missing_required(q, result, values)
            if missing:
                raise Invalid(
                    Text(f"{len(missing)} obligatoriska frågor saknar svar", f"{len(missing)} required questions are unanswered"),
                    [{"question": m, "message": "obligatorisk fråga utan svar / required question without an answer"}
                     for m in missing],
                    missing=missing,
                )
            t = clock.now()
            new_revision = await _bump(response_id, row["revision"], {Response.status: "submitted", Response.submitted_at: t})
            await ScoreSnapshot.insert(ScoreSnapshot(
                response=response_id, revision=new_revision, engine_version=ENGINE_VERSION,
                questionnaire_hash=q.hash, result=dump(result), created_at=t, created_by=actor_name(actor),
            ))
            await audit.record(actor, "response.submit", "response", response_id, unit=row["unit_code"],
                               details={"revision": new_revision, "level": result["overall"].get("level")})
    except _Stale:
        raise await _stale_conflict(response_id, revision) from None
    if notify:
        await _notify_submitted(response_id, actor)
    return await _get(response_id)


async def _notify_submitted(response_id: int, actor: Principal) -> None:
    """E-mail the unit's approvers that a response waits for them. The submission is
    committed: a mail problem is logged and left in the outbox, never raised."""
    from survey_engine.services import reminders  # reminders reads the mail settings; only needed here

    try:
        await reminders.notify_response_submitted(response_id, actor=actor)
    except Exception as exc:
        log.warning("submitted e-mail for response %s not queued: %s", response_id, exc)


async def reopen_response(response_id: int, *, actor: Principal) -> ResponseState:
    """Reopen a submitted response for changes (admin), while its round is open."""
    await _authorized_row(response_id, actor, Action.RESPONSE_REOPEN)
    async with write_transaction():
        row = await _response_row(response_id)
        _check_open(row)
        if row["status"] != "submitted":
            raise Conflict(Text("Bara inskickade svar kan öppnas igen (svaret är inte inskickat)", f"only a submitted response can be reopened (status {row['status']})"))
        new_revision = await _bump(response_id, row["revision"], {Response.status: "reopened"})
        await audit.record(actor, "response.reopen", "response", response_id, unit=row["unit_code"],
                           details={"revision": new_revision})
    return await _get(response_id)


async def latest_snapshot(response_id: int, *, actor: Principal) -> Snapshot | None:
    """The score snapshot of the latest submission, or None before the first."""
    await _authorized_row(response_id, actor, Action.SCORES_READ)
    return await _latest_snapshot(response_id)


async def _latest_snapshot(response_id: int) -> Snapshot | None:
    row = await ScoreSnapshot.select().where(ScoreSnapshot.response == response_id).order_by(
        ScoreSnapshot.id, ascending=False).first().output(load_json=True)
    if row is None:
        return None
    return Snapshot(revision=row["revision"], engine_version=row["engine_version"],
                    questionnaire_hash=row["questionnaire_hash"], created_at=row["created_at"],
                    created_by=row["created_by"], scores=row["result"])


# ---------------------------------------------------------------- history, scores

async def answer_history(response_id: int, question_id: str | None = None, limit: int = 100,
                         offset: int = 0, *, actor: Principal) -> tuple[list[AnswerChange], int]:
    limit, offset = page_args(limit, offset)
    await _authorized_row(response_id, actor, Action.RESPONSE_READ)
    where = AnswerHistory.response == response_id
    if question_id:
        where = where & (AnswerHistory.question_id == question_id)
    rows = await AnswerHistory.select().where(where).order_by(AnswerHistory.id).limit(limit).offset(offset).output(load_json=True)
    total = await AnswerHistory.count().where(where)
    return [AnswerChange(
        question=r["question_id"], revision=r["revision"], old_value=load_value(r["old_value"]),
        new_value=load_value(r["new_value"]), old_comment=r["old_comment"], new_comment=r["new_comment"],
        old_evidence=r["old_evidence"], new_evidence=r["new_evidence"], actor=r["actor"], at=r["changed_at"],
    ) for r in rows], total


async def live_scores(response_id: int, *, actor: Principal) -> LiveScores:
    """The engine's result on the response's current answers."""

    row = await _authorized_row(response_id, actor, Action.SCORES_READ)
    state = await _get(response_id)
    q = await _questionnaire(row)
    return LiveScores(response_id=response_id, revision=state.revision, engine_version=ENGINE_VERSION,
                      scores=score_response(q, values_of(state)).to_dict())


# ---------------------------------------------------------------- answers files

async def export_answers(response_id: int, *, actor: Principal) -> AnswersFile:
    """The response as an answers file (docs/questionnaire-format.md)."""
    row = await _authorized_row(response_id, actor, Action.RESPONSE_READ)
    state = await _get(response_id)
    q = await _questionnaire(row)
    return AnswersFile(questionnaire=q.id, version=q.version, answers=values_of(state))


async def import_answers(response_id: int, document: Any, *, actor: Principal, revision: int | None = None,
                         source: str = "<answers>") -> ResponseState:
    """Replace the response's answers with an answers file's (absent = unanswered).
    Comments and evidence notes are kept. Recorded in the history like any save."""

    row = await _authorized_row(response_id, actor, Action.RESPONSE_WRITE)
    q = await _questionnaire(row)
    try:
        values = parse_answers_document(document, q, source=source)
    except AnswersError as exc:
        raise Invalid(Text(f"Svarsfilen passar inte {q.id} {q.version}", f"the answers file does not fit " f"{q.id} {q.version}"), problems_to_errors(exc.problems, key="question")) from exc
    return await _save(response_id, revision, values, {}, {}, actor, replace=True, audit_action="response.import")
