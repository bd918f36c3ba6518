"""The approver's pages (docs/sign-off.md): the responses waiting for sign-off, and the
review page with a read-only summary of one response and the forms to approve it or
return it with a comment. The services check the unit of every response; these
handlers add the page logic. Also `returned_notice`, the respondents' banner."""
from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Response, Template

from survey_engine.errors import AppError, NotFound
from survey_engine.scoring import score_response
from survey_engine.services import provided as provided_service
from survey_engine.services import responses as responses_service
from survey_engine.services import rounds as rounds_service
from survey_engine.services import mailer, signoff
from survey_engine.services.policy import Action, Principal, Role
from survey_engine.services.questionnaires import questionnaire_by_id
from survey_engine.text import Text
from survey_engine.web.mail_later import after_response
from survey_engine.web.ui import survey as sv
from survey_engine.web.ui.common import (
    NavItem, current, error_items, form_text, lang_of, need, redirect, register_nav, render, service_message,
)

register_nav(NavItem("signoff", "/godkannande", "Att godkänna", "To approve", Action.RESPONSE_APPROVE,
                     frozenset({Role.APPROVER, Role.ADMIN}), 15))

MAX_ID = 2_147_483_647


async def sign_state(principal: Principal, response_id: int) -> signoff.SignoffState | None:
    """The response's sign-off state for a page (None when the reader may not read it)."""
    try:
        return await signoff.signoff_state(response_id, actor=principal)
    except AppError:
        return None


def returned_of(state: signoff.SignoffState | None) -> dict[str, Any] | None:
    """The banner's content while a returned response has not been submitted again."""
    if state is None or not state.returned or state.latest is None:
        return None
    return {"comment": state.latest.comment, "by": state.latest.decided_by, "at": state.latest.decided_at}


async def returned_notice(principal: Principal, response_id: int) -> dict[str, Any] | None:
    """For the respondents' pages: the approver's comment while a returned response has
    not been submitted again (None otherwise, or when the reader may not read it)."""
    return returned_of(await sign_state(principal, response_id))


@get("/godkannande", name="ui.signoff.queue")
async def queue_page(request: Request) -> Template:
    principal = need(request, Action.RESPONSE_APPROVE, somewhere=True)
    waiting = await signoff.approval_queue(actor=principal)
    everything = await signoff.approval_queue(actor=principal, waiting_only=False)
    decided = [i for i in everything if i.state in (signoff.APPROVED, signoff.RETURNED)]
    units = sorted(principal.units) if principal.role is Role.APPROVER else []
    return render(request, "signoff/queue.html", waiting=waiting, decided=decided, units=units)


def _check_id(response_id: int) -> None:
    if not 1 <= response_id <= MAX_ID:  # ids are 32-bit in PostgreSQL
        raise NotFound(Text("Svaret finns inte", "No such response"))


async def _review(request: Request, principal: Principal, response_id: int, status: int = 200,
                  **extra: Any) -> Template:
    _check_id(response_id)
    lang = lang_of(request)
    state = await responses_service.get_response(response_id, actor=principal)
    unit = state.unit
    need(request, Action.RESPONSE_APPROVE, unit)
    sign = await signoff.signoff_state(response_id, actor=principal)
    rnd = await rounds_service.get_round(state.round_id)
    q = await questionnaire_by_id(rnd.questionnaire_version_id)
    values = responses_service.values_of(state)
    snapshot = await responses_service.latest_snapshot(response_id, actor=principal)
    result = snapshot.scores if snapshot is not None and state.status == "submitted" else (
        score_response(q, values).to_dict())
    visible = sv.visibility(result)
    by_area = {a["id"]: a for a in result["areas"]}
    answers = state.answers
    # shared answers (docs/shared-answers.md): say where a provided answer came from, as the printable page does
    shared = sv.provided_view(await provided_service.provided_for_response(response_id, actor=principal), q, lang)
    areas, unknown = [], 0
    for area in q.areas:
        rows = []
        for question in area.questions:
            saved = answers.get(question.id)
            rows.append({"id": question.id, "text": sv.text(question.text, lang, q),
                         "answer": sv.display_value(q, question, values.get(question.id), lang),
                         "comment": saved.comment if saved else "", "evidence": saved.evidence if saved else "",
                         "visible": visible.get(question.id, True), "provided": shared.get(question.id)})
        score = by_area.get(area.id, {})
        areas.append({"id": area.id, "title": sv.text(area.title, lang, q), "questions": rows,
                      "level": score.get("level"), "percent": score.get("percent"),
                      "target": score.get("target_level")})
    unknown = sum(1 for x in result["questions"] if x.get("unknown"))
    return render(request, "signoff/review.html", status=status, state=state, sign=sign, round=rnd,
                  title_q=sv.text(q.title, lang, q), areas=areas, overall=result["overall"],
                  max_level=q.max_level, unknown=unknown, decidable=sign.state == signoff.AWAITING,
                  can_return=sign.state == signoff.AWAITING and rnd.status == "open",
                  max_comment=signoff.MAX_COMMENT, **extra)


