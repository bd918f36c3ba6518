"""Reminders by e-mail: when a round opens, before its deadline, when a response is
returned, to the approvers when a response is submitted, a weekly digest for analysts,
and a reminder sent by hand from the overview.

Every message has a key (kind, round, unit, the day or step it is for, recipient) and the
outbox stores a key once, so running `survey-engine reminders send` twice, or from two
machines, never sends the same reminder twice. Texts are ours, in Swedish, or English
for a recipient who chose English. Rules in docs/operations.md, "E-mail reminders".
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from survey_engine import clock
from survey_engine.errors import AppError, Conflict, Invalid, NotFound
from survey_engine.services import audit, contacts
from survey_engine.services.access import Action, Principal, actor_name, check
from survey_engine.services.mailer import Outgoing, deliver, deliver_soon, enqueue
from survey_engine.services.views import (
    DeliveryCounts, LastReminder, MailNotice, ReminderDryRun, ReminderItem, ReminderRun, ReminderState, UnitReminder,
)
from survey_engine.settings import SettingsError, smtp_settings
from survey_engine.store.mail_tables import OutboxMessage
from survey_engine.store.tables import Response, Round, RoundUnit
from survey_engine.text import Text

OPENED_NOTICE_DAYS = 14  # "the round has opened" goes out only this long after the opening
MANUAL_INTERVAL = dt.timedelta(hours=1)  # the overview's button: once an hour per unit


class TooSoon(AppError):
    """A reminder to this unit was sent a moment ago (rate limit of the manual button)."""

    status_code = 429
    code = "too_soon"


_MONTHS_SV = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
              "oktober", "november", "december")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")


def _date(value: dt.date | None, lang: str) -> str:
    if value is None:
        return "–"
    if lang == "en":
        return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"
    return f"{value.day} {_MONTHS_SV[value.month - 1]} {value.year}"


def today() -> dt.date:
    """Today in Swedish time (the deadline is a Swedish date)."""
    return clock.local(clock.now()).date()


def _signature(lang: str) -> str:
    if lang == "en":
        return ("\n\nThis message was sent by the city's self-assessment tool for information and cyber "
                "security. Sign in to the tool to answer; reply to your coordinator with questions.\n")
    return ("\n\nDet här meddelandet skickades av kommunens verktyg för självskattning av informations- och "
            "cybersäkerhet. Logga in i verktyget för att svara; frågor besvaras av er samordnare.\n")


def compose(kind: str, lang: str, *, round_name: str = "", unit_name: str = "", deadline: dt.date | None = None,
            days_left: int | None = None, comment: str = "", rounds: list[dict[str, Any]] | None = None
            ) -> tuple[str, str]:
    """(subject, body) of one message in `lang` (sv, or en)."""
    en = lang == "en"
    when = _date(deadline, lang)
    if kind == "opened":
        if en:
            subject = f"The survey round {round_name} has opened"
            body = (f"Hello,\n\nThe self-assessment round \"{round_name}\" is now open for {unit_name}."
                    + (f" Please submit your answers by {when}." if deadline else ""))
        else:
            subject = f"Enkätomgången {round_name} har öppnat"
            body = (f"Hej,\n\nSjälvskattningsomgången \"{round_name}\" är nu öppen för {unit_name}."
                    + (f" Skicka in era svar senast {when}." if deadline else ""))
    elif kind in ("deadline", "manual"):
        if en:
            subject = f"Reminder: {round_name} – answers due {when}"
            left = ("today" if days_left == 0 else "tomorrow" if days_left == 1 else f"in {days_left} days") \
                if days_left is not None and days_left >= 0 else ""
            body = (f"Hello,\n\n{unit_name} has not yet submitted its answers to the self-assessment round "
                    f"\"{round_name}\". The deadline is {when}" + (f" ({left})" if left else "") + ". "
                    "Answers you have saved are kept; finish them and press Submit.")
        else:
            subject = f"Påminnelse: {round_name} – svara senast {when}"
            left = ("i dag" if days_left == 0 else "i morgon" if days_left == 1 else f"om {days_left} dagar") \
                if days_left is not None and days_left >= 0 else ""
            body = (f"Hej,\n\n{unit_name} har ännu inte skickat in sina svar i självskattningsomgången "
                    f"\"{round_name}\". Sista dag är {when}" + (f" ({left})" if left else "") + ". "
                    "Svar som ni redan sparat finns kvar; gör klart dem och tryck på Skicka in.")
    elif kind == "returned":
        if en:
            subject = f"Your answers in {round_name} have been returned"
            body = (f"Hello,\n\nThe answers of {unit_name} in \"{round_name}\" have been returned for changes."
                    + (f"\n\nComment:\n{comment}" if comment else "")
                    + "\n\nThe response is open again: make the changes and submit it again.")
        else:
            subject = f"Era svar i {round_name} har skickats tillbaka"
            body = (f"Hej,\n\n{unit_name}s svar i \"{round_name}\" har skickats tillbaka för ändringar."
                    + (f"\n\nKommentar:\n{comment}" if comment else "")
                    + "\n\nSvaret är öppet igen: gör ändringarna och skicka in det på nytt.")
    elif kind == "submitted":  # to the unit's approvers (docs/sign-off.md)
        if en:
            subject = f"To approve: {unit_name} has submitted its answers in {round_name}"
            body = (f"Hello,\n\n{unit_name} has submitted its answers to the self-assessment round "
                    f"\"{round_name}\". As the head of the department you approve the response, or return it "
                    "with a comment if something needs to change. Sign in to the tool and open Sign-off.")
        else:
            subject = f"Att godkänna: {unit_name} har skickat in sina svar i {round_name}"
            body = (f"Hej,\n\n{unit_name} har skickat in sina svar i självskattningsomgången \"{round_name}\". "
                    "Som förvaltningschef godkänner du svaret, eller skickar tillbaka det med en kommentar om "
                    "något behöver ändras. Logga in i verktyget och öppna Godkännande.")
    elif kind == "digest":
        lines = []
        for r in rounds or []:
            missing = ", ".join(r["missing"]) or ("none" if en else "inga")
            if en:
                lines.append(f"- {r['name']}: {r['submitted']} of {r['participating']} units have submitted; "
                             f"deadline {_date(r['closes_on'], lang)}. Not yet submitted: {missing}.")
            else:
                lines.append(f"- {r['name']}: {r['submitted']} av {r['participating']} förvaltningar har skickat in; "
                             f"sista dag {_date(r['closes_on'], lang)}. Har inte skickat in: {missing}.")
        if en:
            subject = "Weekly summary: open survey rounds"
            body = "Hello,\n\nThe open self-assessment rounds this week:\n\n" + "\n".join(lines)
        else:
            subject = "Veckosammanfattning: öppna enkätomgångar"
            body = "Hej,\n\nDe öppna självskattningsomgångarna den här veckan:\n\n" + "\n".join(lines)
    else:  # pragma: no cover - a programming error
        raise ValueError(f"unknown kind {kind!r}")
    return subject, body + _signature(lang)


# ---------------------------------------------------------------- what is due


async def _open_rounds(round_id: int | None) -> list[dict[str, Any]]:
    query = Round.select(Round.id, Round.name, Round.status, Round.closes_on, Round.opened_at).where(
        Round.status == "open")
    if round_id is not None:
        query = query.where(Round.id == round_id)
    return await query.order_by(Round.id)


async def _units_of(round_id: int) -> list[dict[str, Any]]:
    """The round's units with whether each has submitted."""
    parts = await RoundUnit.select(RoundUnit.unit.as_alias("unit_id"), RoundUnit.unit.code.as_alias("code"),
                                   RoundUnit.unit.name.as_alias("name")).where(
        RoundUnit.round == round_id).order_by(RoundUnit.id)
    status = {r["unit"]: r["status"] for r in await Response.select(Response.unit, Response.status).where(
        Response.round == round_id)}
    return [{**p, "status": status.get(p["unit_id"], "not_started")} for p in parts]


