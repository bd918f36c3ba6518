"""Pages of shared answers (docs/shared-answers.md):

- `/delade-svar/{round}`: who answers which questions for whom in a round; admins and
  analysts (provider.manage) add and end links, others who compare units read it;
- on the survey page (respondent.py): a provided question is shown read-only with
  "Besvaras av <provider>" and a toggle "Svara själva i stället" whose form posts to
  `/svar/{id}/delat/{question}` with the unit's own answer and a required reason;
  `/svar/{id}/delat/{question}/tillbaka` goes back to the provider's answer.
"""
from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Response, Template

from survey_engine.errors import AppError, NotFound
from survey_engine.services import provided as provided_service
from survey_engine.services import responses as responses_service
from survey_engine.services import rounds as rounds_service
from survey_engine.services.policy import Action, decide
from survey_engine.services.questionnaires import questionnaire_by_id
from survey_engine.text import Text
from survey_engine.web.ui import respondent
from survey_engine.web.ui import survey as sv
from survey_engine.web.ui.common import current, form_list, form_text, lang_of, need, redirect, render, service_message

OVERRIDE_FIELD = "o"  # the override form's answer fields: o:<question id> (the area form has a:<id>)


def _override_form(question, form: Any) -> dict[str, Any]:
    """The override form's fields renamed to the area form's, for `sv.read_area_form`."""
    values: dict[str, Any] = {}
    for kind in ("a", "c", "e"):
        got = form_list(form, f"{OVERRIDE_FIELD}{kind}:{question.id}")
        if got:
            values[sv.field(kind, question.id)] = got
    return values


class _OneQuestionArea:
    def __init__(self, question):
        self.questions = [question]


@post("/svar/{response_id:int}/delat/{question_id:str}", name="ui.provided.override")
async def override(request: Request, response_id: FromPath[int], question_id: FromPath[str]) -> Response:
    principal = current(request)
    lang = lang_of(request)
    state = await responses_service.get_response(response_id, actor=principal)
    rnd = await rounds_service.get_round(state.round_id)
    q = await questionnaire_by_id(rnd.questionnaire_version_id)
    question = q.question(question_id[:200])
    if question is None:
        raise NotFound(Text(f"Frågan {question_id[:200]} finns inte", f"question {question_id[:200]} not found"))
    form = await request.form()
    answers, comments, evidence, _, errors = sv.read_area_form(q, _OneQuestionArea(question), _override_form(question, form),
                                                              lang)
    reason = form_text(form, "reason")
    back = f"/svar/{response_id}/omrade/{question.area}"
    try:
        revision = int(form_text(form, "revision"))
    except ValueError:
        revision = state.revision
    if errors:
        return await _again(request, response_id, question, errors[question.id], reason, form)
    try:
        await provided_service.override_answer(response_id, question.id, answers[question.id], reason,
                                               revision=revision, comment=comments[question.id],
                                               evidence=evidence[question.id], actor=principal)
    except AppError as exc:
        if exc.status_code in (403, 404):
            raise
        return await _again(request, response_id, question, service_message(exc, lang), reason, form,
                            status=exc.status_code)
    return redirect(back, "eget svar sparat med skäl" if lang == "sv" else "own answer saved with its reason")


async def _again(request: Request, response_id: int, question, message: str, reason: str, form: Any,
                 status: int = 422) -> Template:
    """The area page again with the override form open, what was typed and the error."""
    principal = current(request)
    lang = lang_of(request)
    state, rnd, q = await respondent._load(principal, response_id)
    shared = sv.provided_view(await provided_service.provided_for_response(response_id, actor=principal), q, lang)
    if question.id in shared:
        shared[question.id]["typed"] = {
            "reason": reason, "answer": form_list(form, f"{OVERRIDE_FIELD}a:{question.id}"),
            "comment": form_text(form, f"{OVERRIDE_FIELD}c:{question.id}"),
            "evidence": form_text(form, f"{OVERRIDE_FIELD}e:{question.id}"), "error": message}
    ctx = respondent._area_context(request, principal, state, rnd, q, q.area(question.area), message=message,
                                   message_kind="error", provided=shared)
    return render(request, "area.html", status=status, **ctx)


