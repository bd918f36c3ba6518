"""Reminders by e-mail, delivered to a real SMTP server on loopback (aiosmtpd): who gets
what in which language, idempotence, a refusing or stopped server, dry runs, the
overview's rate-limited button, the returned-response notice and the weekly digest."""
from __future__ import annotations

import datetime as dt

import pytest

from survey_engine import clock
from survey_engine.errors import Invalid, PermissionDenied
from survey_engine.services import audit, contacts, mailer, reminders, responses
from survey_engine.services import users as auth_service
from survey_engine.services.access import system_actor
from survey_engine.services.policy import Principal, Role
from survey_engine.store.mail_tables import OutboxMessage
from survey_engine.store.tables import Round
from tests.survey_samples import FULL_2024, V2024, setup_round
from tests.helpers.auth import ensure_units

ADMIN = system_actor("tests")


async def _round(closes_in: int | None = 5, units=("a", "b", "c")) -> dict:
    """An open round on units a, b, c; c has submitted. a's contact reads Swedish, b's English."""
    rnd = await setup_round(V2024, units, name="Självskattning 2026")
    if closes_in is not None:
        await Round.update({Round.closes_on: reminders.today() + dt.timedelta(days=closes_in)}).where(
            Round.id == rnd.id)
    await contacts.replace_contacts([
        contacts.contact_input("a", "registrator@a.example.invalid", "Registrator A", "sv"),
        contacts.contact_input("a", "samordnare@a.example.invalid", "", "sv"),
        contacts.contact_input("b", "contact@b.example.invalid", "Contact B", "en"),
        contacts.contact_input("c", "kansli@c.example.invalid", "", "sv"),
    ], actor=ADMIN)
    state, _ = await responses.start_response(rnd.id, "c", actor=ADMIN)
    state = await responses.save_answers(state.id, state.revision, FULL_2024, actor=ADMIN)
    await responses.submit_response(state.id, actor=ADMIN)
    return rnd


async def test_deadline_reminders_reach_units_not_submitted_in_their_language(db, smtp, monkeypatch):
    rnd = await _round(closes_in=5)
    result = await reminders.send_due(actor=ADMIN)
    assert result.errors == [] and result.sent == result.queued > 0
    box = smtp.mailbox
    # c has submitted: nothing to its address
    assert box.to("kansli@c.example.invalid") == []
    deadline = reminders.today() + dt.timedelta(days=5)
    for address in ("registrator@a.example.invalid", "samordnare@a.example.invalid"):
        kinds = {m.subject.split(":")[0] for m in box.to(address)}
        got = box.to(address)
        assert len(got) == 2, [m.subject for m in got]  # "has opened" and the 7-day reminder
        reminder = next(m for m in got if m.subject.startswith("Påminnelse"))
        assert reminder.language == "sv" and reminder.recipients == [address]
        assert "Självskattning 2026" in reminder.subject and "Självskattning 2026" in reminder.body
        assert reminders._date(deadline, "sv") in reminder.body and "om 5 dagar" in reminder.body
        assert "Enhet a har ännu inte skickat in" in reminder.body
        assert str(reminder.message["From"]) == "enkat@kommun.example"
        assert any(s.startswith("Enkätomgången") for s in kinds)
    english = box.to("contact@b.example.invalid")
    assert len(english) == 2
    reminder = next(m for m in english if m.subject.startswith("Reminder"))
    assert reminder.language == "en" and "in 5 days" in reminder.body
    assert reminders._date(deadline, "en") in reminder.body and "Påminnelse" not in reminder.body

    # idempotent: the same day again sends nothing
    before = len(box.received)
    again = await reminders.send_due(actor=ADMIN)
    assert again.queued == 0 and again.sent == 0 and len(box.received) == before
    # the 1-day reminder is a new one, once
    later = clock.now() + dt.timedelta(days=4)
    monkeypatch.setattr(clock, "now", lambda: later)
    third = await reminders.send_due(actor=ADMIN)
    assert third.sent == 3  # a's two addresses and b's one; not "opened" again
    assert all("i morgon" in m.body for m in box.received[before:] if m.language == "sv")
    assert all("tomorrow" in m.body for m in box.received[before:] if m.language == "en")
    assert (await reminders.send_due(actor=ADMIN)).sent == 0
    assert {m.round_id for m in (await mailer.list_outbox(actor=ADMIN))[0]} == {rnd.id}


async def test_no_reminder_before_the_first_step_or_after_the_deadline(db, smtp):
    assert reminders.deadline_step(dt.date(2026, 3, 31), dt.date(2026, 3, 1), (7, 1)) is None
    assert reminders.deadline_step(dt.date(2026, 3, 31), dt.date(2026, 3, 24), (7, 1)) == 7
    assert reminders.deadline_step(dt.date(2026, 3, 31), dt.date(2026, 3, 30), (7, 1)) == 1
    assert reminders.deadline_step(dt.date(2026, 3, 31), dt.date(2026, 3, 31), (7, 1)) == 1
    assert reminders.deadline_step(dt.date(2026, 3, 31), dt.date(2026, 4, 1), (7, 1)) is None
    await _round(closes_in=30)
    await Round.update({Round.opened_at: clock.now() - dt.timedelta(days=40)}).where(Round.id > 0)
    result = await reminders.send_due(actor=ADMIN)
    assert result.queued == 0 and smtp.mailbox.received == []


