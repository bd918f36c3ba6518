"""Sign-off: an approver (förvaltningschef) approves a submitted response, or returns
it with a comment, which reopens it for the respondents. Rules: docs/sign-off.md.

Decisions are appended to `response_signoff` (store/signoff_tables.py) and never
changed. Whether a response *is* approved is derived, never stored: the latest decision
is an approval of the revision the response still has, and the response is still
submitted. Reopening (by an administrator or by a return) and submitting again both
move the revision on, so an approval of an earlier submission lapses by itself, without
any hook in the response code.

Every decision is audited (`response.approve`, `response.return`) in the transaction
that stores it; a return also e-mails the unit's contacts (services/reminders.py) after
the commit, so a mail server that is down delays the message but never the return.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Iterable

from survey_engine import clock, plaintext
from survey_engine.errors import Conflict, Invalid, Locked, NotFound
from survey_engine.services import audit
from survey_engine.services.access import Action, Principal, actor_name, check_unit, unit_filter
from survey_engine.services.views import MailNotice
from survey_engine.store import sql
from survey_engine.store.db import write_transaction
from survey_engine.store.signoff_tables import ResponseSignoff
from survey_engine.store.tables import Response
from survey_engine.text import Text

log = logging.getLogger(__name__)

APPROVED, RETURNED = "approved", "returned"
# Derived states (docs/sign-off.md): what the round overview and the pages show.
AWAITING = "awaiting_approval"
MAX_COMMENT = 2000


@dataclass(frozen=True)
class Decision:
    """One approver's decision on one submission."""

    id: int
    response_id: int
    decision: str  # approved | returned
    revision: int  # the response's revision the decision was about
    comment: str
    decided_by: str
    decided_at: dt.datetime


@dataclass(frozen=True)
class SignoffState:
    """Where a response stands in the sign-off (`state`):
    - `not_submitted`: a draft or a reopened response not returned by an approver;
    - `awaiting_approval`: submitted, no approval of this submission yet;
    - `approved`: submitted and approved as it stands;
    - `returned`: returned by an approver and not submitted again since (the respondents
      see `latest.comment`)."""

    response_id: int
    unit: str
    round_id: int
    status: str  # the response's own status: draft | submitted | reopened
    revision: int
    state: str
    latest: Decision | None
    history: tuple[Decision, ...] = ()

    @property
    def approved(self) -> bool:
        return self.state == APPROVED

    @property
    def returned(self) -> bool:
        return self.state == RETURNED


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


def derive_state(status: str, revision: int, submitted_at: dt.datetime | None, latest: Decision | None) -> str:
    """The sign-off state of a response from its status, revision and latest decision
    (pure; see SignoffState)."""
    if status == "submitted":
        if latest is not None and latest.decision == APPROVED and latest.revision == revision:
            return APPROVED
        return AWAITING
    if latest is not None and latest.decision == RETURNED:
        submitted, decided = _aware(submitted_at), _aware(latest.decided_at)
        if submitted is None or decided is None or submitted <= decided:
            return RETURNED
    return "not_submitted"


def _decision(row: dict[str, Any]) -> Decision:
    return Decision(id=row["id"], response_id=row["response"], decision=row["decision"], revision=row["revision"],
                    comment=row["comment"] or "", decided_by=row["decided_by"], decided_at=_aware(row["decided_at"]))


async def latest_decisions(response_ids: Iterable[int]) -> dict[int, Decision]:
    """response id -> its latest decision (for the one read path, services/round_results.py;
    no permission check: the caller has made its own)."""
    ids = sorted(set(response_ids))
    out: dict[int, Decision] = {}
    for start in range(0, len(ids), 500):
        rows = await ResponseSignoff.select().where(ResponseSignoff.response.is_in(ids[start:start + 500])).order_by(
            ResponseSignoff.id)
        for row in rows:
            out[row["response"]] = _decision(row)  # ordered by id: the latest wins
    return out


async def approved_response_ids(rows: Iterable[dict[str, Any]]) -> set[int]:
    """Of response rows (id, status, revision), the ids that are approved as they stand."""
    rows = list(rows)
    latest = await latest_decisions(r["id"] for r in rows)
    return {r["id"] for r in rows
            if derive_state(r["status"], r["revision"], r.get("submitted_at"), latest.get(r["id"])) == APPROVED}


_ROW = (Response.id, Response.round, Response.status, Response.revision, Response.submitted_at,
        Response.unit.code.as_alias("unit_code"), Response.unit.name.as_alias("unit_name"),
        Response.round.name.as_alias("round_name"), Response.round.status.as_alias("round_status"))