@get("/godkannande/{response_id:int}", name="ui.signoff.review")
async def review_page(request: Request, response_id: FromPath[int]) -> Template:
    return await _review(request, current(request), response_id)


def _message(exc: AppError, lang: str) -> str:
    items = error_items(exc, lang)
    return service_message(exc, lang) + (" " + "; ".join(items) if items else "")


def _revision(form: Any) -> int | None:
    try:
        return int(form_text(form, "revision"))
    except ValueError:
        return None


@post("/godkannande/{response_id:int}/godkann", name="ui.signoff.approve")
async def approve(request: Request, response_id: FromPath[int]) -> Response:
    principal = need(request, Action.RESPONSE_APPROVE, somewhere=True)
    _check_id(response_id)
    lang = lang_of(request)
    form = await request.form()
    comment = form_text(form, "comment")[:10_000]
    try:
        await signoff.approve(response_id, actor=principal, comment=comment, revision=_revision(form))
    except AppError as exc:
        if exc.status_code in (403, 404):
            raise
        return await _review(request, principal, response_id, exc.status_code, approve_error=_message(exc, lang),
                             approve_comment=comment)
    return redirect(f"/godkannande/{response_id}", "svaret är godkänt" if lang == "sv" else "the response is approved")


@post("/godkannande/{response_id:int}/skicka-tillbaka", name="ui.signoff.return")
async def return_response(request: Request, response_id: FromPath[int]) -> Response:
    principal = need(request, Action.RESPONSE_APPROVE, somewhere=True)
    _check_id(response_id)
    lang = lang_of(request)
    T = (lambda s, e: e if lang == "en" else s)  # noqa: E731
    form = await request.form()
    comment = form_text(form, "comment")[:10_000]
    if form_text(form, "confirm") != "yes":
        return await _review(request, principal, response_id, 422, return_comment=comment, return_confirm_error=T(
            "Kryssa i rutan för att bekräfta att svaret ska skickas tillbaka.",
            "Tick the box to confirm that the response is to be returned."))
    try:
        with mailer.deferring() as mail_ids:  # the "returned" e-mail goes after the redirect (web/mail_later.py)
            _, mail = await signoff.return_response(response_id, comment, actor=principal, revision=_revision(form))
    except AppError as exc:
        if exc.status_code in (403, 404):
            raise
        return await _review(request, principal, response_id, exc.status_code, return_error=_message(exc, lang),
                             return_comment=comment)
    if mail.errors:
        note = T("svaret är återsänt; e-posten ligger i kön och skickas vid nästa försök",
                 "the response is returned; the e-mail is queued and will be tried again")
    elif mail.deferred:
        note = T(f"svaret är återsänt; e-posten ligger i kön och skickas strax ({mail.deferred} mottagare)",
                 f"the response is returned; the e-mail is queued and will be sent shortly "
                 f"({mail.deferred} recipients)")
    else:
        note = T(f"svaret är återsänt; {mail.sent} e-post skickade",
                 f"the response is returned; {mail.sent} e-mails sent")
    return redirect(f"/godkannande/{response_id}", note, background=after_response(mail_ids))


ROUTES = [queue_page, review_page, approve, return_response]