@post("/svar/{response_id:int}/delat/{question_id:str}/tillbaka", name="ui.provided.back")
async def back_to_provider(request: Request, response_id: FromPath[int], question_id: FromPath[str]) -> Response:
    principal = current(request)
    lang = lang_of(request)
    state = await provided_service.remove_override(response_id, question_id[:200], actor=principal)
    rnd = await rounds_service.get_round(state.round_id)
    q = await questionnaire_by_id(rnd.questionnaire_version_id)
    question = q.question(question_id[:200])
    area = question.area if question else q.areas[0].id
    return redirect(f"/svar/{response_id}/omrade/{area}",
                    "tillbaka till den andra enhetens svar" if lang == "sv" else "back to the other unit's answer")


# ---------------------------------------------------------------- configuration page

async def _config_page(request: Request, round_id: int, status: int = 200, **ctx: Any) -> Template:
    principal = need(request, Action.OVERVIEW_READ)
    rnd = await rounds_service.get_round(round_id)
    q = await questionnaire_by_id(rnd.questionnaire_version_id)
    lang = lang_of(request)
    items = await provided_service.list_providers(round_id, actor=principal)
    participants = await provided_service.participants(round_id)
    areas = [{"value": f"area:{a.id}", "label": f"{sv.text(a.title, lang, q)} ({len(a.questions)})"} for a in q.areas]
    tags: dict[str, int] = {}
    for question in q.questions():
        for tag in question.tags:
            tags[tag] = tags.get(tag, 0) + 1
    selectors = ([{"value": f"tag:{t}", "label": f"{t} ({n})", "group": "tag"} for t, n in sorted(tags.items())]
                 + [{**a, "group": "area"} for a in areas])
    return render(request, "provided_admin.html", status=status, round=rnd, items=items,
                  units=sorted(participants.values(), key=lambda u: u["name"]), selectors=selectors,
                  may_manage=decide(principal, Action.PROVIDER_MANAGE).allowed, **ctx)


@get("/delade-svar/{round_id:int}", name="ui.provided.config")
async def config_page(request: Request, round_id: FromPath[int]) -> Template:
    return await _config_page(request, round_id)


@post("/delade-svar/{round_id:int}", name="ui.provided.config.set")
async def config_set(request: Request, round_id: FromPath[int]) -> Response:
    principal = need(request, Action.PROVIDER_MANAGE)
    lang = lang_of(request)
    form = await request.form()
    provider, selector = form_text(form, "provider")[:64], form_text(form, "selector")[:250]
    served = [c[:64] for c in form_list(form, "served")][:1000] or None
    try:
        await provided_service.set_provider(round_id, provider, selector, served, actor=principal)
    except AppError as exc:
        if exc.status_code in (403, 404):
            raise
        return await _config_page(request, round_id, status=exc.status_code, message=service_message(exc, lang),
                                  errors=_items(exc, lang), chosen={"provider": provider, "selector": selector,
                                                                    "served": served or []})
    return redirect(f"/delade-svar/{round_id}", "delade svar sparade" if lang == "sv" else "shared answers saved")


@post("/delade-svar/{round_id:int}/ta-bort", name="ui.provided.config.remove")
async def config_remove(request: Request, round_id: FromPath[int]) -> Response:
    principal = need(request, Action.PROVIDER_MANAGE)
    lang = lang_of(request)
    form = await request.form()
    try:
        await provided_service.remove_provider(round_id, form_text(form, "provider")[:64],
                                               form_text(form, "selector")[:250], None, actor=principal)
    except AppError as exc:
        if exc.status_code == 403:
            raise
        return await _config_page(request, round_id, status=exc.status_code, message=service_message(exc, lang))
    return redirect(f"/delade-svar/{round_id}", "delningen är borttagen" if lang == "sv" else "sharing ended")


def _items(exc: AppError, lang: str) -> list[str]:
    out = []
    for err in exc.errors or []:
        text = err.get("message", "")
        if " / " in text:
            sv_text, _, en = text.partition(" / ")
            text = en if lang == "en" else sv_text
        out.append(text)
    return out


ROUTES = [override, back_to_provider, config_page, config_set, config_remove]