async def test_a_refusing_server_leaves_the_reminder_queued_with_the_error_then_delivers(db, smtp):
    await _round(closes_in=1)
    smtp.mailbox.refuse = "554 5.7.1 Relay access denied"
    result = await reminders.send_due(actor=ADMIN)
    assert result.sent == 0 and result.retry_later == result.queued > 0
    assert any("554" in e for e in result.errors)
    rows = await OutboxMessage.select().where(OutboxMessage.kind == "deadline")
    assert rows and all(r["status"] == "queued" and "554" in r["last_error"] and r["attempts"] == 1 for r in rows)
    problems, total = await mailer.list_outbox(problems=True, actor=ADMIN)
    assert total == result.queued and all("554" in p.last_error for p in problems)
    assert smtp.mailbox.received == []

    smtp.mailbox.refuse = None
    later = await reminders.send_due(actor=ADMIN)
    assert later.queued == 0 and later.sent == result.queued and later.errors == []
    assert len(smtp.mailbox.to("contact@b.example.invalid")) == 2
    rows = await OutboxMessage.select().where(OutboxMessage.kind == "deadline")
    assert all(r["status"] == "sent" and r["last_error"] == "" and r["attempts"] == 2 for r in rows)
    assert (await mailer.list_outbox(problems=True, actor=ADMIN))[1] == 0


async def test_a_stopped_server_loses_nothing(db, smtp):
    await _round(closes_in=3)
    smtp.stop()
    result = await reminders.send_due(actor=ADMIN)
    assert result.sent == 0 and result.retry_later > 0
    assert any("vägrade" in e or "refused" in e for e in result.errors), result.errors
    counts = await mailer.outbox_counts()
    assert counts.queued == result.queued == counts.waiting_with_error and counts.sent == 0
    smtp.start()
    later = await reminders.send_due(actor=ADMIN)
    assert later.sent == result.queued
    assert (await mailer.outbox_counts()).queued == 0


