"""The demo gets contact addresses (reserved .invalid domain) and its open round can be reminded."""
import datetime as dt

import pytest

from survey_engine.services import contacts, reminders, rounds
from survey_engine.services.access import system_actor
from survey_engine.services.demo import DRAFT_2026, NOT_STARTED_2026, UNITS, load_demo
from survey_engine.store.mail_tables import OutboxMessage

pytestmark = pytest.mark.db
ADMIN = system_actor("tests")


async def test_demo_units_have_contacts_and_reminders_go_to_units_not_submitted(db, questionnaires_dir, monkeypatch):
    await load_demo(questionnaires_dir, log=lambda *_: None)
    items = await contacts.list_contacts(actor=ADMIN)
    assert {c["unit"] for c in items} == {u.code for u in UNITS}
    assert all(c["email"].endswith(".example.invalid") for c in items)
    assert [c["language"] for c in items if c["unit"] == "MKB"] == ["sv", "en"]

    r26 = (await rounds.list_rounds(status="open"))[0][0]
    monkeypatch.setattr(reminders, "today", lambda: dt.date(2026, 12, 12))  # six days before its deadline
    plan = await reminders.send_due(r26.id, dry_run=True, actor=ADMIN)
    deadline = [i for i in plan.would_queue if i.kind == "deadline"]
    assert {i.unit for i in deadline} == DRAFT_2026 | NOT_STARTED_2026
    assert all(i.subject.startswith("Påminnelse: Cybersäkerhetskollen 2026") for i in deadline)

    monkeypatch.delenv("SMTP_HOST", raising=False)
    await reminders.send_due(r26.id, actor=ADMIN)
    assert await OutboxMessage.count() > 0
    await load_demo(questionnaires_dir, reset=True, log=lambda *_: None)
    assert await OutboxMessage.count() == 0  # a new demo starts with an empty outbox
    assert len(await contacts.list_contacts(actor=ADMIN)) == len(items)