def _submitted(status: str) -> bool:
    # "approved" (sign-off, issue 17 item 2) counts as submitted too.
    return status in ("submitted", "approved")


def deadline_step(closes_on: dt.date | None, on: dt.date, days_before: tuple[int, ...]) -> int | None:
    """Which "N days before" reminder is due on day `on`: the smallest N with
    days left <= N; None before the first one or after the deadline."""
    if closes_on is None:
        return None
    left = (closes_on - on).days
    if left < 0:
        return None
    due = [n for n in days_before if left <= n]
    return min(due) if due else None


async def _unit_messages(kind: str, rnd: dict[str, Any], unit: dict[str, Any], step: str,
                         days_left: int | None = None, comment: str = "") -> list[Outgoing]:
    out = []
    for person in await contacts.recipients(unit["code"]):
        subject, body = compose(kind, person["language"], round_name=rnd["name"], unit_name=unit["name"],
                                deadline=rnd.get("closes_on"), days_left=days_left, comment=comment)
        out.append(Outgoing(key=f"{kind}:{rnd['id']}:{unit['code']}:{step}:{person['email'].lower()}", kind=kind,
                            recipient=person["email"], language=person["language"], subject=subject, body=body,
                            round_id=rnd["id"], unit_code=unit["code"]))
    return out