async def test_too_many_attempts_mark_failed_and_a_retry_sends(db, smtp, monkeypatch):
    await _round(closes_in=1)
    monkeypatch.setattr(mailer, "MAX_ATTEMPTS", 2)
    smtp.mailbox.refuse = "554 no"
    await reminders.send_due(actor=ADMIN)
    await reminders.send_due(actor=ADMIN)
    failed, n = await mailer.list_outbox(status="failed", actor=ADMIN)
    assert n > 0 and all(f.attempts == 2 for f in failed)
    assert (await reminders.send_due(actor=ADMIN)).sent == 0  # failed ones wait for a person
    smtp.mailbox.refuse = None
    out = await mailer.retry(failed[0].id, actor=ADMIN)
    assert out.sent == 1 and out.message.status == "sent" and out.message.body
    assert len(smtp.mailbox.received) == 1
    analyst = Principal("ann", Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        await mailer.retry(failed[1].id, actor=analyst)


async def test_dry_run_sends_and_stores_nothing(db, smtp):
    await _round(closes_in=5)
    result = await reminders.send_due(dry_run=True, actor=ADMIN)
    assert result.dry_run and len(result.would_queue) == 6
    assert {i.recipient for i in result.would_queue} == {
        "registrator@a.example.invalid", "samordnare@a.example.invalid", "contact@b.example.invalid"}
    assert await OutboxMessage.count() == 0 and smtp.mailbox.received == []


async def test_unset_smtp_host_keeps_messages_queued(db, monkeypatch):
    monkeypatch.delenv("SMTP_HOST", raising=False)
    await _round(closes_in=5)
    result = await reminders.send_due(actor=ADMIN)
    assert result.sent == 0 and result.retry_later == result.queued > 0
    assert "SMTP_HOST" in result.errors[0]


async def test_the_button_reminds_once_an_hour_per_unit(db, smtp, monkeypatch):
    rnd = await _round(closes_in=10)
    analyst = Principal("analytiker", Role.ANALYST)
    out = await reminders.remind_unit(rnd.id, "a", actor=analyst)
    assert out.sent == 2 and len(smtp.mailbox.received) == 2
    assert smtp.mailbox.received[0].subject.startswith("Påminnelse: Självskattning 2026")
    with pytest.raises(reminders.TooSoon) as info:
        await reminders.remind_unit(rnd.id, "a", actor=analyst)
    assert info.value.status_code == 429 and "Du kan skicka en ny om" in info.value.text.sv
    # another unit is not held back
    assert (await reminders.remind_unit(rnd.id, "b", actor=analyst)).sent == 1
    # a unit that has submitted, or is not in the round: a clear refusal
    with pytest.raises(Exception, match="redan skickat in"):
        await reminders.remind_unit(rnd.id, "c", actor=analyst)
    with pytest.raises(Exception, match="deltar inte"):
        await reminders.remind_unit(rnd.id, "zz", actor=analyst)
    # respondents and planners may not
    for who in (Principal("r", Role.RESPONDENT, frozenset({"a"})), Principal("p", Role.PLANNER)):
        with pytest.raises(PermissionDenied):
            await reminders.remind_unit(rnd.id, "a", actor=who)
    later = clock.now() + dt.timedelta(minutes=61)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert (await reminders.remind_unit(rnd.id, "a", actor=analyst)).sent == 2
    events = await audit.list_events(audit.AuditFilter(action="reminder.send"))
    assert sorted((e.actor, e.unit) for e in events) == [("analytiker", "a"), ("analytiker", "a"), ("analytiker", "b")]


async def test_a_unit_without_addresses_gets_a_clear_message(db, smtp):
    rnd = await _round(closes_in=10, units=("a", "b", "c", "d"))
    with pytest.raises(Invalid, match="ingen kontaktadress"):
        await reminders.remind_unit(rnd.id, "d", actor=ADMIN)


async def test_respondents_with_addresses_are_reminded_too(db, smtp):
    rnd = await _round(closes_in=10)
    await ensure_units("a")
    await auth_service.create_user(ADMIN, "resp-a", Role.RESPONDENT, units=["a"], email="resp@a.example.invalid")
    await reminders.remind_unit(rnd.id, "a", actor=ADMIN)
    assert len(smtp.mailbox.to("resp@a.example.invalid")) == 1


async def test_returned_response_and_weekly_digest(db, smtp):
    rnd = await _round(closes_in=10)
    await auth_service.create_user(ADMIN, "analytiker", Role.ANALYST, email="analys@stad.example.invalid")
    resp = await responses.find_response(rnd.id, "c", actor=ADMIN)
    out = await reminders.notify_response_returned(resp.id, "Fråga 3 saknar belägg.", actor=ADMIN)
    assert out.sent == 1
    returned = smtp.mailbox.to("kansli@c.example.invalid")[0]
    assert "skickats tillbaka" in returned.subject and "Fråga 3 saknar belägg." in returned.body

    await reminders.send_due(actor=ADMIN)
    digest = smtp.mailbox.to("analys@stad.example.invalid")
    assert len(digest) == 1 and digest[0].subject == "Veckosammanfattning: öppna enkätomgångar"
    assert "1 av 3 förvaltningar har skickat in" in digest[0].body and "Enhet a, Enhet b" in digest[0].body
    await reminders.send_due(actor=ADMIN)
    assert len(smtp.mailbox.to("analys@stad.example.invalid")) == 1  # once a week


async def test_contacts_are_checked_all_or_nothing(db):
    await setup_round(V2024, ("a", "b"))
    text = "unit,email,name,language\na,ok@a.example.invalid,Ok,sv\nb,not-an-address,,sv\nzz,x@y.example,,en\na,q@a.example,,fi\n"
    with pytest.raises(Invalid) as info:
        await contacts.replace_contacts(contacts.parse_contacts_csv(text, "c.csv"), actor=ADMIN)
    lines = sorted(e.get("line") for e in info.value.errors)
    assert lines == [3, 4, 5]
    assert await contacts.list_contacts(actor=ADMIN) == []
    ok = "unit,email\na,ok@a.example.invalid\nb,b@b.example.invalid\n"
    assert (await contacts.replace_contacts(contacts.parse_contacts_csv(ok), actor=ADMIN))["contacts"] == 2
    await contacts.add_contact("a", "two@a.example.invalid", "Två", "en", actor=ADMIN)
    await contacts.remove_contact("b", "B@b.example.invalid", actor=ADMIN)
    assert [(c["unit"], c["email"], c["language"]) for c in await contacts.list_contacts(actor=ADMIN)] == [
        ("a", "ok@a.example.invalid", "sv"), ("a", "two@a.example.invalid", "en")]
    with pytest.raises(PermissionDenied):
        await contacts.list_contacts(actor=Principal("r", Role.RESPONDENT, frozenset({"a"})))
    with pytest.raises(Invalid):
        await contacts.add_contact("a", "evil@a.example\r\nBcc: x@y.example", actor=ADMIN)


async def test_two_clicks_at_once_queue_one_reminder(db, smtp, monkeypatch):
    """Both clicks pass the hourly check before either has queued (as two requests at the
    same moment would): the outbox key, which names the hour, lets only one through."""
    rnd = await _round(closes_in=10)

    async def nobody_reminded_yet(round_id):
        return {}

    monkeypatch.setattr(reminders, "last_manual", nobody_reminded_yet)
    assert (await reminders.remind_unit(rnd.id, "b", actor=ADMIN)).sent == 1
    with pytest.raises(reminders.TooSoon):
        await reminders.remind_unit(rnd.id, "b", actor=ADMIN)
    assert len(smtp.mailbox.received) == 1