async def _response_row(response_id: int) -> dict[str, Any]:
    row = await Response.select(*_ROW).where(Response.id == response_id).first()
    if row is None:
        raise NotFound(Text(f"Svar {response_id} finns inte", f"response {response_id} not found"))
    return row


async def _history(response_id: int) -> tuple[Decision, ...]:
    rows = await ResponseSignoff.select().where(ResponseSignoff.response == response_id).order_by(ResponseSignoff.id)
    return tuple(_decision(r) for r in rows)


def _state_of(row: dict[str, Any], history: tuple[Decision, ...]) -> SignoffState:
    latest = history[-1] if history else None
    return SignoffState(response_id=row["id"], unit=row["unit_code"], round_id=row["round"], status=row["status"],
                        revision=row["revision"], state=derive_state(row["status"], row["revision"],
                                                                      row["submitted_at"], latest),
                        latest=latest, history=history)


async def signoff_state(response_id: int, *, actor: Principal) -> SignoffState:
    """The response's sign-off state and every decision on it (readers of the response)."""
    row = await _response_row(response_id)
    check_unit(actor, Action.RESPONSE_READ, row["unit_code"])
    return _state_of(row, await _history(response_id))


def _clean_comment(comment: str | None, *, required: bool) -> str:
    text = (comment or "").strip()
    if required and not text:
        raise Invalid(Text("Skriv varför svaret skickas tillbaka: respondenterna ser kommentaren.",
                           "Write why the response is returned: the respondents see the comment."),
                      [{"field": "comment", "message": "kommentar krävs / a comment is required"}])
    code = plaintext.control_character(text)
    if code:
        raise Invalid(Text("Kommentaren innehåller ett otillåtet tecken.", "The comment holds a character "
                           "that is not allowed."), [{"field": "comment", "message": plaintext.message(code)}])
    if len(text) > MAX_COMMENT:
        raise Invalid(Text(f"Kommentaren är längre än {MAX_COMMENT} tecken.",
                           f"The comment is longer than {MAX_COMMENT} characters."),
                      [{"field": "comment", "message": f"högst {MAX_COMMENT} tecken / at most {MAX_COMMENT} characters"}])
    return text


async def _locked_row(response_id: int) -> dict[str, Any]:
    """The response row inside the decision's transaction; on PostgreSQL locked, so that
    a save, a submission or another decision on the same response waits its turn."""
    if sql.is_postgres():
        await sql.fetch("SELECT id FROM response WHERE id = {} FOR UPDATE", response_id)
    return await _response_row(response_id)


def _check_decidable(row: dict[str, Any], revision: int | None) -> None:
    if row["status"] != "submitted":
        raise Conflict(Text("Bara inskickade svar kan godkännas eller skickas tillbaka; det här svaret är inte "
                            "inskickat.", "Only a submitted response can be approved or returned; this one is not "
                            f"submitted (status {row['status']})."))
    if revision is not None and revision != row["revision"]:
        raise Conflict(Text("Svaret har ändrats sedan du läste det (det har öppnats och skickats in igen). "
                            "Läs igenom det på nytt innan du beslutar.",
                            "The response changed after you read it (it was reopened and submitted again). "
                            "Read it again before you decide."),
                       [{"field": "revision", "message": f"current revision is {row['revision']}"}])


async def _insert(row: dict[str, Any], decision: str, comment: str, actor: Principal) -> None:
    await ResponseSignoff.insert(ResponseSignoff(
        response=row["id"], decision=decision, revision=row["revision"], comment=comment,
        decided_by=actor_name(actor), decided_at=clock.now()))


async def approve(response_id: int, *, actor: Principal, comment: str = "",
                  revision: int | None = None) -> SignoffState:
    """Approve a submitted response as it stands (an optional comment). `revision`, the
    revision the approver read, refuses an approval of a response that changed since.
    Allowed in an open or a closed round (approving changes no answer)."""
    row = await _response_row(response_id)
    check_unit(actor, Action.RESPONSE_APPROVE, row["unit_code"])
    text = _clean_comment(comment, required=False)
    async with write_transaction():
        row = await _locked_row(response_id)
        _check_decidable(row, revision)
        history = await _history(response_id)
        if history and derive_state(row["status"], row["revision"], row["submitted_at"], history[-1]) == APPROVED:
            raise Conflict(Text("Svaret är redan godkänt.", "The response is already approved."))
        await _insert(row, APPROVED, text, actor)
        await audit.record(actor, "response.approve", "response", response_id, unit=row["unit_code"],
                           details={"revision": row["revision"], "round": row["round"], "comment": text})
    return await signoff_state(response_id, actor=actor)