async def due_messages(round_id: int | None = None, on: dt.date | None = None) -> list[Outgoing]:
    """Every reminder due now (opened notices, deadline reminders, the weekly digest),
    including those already in the outbox (enqueue skips them)."""
    on = on or today()
    try:
        days_before = smtp_settings().days_before
    except SettingsError as exc:  # a wrong setting is said plainly, never a traceback
        raise Invalid(Text(f"E-postinställningarna är fel: {exc}", f"The e-mail settings are wrong: {exc}"),
                      [{"field": "environment", "message": str(exc)}]) from None
    now = clock.now()
    out: list[Outgoing] = []
    rounds = await _open_rounds(round_id)
    digest_rounds = []
    for rnd in rounds:
        units = await _units_of(rnd["id"])
        waiting = [u for u in units if not _submitted(u["status"])]
        opened_at = rnd["opened_at"]
        if opened_at is not None and opened_at.tzinfo is None:
            opened_at = opened_at.replace(tzinfo=dt.timezone.utc)
        recently_opened = opened_at is not None and now - opened_at <= dt.timedelta(days=OPENED_NOTICE_DAYS)
        step = deadline_step(rnd["closes_on"], on, days_before)
        for unit in waiting:
            if recently_opened and (rnd["closes_on"] is None or rnd["closes_on"] >= on):
                out += await _unit_messages("opened", rnd, unit, "open")
            if step is not None:
                out += await _unit_messages("deadline", rnd, unit, f"d{step}", (rnd["closes_on"] - on).days)
        digest_rounds.append({"name": rnd["name"], "closes_on": rnd["closes_on"], "participating": len(units),
                              "submitted": len(units) - len(waiting), "missing": [u["name"] for u in waiting]})
    if round_id is None and digest_rounds:
        year, week, _ = on.isocalendar()
        for person in await contacts.analysts():
            subject, body = compose("digest", person["language"], rounds=digest_rounds)
            out.append(Outgoing(key=f"digest:{year}-W{week:02d}:{person['email'].lower()}", kind="digest",
                                recipient=person["email"], language=person["language"], subject=subject, body=body))
    return out


