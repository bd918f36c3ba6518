"""Pages for reminders by e-mail: the overview's "Skicka påminnelse" button, the outbox
with failed sends and their retry button, and a unit's contact addresses. Rules:
docs/operations.md, "E-mail reminders"."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from survey_engine.errors import AppError, NotFound
from survey_engine.text import Text
from survey_engine.services import contacts as contacts_service
from survey_engine.services import mailer, reminders
from survey_engine.services import units as units_service
from survey_engine.services.policy import Action, Principal, decide
from survey_engine.web.ui.common import (
    NavItem, error_items, form_text, lang_of, need, redirect, register_nav, render, service_message,
)

register_nav(NavItem("outbox", "/utskick", "Utskick", "E-mail", Action.REMINDER_READ, None, 50))

MAX_ID = 2_147_483_647


async def overview_context(principal: Principal, round_id: int) -> dict[str, Any] | None:
    """What the round overview shows about reminders (None for those who may not see it)."""
    if not decide(principal, Action.REMINDER_READ).allowed:
        return None
    state = await reminders.round_reminder_state(round_id)
    return {"units": state.units, "problems": state.problems,
            "may_send": decide(principal, Action.REMINDER_SEND).allowed}


def _message(exc: Exception, lang: str) -> str:
    message = service_message(exc, lang)
    items = error_items(exc, lang) if isinstance(exc, AppError) else []
    return message + (" " + "; ".join(items) if items else "")


@post("/analys/omgang/{round_id:int}/paminnelse/{code:str}", name="ui.reminder.send")
async def send_reminder(request: Request, round_id: FromPath[int], code: FromPath[str]) -> Response:
    principal = need(request, Action.REMINDER_SEND)
    lang = lang_of(request)
    if not 1 <= round_id <= MAX_ID:  # ids are 32-bit in PostgreSQL
        raise NotFound(Text("Omgången finns inte", "No such round"))
    back = f"/analys/omgang/{round_id}"
    try:
        result = await reminders.remind_unit(round_id, code[:64], actor=principal)
    except AppError as exc:
        if exc.status_code == 404:
            raise
        return render(request, "reminders/refused.html", status=exc.status_code, message=_message(exc, lang),
                      back=back)
    if result.sent == result.recipients:
        text = (f"påminnelse skickad till {code} ({result.recipients} adresser)" if lang == "sv"
                else f"reminder sent to {code} ({result.recipients} addresses)")
    else:
        text = (f"påminnelsen till {code} ligger i kön och skickas vid nästa försök: {'; '.join(result.errors)}"
                if lang == "sv" else
                f"the reminder to {code} is queued and will be tried again: {'; '.join(result.errors)}")
    # the notice before the fragment, so that the page shows it and scrolls to the section
    return Redirect(path=f"{back}?ok={quote(text[:200])}#paminnelser", status_code=303)


@get("/utskick", name="ui.outbox")
async def outbox_page(request: Request) -> Template:
    principal = need(request, Action.REMINDER_READ)
    problems, n_problems = await mailer.list_outbox(problems=True, limit=200, actor=principal)
    recent, total = await mailer.list_outbox(limit=50, actor=principal)
    return render(request, "reminders/outbox.html", problems=problems, n_problems=n_problems, recent=recent,
                  total=total, counts=await mailer.outbox_counts(),
                  may_send=decide(principal, Action.REMINDER_SEND).allowed, max_attempts=mailer.MAX_ATTEMPTS)


@post("/utskick/{message_id:int}/forsok-igen", name="ui.outbox.retry")
async def retry_message(request: Request, message_id: FromPath[int]) -> Response:
    principal = need(request, Action.REMINDER_SEND)
    lang = lang_of(request)
    if not 1 <= message_id <= MAX_ID:
        raise NotFound(Text("Meddelandet finns inte", "No such message"))
    try:
        result = await mailer.retry(message_id, actor=principal)
    except AppError as exc:
        if exc.status_code == 404:
            raise
        return render(request, "reminders/refused.html", status=exc.status_code, message=_message(exc, lang),
                      back="/utskick")
    message = result.message
    if message.status == "sent":
        text = f"meddelande {message_id} skickat" if lang == "sv" else f"message {message_id} sent"
    else:
        text = (f"meddelande {message_id} kunde inte skickas: {message.last_error}" if lang == "sv"
                else f"message {message_id} could not be sent: {message.last_error}")
    return redirect("/utskick", text[:200])


# ---------------------------------------------------------------- a unit's contacts


async def _contacts_page(request: Request, code: str, status: int = 200, **ctx: Any) -> Template:
    principal = need(request, Action.REMINDER_READ)
    unit = await units_service.get_unit(code[:64])
    items = await contacts_service.list_contacts(unit.code, actor=principal)
    return render(request, "reminders/contacts.html", status=status, unit=unit, contacts=items,
                  may_manage=decide(principal, Action.UNIT_MANAGE).allowed, **ctx)


@get("/admin/enheter/{code:str}/kontakter", name="ui.unit.contacts")
async def contacts_page(request: Request, code: FromPath[str]) -> Template:
    return await _contacts_page(request, code)


@post("/admin/enheter/{code:str}/kontakter", name="ui.unit.contacts.add")
async def contacts_add(request: Request, code: FromPath[str]) -> Response:
    principal = need(request, Action.UNIT_MANAGE)
    form = await request.form()
    values = {k: form_text(form, k).strip()[:300] for k in ("email", "name", "language")}
    try:
        await contacts_service.add_contact(code[:64], values["email"], values["name"], values["language"] or "sv",
                                           actor=principal)
    except AppError as exc:
        if exc.status_code == 404:
            raise
        return await _contacts_page(request, code, exc.status_code, form_values=values,
                                    form_message=_message(exc, lang_of(request)))
    lang = lang_of(request)
    return redirect(f"/admin/enheter/{code}/kontakter",
                    f"{values['email']} tillagd" if lang == "sv" else f"{values['email']} added")


@post("/admin/enheter/{code:str}/kontakter/ta-bort", name="ui.unit.contacts.remove")
async def contacts_remove(request: Request, code: FromPath[str]) -> Response:
    principal = need(request, Action.UNIT_MANAGE)
    form = await request.form()
    email = form_text(form, "email").strip()[:300]
    await contacts_service.remove_contact(code[:64], email, actor=principal)
    lang = lang_of(request)
    return redirect(f"/admin/enheter/{code}/kontakter",
                    f"{email} borttagen" if lang == "sv" else f"{email} removed")


ROUTES = [send_reminder, outbox_page, retry_message, contacts_page, contacts_add, contacts_remove]