async def return_response(response_id: int, comment: str, *, actor: Principal, revision: int | None = None,
                          notify: bool = True) -> tuple[SignoffState, MailNotice]:
    """Return a submitted response with a required comment: it is reopened (status
    `reopened`, a new revision) so the respondents can change it, they see the comment,
    and the unit's contacts get the "returned" e-mail (not with `notify=False`: the
    demo loader, which has no mail server). Only while the round is open.
    Returns (state, e-mail summary)."""
    row = await _response_row(response_id)
    check_unit(actor, Action.RESPONSE_APPROVE, row["unit_code"])
    text = _clean_comment(comment, required=True)
    async with write_transaction():
        row = await _locked_row(response_id)
        _check_decidable(row, revision)
        if row["round_status"] != "open":
            raise Locked(Text("Omgången är stängd: ett svar kan bara skickas tillbaka medan omgången är öppen.",
                              "The round is closed: a response can be returned only while its round is open."))
        await _insert(row, RETURNED, text, actor)
        # The same change as an administrator's reopen (services/responses.py): the
        # status and a new revision, only if nobody moved the revision meanwhile.
        done = await Response.update({Response.status: "reopened", Response.revision: row["revision"] + 1,
                                      Response.updated_at: clock.now()}).where(
            (Response.id == response_id) & (Response.revision == row["revision"])).returning(Response.id)
        if not done:  # pragma: no cover - the row lock (PostgreSQL) or SQLite's single writer prevents it
            raise Conflict(Text("Svaret ändrades samtidigt; försök igen.", "The response changed meanwhile; try again."))
        await audit.record(actor, "response.return", "response", response_id, unit=row["unit_code"],
                           details={"revision": row["revision"] + 1, "round": row["round"], "comment": text})
    mail = await _notify_returned(response_id, text, actor) if notify else MailNotice(0, 0, 0, 0, [])
    return await signoff_state(response_id, actor=actor), mail


async def _notify_returned(response_id: int, comment: str, actor: Principal) -> MailNotice:
    """E-mail the unit that its response was returned. Failures are kept in the outbox
    (services/mailer.py lists and retries them); nothing here undoes the return."""
    from survey_engine.services import reminders  # reminders imports the mail settings; only needed here

    try:
        return await reminders.notify_response_returned(response_id, comment, actor=actor)
    except Exception as exc:  # the return is committed; a mail problem must not hide that
        log.warning("returned e-mail for response %s not queued: %s", response_id, exc)
        return MailNotice(recipients=0, sent=0, retry_later=0, failed=0, errors=[str(exc)[:300]])


@dataclass(frozen=True)
class QueueItem:
    """A response on an approver's list."""

    response_id: int
    round_id: int
    round_name: str
    round_status: str
    unit: str
    unit_name: str
    status: str
    revision: int
    submitted_at: dt.datetime | None
    state: str
    latest: Decision | None


async def approval_queue(*, actor: Principal, waiting_only: bool = True, round_id: int | None = None,
                         limit: int = 200) -> list[QueueItem]:
    """The responses of the units the actor may sign off: those awaiting approval (or,
    with `waiting_only=False`, every started response with its state), newest round first."""
    visible = unit_filter(actor, Action.RESPONSE_APPROVE)
    if visible is not None and not visible:
        return []
    query = Response.select(*_ROW, Response.updated_at)
    if visible is not None:
        query = query.where(Response.unit.code.is_in(visible))
    if round_id is not None:
        query = query.where(Response.round == round_id)
    if waiting_only:
        query = query.where(Response.status == "submitted")
    rows = await query.order_by(Response.round, ascending=False).order_by(Response.id)
    latest = await latest_decisions(r["id"] for r in rows)
    items = []
    for r in rows:
        state = derive_state(r["status"], r["revision"], r["submitted_at"], latest.get(r["id"]))
        if waiting_only and state != AWAITING:
            continue
        items.append(QueueItem(response_id=r["id"], round_id=r["round"], round_name=r["round_name"],
                               round_status=r["round_status"], unit=r["unit_code"], unit_name=r["unit_name"],
                               status=r["status"], revision=r["revision"], submitted_at=_aware(r["submitted_at"]),
                               state=state, latest=latest.get(r["id"])))
    return items[:max(1, min(limit, 1000))]


async def states_for(response_ids: Iterable[int]) -> dict[int, SignoffState]:
    """response id -> its sign-off state (latest decision only), for pages that list
    responses the reader may already read (the caller checked)."""
    ids = sorted(set(response_ids))
    if not ids:
        return {}
    rows = await Response.select(*_ROW).where(Response.id.is_in(ids))
    latest = await latest_decisions(ids)
    return {r["id"]: _state_of(r, (latest[r["id"]],) if r["id"] in latest else ()) for r in rows}