async def _known_keys(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        found |= {r["key"] for r in await OutboxMessage.select(OutboxMessage.key).where(
            OutboxMessage.key.is_in(keys[i:i + 500]))}
    return found


def _summary_item(m: Outgoing) -> ReminderItem:
    return ReminderItem(kind=m.kind, round_id=m.round_id, unit=m.unit_code, recipient=m.recipient,
                        language=m.language, subject=m.subject)


def _counts(counts: DeliveryCounts) -> dict[str, Any]:
    """The counts of a delivery (mailer.deliver), as the views' keyword arguments."""
    return {"sent": counts.sent, "retry_later": counts.retry_later, "failed": counts.failed,
            "errors": list(counts.errors)}


NOTHING_SENT = DeliveryCounts(sent=0, retry_later=0, failed=0, errors=[])


async def send_due(round_id: int | None = None, dry_run: bool = False, *,
                   actor: Principal) -> ReminderRun | ReminderDryRun:
    """Queue the reminders that are due and send everything queued (of this round, or
    all). With dry_run nothing is stored and nothing sent: the answer lists what would be."""
    check(actor, Action.REMINDER_SEND)
    if round_id is not None and not await Round.exists().where(Round.id == round_id):
        raise NotFound(Text(f"Omgång {round_id} finns inte", f"round {round_id} not found"))
    due = await due_messages(round_id)
    known = await _known_keys([m.key for m in due])
    new = [m for m in due if m.key not in known]
    waiting_query = OutboxMessage.count().where(OutboxMessage.status == "queued")
    if round_id is not None:
        waiting_query = waiting_query.where(OutboxMessage.round_id == round_id)
    if dry_run:
        return ReminderDryRun(dry_run=True, would_queue=[_summary_item(m) for m in new],
                              queued_before=await waiting_query, **_counts(NOTHING_SENT))
    ids = await enqueue(new, created_by=actor_name(actor))
    if ids:
        await audit.record(actor, "reminder.queue", "round", round_id if round_id is not None else "all",
                           details={"queued": len(ids), "kinds": sorted({m.kind for m in new})})
    summary = await deliver(round_id=round_id)
    return ReminderRun(dry_run=False, queued=len(ids), queued_items=[_summary_item(m) for m in new],
                       **_counts(summary))


async def last_manual(round_id: int) -> dict[str, dt.datetime]:
    """unit code -> when a reminder was last sent (queued) by hand in this round."""
    rows = await OutboxMessage.select(OutboxMessage.unit_code, OutboxMessage.created_at).where(
        OutboxMessage.round_id == round_id, OutboxMessage.kind == "manual").order_by(OutboxMessage.id)
    out: dict[str, dt.datetime] = {}
    for r in rows:
        out[r["unit_code"]] = r["created_at"]
    return out


async def remind_unit(round_id: int, unit_code: str, *, actor: Principal) -> UnitReminder:
    """The overview's "Skicka påminnelse": remind one unit that has not submitted, now.
    At most once an hour per unit and round; audited."""
    check(actor, Action.REMINDER_SEND)
    rnd = await Round.select(Round.id, Round.name, Round.status, Round.closes_on).where(Round.id == round_id).first()
    if rnd is None:
        raise NotFound(Text(f"Omgång {round_id} finns inte", f"round {round_id} not found"))
    unit = next((u for u in await _units_of(round_id) if u["code"] == unit_code), None)
    if unit is None:
        raise NotFound(Text(f"{unit_code[:64]} deltar inte i omgången", f"{unit_code[:64]} is not in this round"))
    if rnd["status"] != "open":
        raise Conflict(Text("Omgången är inte öppen; påminnelser skickas bara under en öppen omgång.",
                            "The round is not open; reminders are sent only while a round is open."))
    if _submitted(unit["status"]):
        raise Conflict(Text(f"{unit['name']} har redan skickat in.", f"{unit['name']} has already submitted."))
    now = clock.now()
    last = (await last_manual(round_id)).get(unit_code)
    if last is not None:
        if last.tzinfo is None:
            last = last.replace(tzinfo=dt.timezone.utc)
        if now - last < MANUAL_INTERVAL:
            wait = MANUAL_INTERVAL - (now - last)
            minutes = max(1, -(-int(wait.total_seconds()) // 60))
            at = clock.local(last + MANUAL_INTERVAL).strftime("%H:%M")
            raise TooSoon(Text(
                f"En påminnelse skickades till {unit['name']} för {int((now - last).total_seconds() // 60)} minuter "
                f"sedan. Du kan skicka en ny om {minutes} minuter (kl. {at}).",
                f"A reminder was sent to {unit['name']} {int((now - last).total_seconds() // 60)} minutes ago. "
                f"You can send another in {minutes} minutes ({at})."), retry_after=int(wait.total_seconds()) + 1)
    days_left = (rnd["closes_on"] - today()).days if rnd["closes_on"] else None
    # The key names the clock hour too: two clicks at the same moment (which both pass the
    # check above) queue one reminder, since the outbox stores a key once.
    messages = await _unit_messages("manual", rnd, unit, now.strftime("%Y%m%dT%H"), days_left)
    if not messages:
        raise Invalid(Text(f"{unit['name']} har ingen kontaktadress. Lägg till en under Administration → Enheter.",
                           f"{unit['name']} has no contact address. Add one under Administration → Units."),
                      [{"field": "unit", "message": "inga kontaktadresser / no contact addresses"}])
    ids = await enqueue(messages, created_by=actor_name(actor))
    if not ids:
        raise TooSoon(Text(f"En påminnelse till {unit['name']} skickades nyss. Försök igen om en timme.",
                           f"A reminder to {unit['name']} was sent just now. Try again in an hour."),
                      retry_after=3600)
    await audit.record(actor, "reminder.send", "round", round_id, unit=unit_code,
                       details={"recipients": len(ids)})
    summary = await deliver(ids)
    return UnitReminder(unit=unit_code, recipients=len(ids), **_counts(summary))


async def notify_response_returned(response_id: int, comment: str = "", *, actor: Principal) -> MailNotice:
    """Tell a unit that its submitted response was returned (sign-off, issue 17 item 2,
    calls this after it reopens the response). The caller checks its own right to return
    the response; this only queues and sends the e-mails (at once, or after the web
    response: mailer.deliver_soon)."""
    row = await Response.select(Response.id, Response.round, Response.round.name.as_alias("round_name"),
                                Response.round.closes_on.as_alias("closes_on"), Response.unit.code.as_alias("code"),
                                Response.unit.name.as_alias("unit_name")).where(Response.id == response_id).first()
    if row is None:
        raise NotFound(Text(f"Svar {response_id} finns inte", f"response {response_id} not found"))
    rnd = {"id": row["round"], "name": row["round_name"], "closes_on": row["closes_on"]}
    unit = {"code": row["code"], "name": row["unit_name"]}
    step = f"{response_id}-{clock.now().strftime('%Y%m%dT%H%M%S')}"
    ids = await enqueue(await _unit_messages("returned", rnd, unit, step, comment=(comment or "")[:2000]),
                        created_by=actor_name(actor))
    return await _notice(ids)


async def notify_response_submitted(response_id: int, *, actor: Principal) -> MailNotice:
    """Tell the unit's approvers that its response was submitted and waits for their
    approval (sign-off, docs/sign-off.md; services/responses.py calls this after the
    submission is committed). Each approver with an address gets one message per
    submission (the key names the revision), in their language; the messages go through
    the outbox like every reminder, so a mail server that is down leaves them queued
    with the error, to be retried. Audited (`reminder.submitted`) when something was
    queued. The caller checked its own right to submit; this only queues and sends
    (at once, or after the web response: mailer.deliver_soon)."""
    row = await Response.select(Response.id, Response.round, Response.revision, Response.status,
                                Response.round.name.as_alias("round_name"), Response.unit.code.as_alias("code"),
                                Response.unit.name.as_alias("unit_name")).where(Response.id == response_id).first()
    if row is None:
        raise NotFound(Text(f"Svar {response_id} finns inte", f"response {response_id} not found"))
    messages = []
    for person in await contacts.approvers(row["code"]):
        subject, body = compose("submitted", person["language"], round_name=row["round_name"],
                                unit_name=row["unit_name"])
        messages.append(Outgoing(
            key=f"submitted:{row['round']}:{row['code']}:{response_id}-r{row['revision']}:{person['email'].lower()}",
            kind="submitted", recipient=person["email"], language=person["language"], subject=subject, body=body,
            round_id=row["round"], unit_code=row["code"]))
    ids = await enqueue(messages, created_by=actor_name(actor)) if messages else []
    if not ids:
        return MailNotice(recipients=0, **_counts(NOTHING_SENT))
    # Addresses are personal data: the event counts them (as reminder.send does).
    await audit.record(actor, "reminder.submitted", "response", response_id, unit=row["code"],
                       details={"round": row["round"], "revision": row["revision"], "recipients": len(ids)})
    return await _notice(ids)


async def _notice(ids: list[int]) -> MailNotice:
    """Deliver a notice's queued messages, or leave them for after the web response
    (mailer.deliver_soon); what became of them."""
    if not ids:
        return MailNotice(recipients=0, **_counts(NOTHING_SENT))
    counts = await deliver_soon(ids)
    if counts is None:
        return MailNotice(recipients=len(ids), deferred=len(ids), **_counts(NOTHING_SENT))
    return MailNotice(recipients=len(ids), **_counts(counts))


async def round_reminder_state(round_id: int) -> ReminderState:
    """For the overview: per unit code, when it was last reminded by hand and whether the
    next reminder may be sent now; and the round's count of e-mails with problems."""
    now = clock.now()
    units: dict[str, LastReminder] = {}
    for code, at in (await last_manual(round_id)).items():
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.timezone.utc)
        units[code] = LastReminder(last=at, blocked=now - at < MANUAL_INTERVAL)
    problems = await OutboxMessage.count().where(
        OutboxMessage.round_id == round_id,
        (OutboxMessage.status == "failed") | ((OutboxMessage.status == "queued") & (OutboxMessage.last_error != "")))
    return ReminderState(units=units, problems=problems)
