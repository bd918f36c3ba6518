"""/api/v1/reminders (the outbox, sending, retrying), /api/v1/units/{code}/contacts and
/api/v1/rounds/{id}/units/{code}/reminder (the overview's button). Rules:
docs/operations.md, "E-mail reminders"."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from litestar import Controller, get, post, put
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK
from pydantic import BaseModel, ConfigDict, Field

from survey_engine.services import contacts as contacts_service
from survey_engine.services import mailer, reminders
from survey_engine.web.api.common import MAX_INT, Action, Actor, Code, Id, Limit, Offset, errors, requires


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ContactIn(_Input):
    email: str = Field(min_length=1, max_length=254)
    name: str = Field("", max_length=200)
    language: Literal["sv", "en"] = "sv"


class ContactsIn(_Input):
    contacts: list[ContactIn] = Field(max_length=20, description="every address of the unit (replaces the old ones)")


class ContactOut(BaseModel):
    unit: str
    email: str
    name: str
    language: str


class ContactsOut(BaseModel):
    unit: str
    contacts: list[ContactOut]


class SendIn(_Input):
    round: int | None = Field(None, ge=1, le=MAX_INT, description="only this round (and no weekly digest)")
    dry_run: bool = Field(False, description="say what would be queued; store and send nothing")


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    round_id: int | None
    unit_code: str | None
    recipient: str
    language: str
    subject: str
    status: str = Field(description="queued | sent | failed")
    attempts: int
    last_error: str = Field(description="why the last attempt failed (empty when it did not)")
    created_at: dt.datetime
    created_by: str
    last_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None
    body: str | None = None


class OutboxPage(BaseModel):
    items: list[MessageOut]
    total: int
    limit: int
    offset: int


class DeliveryOut(BaseModel):
    """Built from the reminders' typed views (services/views.py) by attribute."""

    model_config = ConfigDict(from_attributes=True)

    sent: int
    retry_later: int = Field(description="messages left queued after a failed attempt")
    failed: int = Field(description="messages given up after too many attempts")
    errors: list[str]


class ReminderItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str = Field(description="opened | deadline | digest")
    round_id: int | None = Field(description="null for the weekly digest")
    unit: str | None
    recipient: str
    language: str
    subject: str


class SendOut(DeliveryOut):
    dry_run: bool
    queued: int | None = None
    queued_items: list[ReminderItemOut] | None = None
    would_queue: list[ReminderItemOut] | None = None
    queued_before: int | None = None


class UnitReminderOut(DeliveryOut):
    unit: str
    recipients: int


class RetryOut(DeliveryOut):
    message: MessageOut


StatusFilter = Annotated[Literal["queued", "sent", "failed"] | None, QueryParameter(description="only this status")]
RoundFilter = Annotated[int | None, QueryParameter(ge=1, le=MAX_INT, description="only this round")]
ProblemsFilter = Annotated[bool, QueryParameter(description="only failed messages and queued ones with an error")]


class ReminderController(Controller):
    path = "/reminders"
    tags = ["reminders"]

    @get("/outbox", summary="The e-mail outbox, newest first", responses=errors(422),
         guards=[requires(Action.REMINDER_READ)])
    async def outbox(self, actor: Actor, status: StatusFilter = None, round: RoundFilter = None,
                     problems: ProblemsFilter = False, limit: Limit = 100, offset: Offset = 0) -> OutboxPage:
        items, total = await mailer.list_outbox(status, round, problems, limit, offset, actor=actor)
        return OutboxPage(items=[MessageOut.model_validate(i) for i in items], total=total, limit=limit, offset=offset)

    @get("/outbox/{message_id:int}", summary="One message of the outbox, with its text", responses=errors(404),
         guards=[requires(Action.REMINDER_READ)])
    async def message(self, message_id: Id, actor: Actor) -> MessageOut:
        return MessageOut.model_validate(await mailer.get_message(message_id, actor=actor))

    @post("/outbox/{message_id:int}/retry", summary="Queue a failed message again and try to send it now",
          status_code=HTTP_200_OK, responses=errors(404, 409), guards=[requires(Action.REMINDER_SEND)])
    async def retry(self, message_id: Id, actor: Actor) -> RetryOut:
        return RetryOut.model_validate(await mailer.retry(message_id, actor=actor))

    @post("/send", summary="Queue the reminders that are due and send the outbox", status_code=HTTP_200_OK,
          description="What `survey-engine reminders send` does: round-opened notices, reminders N days before "
          "the deadline (REMINDER_DAYS_BEFORE) to units that have not submitted, the weekly digest for analysts; "
          "nothing is sent twice. A message the mail server refuses stays queued with the error.",
          responses=errors(404, 422), guards=[requires(Action.REMINDER_SEND)])
    async def send(self, data: JSONBody[SendIn], actor: Actor) -> SendOut:
        return SendOut.model_validate(await reminders.send_due(data.round, dry_run=data.dry_run, actor=actor))


class RoundReminderController(Controller):
    path = "/rounds"
    tags = ["reminders"]

    @post("/{round_id:int}/units/{code:str}/reminder", summary="Remind one unit that has not submitted (once an hour)",
          status_code=HTTP_200_OK, responses=errors(404, 409, 422, 429), guards=[requires(Action.REMINDER_SEND)])
    async def remind(self, round_id: Id, code: Code, actor: Actor) -> UnitReminderOut:
        return UnitReminderOut.model_validate(await reminders.remind_unit(round_id, code, actor=actor))


class ContactController(Controller):
    path = "/units"
    tags = ["units"]

    @get("/{code:str}/contacts", summary="A unit's contact addresses for reminders", responses=errors(404),
         guards=[requires(Action.REMINDER_READ)])
    async def contacts(self, code: Code, actor: Actor) -> ContactsOut:
        items = await contacts_service.list_contacts(code, actor=actor)
        return ContactsOut(unit=code, contacts=[ContactOut.model_validate(c) for c in items])

    @put("/{code:str}/contacts", summary="Replace a unit's contact addresses", responses=errors(404, 422),
         guards=[requires(Action.UNIT_MANAGE)])
    async def set_contacts(self, code: Code, data: JSONBody[ContactsIn], actor: Actor) -> ContactsOut:
        await contacts_service.get_contacts_unit(code)
        items = [contacts_service.contact_input(code, c.email, c.name, c.language) for c in data.contacts]
        await contacts_service.replace_contacts(items, actor=actor, units=[code])
        saved = await contacts_service.list_contacts(code, actor=actor)
        return ContactsOut(unit=code, contacts=[ContactOut.model_validate(c) for c in saved])


REMINDER_HANDLERS = [ReminderController, RoundReminderController, ContactController]
