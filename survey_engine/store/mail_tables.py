"""Tables for e-mail: the units' contact addresses and the outbox of messages to send.

Kept beside tables.py so that the app's table_finder picks them up (see piccolo_app.py).
Rules: docs/operations.md, "E-mail reminders". Keep migrations to add-table / add-column.
"""
from piccolo.columns import ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from survey_engine.store.tables import Unit


class UnitContact(Table, tablename="unit_contact"):
    """An e-mail address that receives a unit's reminders, with the language it reads."""

    key = Varchar(length=320, unique=True)  # "<unit id>:<address, lower-case>"
    unit = ForeignKey(Unit, null=False, index=True, on_delete=OnDelete.cascade)
    email = Varchar(length=254)
    name = Varchar(length=200, default="")
    language = Varchar(length=5, default="sv")  # sv | en
    created_at = Timestamptz(default=TimestamptzNow())
    created_by = Varchar(length=200, default="")


class OutboxMessage(Table, tablename="mail_outbox"):
    """One e-mail to one recipient: queued -> sent, or failed after too many attempts.

    `key` makes every reminder idempotent (kind, round, unit, the day it is for and the
    recipient): the same reminder is never queued twice. A message whose delivery fails
    stays queued with `last_error` and is tried again on the next send."""

    key = Varchar(length=400, unique=True)
    kind = Varchar(length=30, index=True)  # opened | deadline | manual | returned | submitted | digest
    round_id = Integer(null=True, default=None, index=True)
    unit_code = Varchar(length=64, null=True, default=None, index=True)
    recipient = Varchar(length=254)
    language = Varchar(length=5, default="sv")
    subject = Varchar(length=300)
    body = Text()
    status = Varchar(length=20, default="queued", index=True)  # queued | sent | failed
    attempts = Integer(default=0)
    last_error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    created_by = Varchar(length=200, default="")
    claimed_at = Timestamptz(null=True, default=None)  # a sender is delivering it now
    last_attempt_at = Timestamptz(null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)
