"""The respondent's pages: my surveys, one area at a time, the summary before
submitting, submitting, and the result (as a preview before submitting).

The services check the unit of every response against the principal (a respondent
who changes the id in the address gets 403); these controllers add the page logic.
"""
from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Response, Template

from survey_engine.services.policy import Action, Principal, decide
from survey_engine.services import indicators as indicators_service
from survey_engine.services import mailer
from survey_engine.services import printable
from survey_engine.services import provided as provided_service
from survey_engine.services import responses as responses_service
from survey_engine.services import rounds as rounds_service
from survey_engine.errors import Conflict, Invalid, Locked
from survey_engine.services.questionnaires import questionnaire_by_id
from survey_engine.services.views import AnswerState, ResponseState
from survey_engine.web.mail_later import after_response
from survey_engine.web.ui import survey as sv
from survey_engine.web.ui import evidence as evidence_pages
from survey_engine.web.ui.signoff import returned_notice, returned_of, sign_state  # sign-off (docs/sign-off.md)
from survey_engine.web.ui.common import (
    current, error_items, form_text, lang_of, need, redirect, render, service_message,
)
from survey_engine.text import Text
from survey_engine.scoring import score_response
from survey_engine.services.units import list_units
from survey_engine.errors import NotFound
from survey_engine.web.i18n import clock


async def _load(principal: Principal, response_id: int) -> tuple[ResponseState, dict[str, Any], Any]:
    state = await responses_service.get_response(response_id, actor=principal)
    rnd = await rounds_service.get_round(state.round_id)
    q = await questionnaire_by_id(rnd.questionnaire_version_id)
    return state, rnd, q


def _editable(principal: Principal, state: ResponseState, rnd: dict[str, Any]) -> bool:
    return (decide(principal, Action.RESPONSE_WRITE, state.unit).allowed
            and state.status != "submitted" and rnd.status == "open")


def _score(q, values: dict[str, Any]) -> dict[str, Any]:
    return score_response(q, values).to_dict()


# ---------------------------------------------------------------- my surveys


@get("/mina-enkater", name="ui.mine")
async def my_surveys(request: Request) -> Template:
    principal = need(request, Action.RESPONSE_READ, somewhere=True)

    rows, _ = await rounds_service.list_rounds(limit=1000)
    names = {u.code: u.name for u in (await list_units(limit=1000))[0]}
    items = []
    for rnd in reversed(rows):  # newest first
        q = None
        for unit in rnd.units:
            if not decide(principal, Action.RESPONSE_READ, unit).allowed:
                continue
            if principal.units and unit not in principal.units:
                continue
            state = await responses_service.find_response(rnd.id, unit, actor=principal)
            completeness = None
            if state is not None:
                q = q or await questionnaire_by_id(rnd.questionnaire_version_id)
                completeness = _score(q, responses_service.values_of(state))["overall"]["completeness"]
            sign = await sign_state(principal, state.id) if state is not None else None
            items.append({
                "round": rnd, "unit": unit, "unit_name": names.get(unit, unit), "state": state, "completeness": completeness,
                "returned": returned_of(sign), "approved": bool(sign and sign.approved),
                "can_start": state is None and rnd.status == "open"
                and decide(principal, Action.RESPONSE_WRITE, unit).allowed,
            })
    return render(request, "mine.html", items=items)


@post("/mina-enkater/starta", name="ui.mine.start")
async def start(request: Request) -> Response:
    principal = current(request)
    form = await request.form()
    unit = form_text(form, "unit")
    try:
        round_id = int(form_text(form, "round"))
    except ValueError:
        round_id = 0
    need(request, Action.RESPONSE_WRITE, unit)
    state, _ = await responses_service.start_response(round_id, unit, actor=principal)
    return redirect(f"/svar/{state.id}")


# ---------------------------------------------------------------- areas


@get("/svar/{response_id:int}", name="ui.response")
async def response_start(request: Request, response_id: FromPath[int]) -> Response:
    principal = current(request)
    state, rnd, q = await _load(principal, response_id)
    if state.status == "submitted":
        return redirect(f"/svar/{response_id}/resultat")
    return redirect(f"/svar/{response_id}/omrade/{q.areas[0].id}")


def _area_context(request: Request, principal: Principal, state, rnd, q, area, *, raw=None, comments=None,
                  evidence=None, errors=None, theirs=None, message=None, message_kind="info",
                  revision=None, parsed=None, measured=None, provided=None) -> dict[str, Any]:
    lang = lang_of(request)
    values = responses_service.values_of(state)
    shown_values = dict(values)
    if raw is not None:  # the user's own input, kept on errors and conflicts
        for qid, value in raw.items():
            shown_values[qid] = value
    scored = dict(values)
    for qid, value in (parsed or {}).items():
        if value is None:
            scored.pop(qid, None)
        elif qid not in (errors or {}):
            scored[qid] = value
    try:
        result = _score(q, scored)
    except Exception:  # the typed values did not pass the checks: show the saved state
        result = _score(q, values)
    visible = sv.visibility(result)
    progress = sv.area_progress(q, result, shown_values)
    questions = []
    for question in area.questions:
        saved = state.answers.get(question.id)
        value = shown_values.get(question.id)
        questions.append({
            "q": question,
            "dom": sv.dom_id(question.id),
            "text": sv.text(question.text, lang, q),
            "guidance": sv.text(question.guidance, lang, q) if question.guidance else "",
            "options": sv.options_of(q, question, lang),
            "value": value if raw is not None and question.id in raw else sv.input_value(question, value, lang),
            "shown": sv.display_value(q, question, values.get(question.id), lang),
            "comment": (comments or {}).get(question.id, saved.comment if saved else ""),
            "evidence": (evidence or {}).get(question.id, saved.evidence if saved else ""),
            "visible": visible.get(question.id, True),
            "show_if": sv.condition_json(question.show_if),
            "error": (errors or {}).get(question.id),
            "theirs": (theirs or {}).get(question.id),
            **_changed_by(saved, principal),
            "max_length": question.max_length or 4000,
            "measured": (measured or {}).get(question.id),
            "provided": (provided or {}).get(question.id),  # shared answers (docs/shared-answers.md)
        })
    index = [a.id for a in q.areas].index(area.id)
    # Values the page's script cannot read from the area form: other areas' questions and
    # the provided questions the unit has not overridden (read-only, no input), so that a
    # show_if on them sees the effective answer as the server does.
    locked = sv.provided_locked(provided or {})
    others = {qq.id: v for qq in q.questions() if qq.area != area.id or qq.id in locked
              for v in [values.get(qq.id)] if v is not None}
    return {
        "state": state, "round": rnd, "q": q, "area": area, "questions": questions,
        "area_title": sv.text(area.title, lang, q),
        "area_description": sv.text(area.description, lang, q) if area.description else "",
        "areas": [{"id": a.id, "title": sv.text(a.title, lang, q), "progress": progress[a.id]} for a in q.areas],
        "prev_area": q.areas[index - 1].id if index > 0 else None,
        "next_area": q.areas[index + 1].id if index + 1 < len(q.areas) else None,
        "editable": _editable(principal, state, rnd),
        "revision": state.revision if revision is None else revision,
        "script_data": {
            "questions": [{"id": qq.id, "type": qq.type, "show_if": sv.condition_json(qq.show_if),
                           "dom": sv.dom_id(qq.id)} for qq in q.questions()],
            "others": others,
        },
        "message": message, "message_kind": message_kind,
        "title_q": sv.text(q.title, lang, q),
        "field": sv.field, "NONE": sv.NONE_OF_THESE,
        "has_measured": any(item["measured"] for item in questions),
    }


def _changed_by(saved: AnswerState | None, principal: Principal) -> dict[str, Any]:
    """"Ändrad av X": who else last changed a question (not the reader, not the pre-fill)."""
    by = (saved.updated_by if saved else "") or ""
    if not by or by in (principal.username, responses_service.PREFILL_ACTOR):
        return {"changed_by": None, "changed_at": None}
    return {"changed_by": by, "changed_at": clock(saved.updated_at)}


def _changed_since(q, area, state: ResponseState, principal: Principal, revision: int,
                   lang: str = "sv") -> dict[str, Any]:
    """Questions of the area that someone else changed after `revision` (the merge kept
    their values): the page puts them into its form, so that its next autosave does
    not send back what it had before, and shows who changed them."""
    out = {}
    for question in area.questions:
        saved = state.answers.get(question.id)
        if not saved or saved.revision <= revision:
            continue
        note = _changed_by(saved, principal)
        if note["changed_by"] is None:
            continue
        out[question.id] = {"dom": sv.dom_id(question.id), "type": question.type, "value": saved.value,
                            "input": sv.input_value(question, saved.value, lang), "comment": saved.comment,
                            "evidence": saved.evidence, "by": note["changed_by"], "at": note["changed_at"]}
    return out


async def _measured(q, state) -> dict[str, str]:
    """question id -> "source, period" for the number questions that an indicator
    links to and that have a measured value for the unit (docs/indicators.md §2.3)."""
    found = await indicators_service.measured_answers(q, state.unit)
    return {qid: f"{m['period']}, {m['indicator']}" for qid, m in found.items()}


def _find_area(q, area_id: str):
    area = q.area(area_id)
    if area is None:
        raise NotFound(Text(f"Området {area_id} finns inte i enkäten", f"the questionnaire has no area {area_id}"))
    return area


@get("/svar/{response_id:int}/omrade/{area_id:str}", name="ui.area")
async def area_page(request: Request, response_id: FromPath[int], area_id: FromPath[str]) -> Template:
    saved = request.query_params.get("sparat") == "1"
    principal = current(request)
    state, rnd, q = await _load(principal, response_id)
    area = _find_area(q, area_id)
    lang = lang_of(request)
    message = None
    if saved:
        message = ("Sparat " if lang == "sv" else "Saved ") + clock(state.updated_at)
    measured = await _measured(q, state) if _editable(principal, state, rnd) else {}
    files = await evidence_pages.area_extras(request, principal, response_id)  # evidence files per question
    shared = sv.provided_view(await provided_service.provided_for_response(response_id, actor=principal), q, lang)
    return render(request, "area.html", **_area_context(request, principal, state, rnd, q, area,
                                                         message=message, message_kind="ok", measured=measured,
                                                         provided=shared),
                  returned=await returned_notice(principal, response_id), **files)


def _wants_json(request: Request) -> bool:
    return request.headers.get("x-autosave") == "1"


@post("/svar/{response_id:int}/omrade/{area_id:str}", name="ui.area.save")
async def area_save(request: Request, response_id: FromPath[int], area_id: FromPath[str]) -> Response:
    principal = current(request)
    state, rnd, q = await _load(principal, response_id)
    area = _find_area(q, area_id)
    lang = lang_of(request)
    T = (lambda s, e: e if lang == "en" else s)  # noqa: E731
    form = await request.form()
    answers, comments, evidence, raw, errors = sv.read_area_form(q, area, form, lang)
    # Another unit's answers are not in the form: leave them out of the save.
    shared = sv.provided_view(await provided_service.provided_for_response(response_id, actor=principal), q, lang)
    for qid in sv.provided_locked(shared):
        for part in (answers, comments, evidence, raw, errors):
            part.pop(qid, None)
    try:
        revision = int(form_text(form, "revision"))
    except ValueError:
        # No revision: the save cannot prove it saw the current answers, so it goes
        # through the conflict check as a stale copy rather than
        # overwriting what it did not see. The page's form always sends it.
        revision = 0
    as_json = _wants_json(request)
    # the evidence files, for a page shown again after an error (not for the autosave's JSON)
    files = {} if as_json else await evidence_pages.area_extras(request, principal, response_id)

    def page(status: int, message: str, kind: str = "error", theirs=None, new_revision=None, state_=None):
        ctx = _area_context(request, principal, state_ or state, rnd, q, area, raw=raw, comments=comments,
                            evidence=evidence, errors=errors, theirs=theirs, message=message, parsed=answers,
                            message_kind=kind, revision=new_revision if new_revision is not None else revision,
                            provided=shared)
        return render(request, "area.html", status=status, **ctx, **files)

    # One invalid answer never blocks the rest of the area: the questions
    # that cannot be read or that the service refuses are left out of the save and
    # shown at the question; everything else is saved.
    def without(qids) -> tuple[dict, dict, dict]:
        return ({k: v for k, v in answers.items() if k not in qids}, comments, evidence)

    new_state = None
    try:
        to_save = without(errors)
        try:
            new_state = await responses_service.save_answers(response_id, revision, *to_save, actor=principal)
        except Invalid as exc:
            refused = {err.get("question") for err in exc.errors if err.get("question")}
            if not refused or refused - set(answers):
                raise
            for err in exc.errors:
                message = err.get("message", "")
                errors[err["question"]] = message.partition(" / ")[2 if lang == "en" else 0] if " / " in message else message
            new_state = await responses_service.save_answers(response_id, revision, *without(errors), actor=principal)
    except Conflict as exc:
        current_state = exc.extra.get("current")
        if not current_state:
            if as_json:
                return Response({"message": service_message(exc, lang)}, status_code=409)
            return page(409, service_message(exc, lang))
        theirs = {}
        # Per-question merge: exactly the questions of this save that someone else changed.
        conflicting = {c["question"] for c in exc.extra.get("conflicts") or []}
        for question in area.questions:
            theirs_saved = current_state.answers.get(question.id)
            theirs_value = theirs_saved.value if theirs_saved else None
            if (question.id in conflicting if conflicting else theirs_value != answers.get(question.id)):
                theirs[question.id] = sv.display_value(q, question, theirs_value, lang)
        message = T(
            "Någon annan har sparat ändringar i det här svaret sedan du öppnade sidan. Dina ändringar finns kvar "
            "i formuläret men är inte sparade. Jämför med de sparade svaren nedan och tryck på Spara för att "
            "spara dina svar ändå.",
            "Someone else saved changes to this response after you opened the page. Your changes are still in "
            "the form but have not been saved. Compare them with the saved answers below and press Save to "
            "save yours anyway.",
        )
        if as_json:
            message = T(
                "Någon annan har sparat ändringar i det här svaret sedan du öppnade sidan. Dina ändringar finns "
                "kvar i formuläret men är inte sparade. Jämför med de sparade svaren som visas vid frågorna och "
                "välj Behåll mina svar och spara om dina svar ska gälla.",
                "Someone else saved changes to this response after you opened the page. Your changes are still "
                "in the form but have not been saved. Compare them with the saved answers shown at the questions "
                "and choose Keep my answers and save if yours should stand.",
            )
            return Response({"message": message, "revision": current_state.revision, "theirs": theirs},
                            status_code=409)
        return page(409, message, "warning", theirs=theirs, new_revision=current_state.revision)
    except Invalid as exc:
        for err in exc.errors:
            qid = err.get("question")
            if qid:
                message = err.get("message", "")
                errors[qid] = message.partition(" / ")[2 if lang == "en" else 0] if " / " in message else message
        if as_json:
            return Response({"message": service_message(exc, lang), "errors": errors}, status_code=422)
        return page(422, service_message(exc, lang) + " " + "; ".join(error_items(exc, lang)))
    except Locked as exc:
        if as_json:
            return Response({"message": service_message(exc, lang)}, status_code=423)
        return page(423, service_message(exc, lang))

    if errors:
        texts = {question.id: sv.text(question.text, lang, q) for question in area.questions}
        message = T(f"{len(errors)} svar kunde inte sparas; övriga svar i området är sparade.",
                    f"{len(errors)} answers could not be saved; the other answers of the area are saved.")
        if as_json:
            result = _score(q, responses_service.values_of(new_state))
            return Response({
                "message": message, "revision": new_state.revision, "saved_at": clock(new_state.updated_at),
                "errors": errors, "questions": {qid: texts.get(qid, qid) for qid in errors},
                "progress": {k: list(v) for k, v in sv.area_progress(q, result, responses_service.values_of(new_state)).items()},
                "changed": _changed_since(q, area, new_state, principal, revision, lang),
            }, status_code=422)
        return page(422, message, new_revision=new_state.revision, state_=new_state)
    if as_json:
        result = _score(q, responses_service.values_of(new_state))
        return Response({
            "revision": new_state.revision,
            "saved_at": clock(new_state.updated_at),
            "message": ("Sparat " if lang == "sv" else "Saved ") + clock(new_state.updated_at),
            "progress": {k: list(v) for k, v in sv.area_progress(q, result, responses_service.values_of(new_state)).items()},
            "changed": _changed_since(q, area, new_state, principal, revision, lang),
        }, status_code=200)
    wanted = form_text(form, "measured")[:200]
    if wanted:  # "Hämta uppmätt värde": the form is saved first, so nothing typed is lost
        try:
            await responses_service.fill_measured_value(response_id, wanted, actor=principal,
                                                        revision=new_state.revision)
        except (Conflict, Invalid, Locked, NotFound) as exc:
            return page(exc.status_code, service_message(exc, lang), state_=new_state,
                        new_revision=new_state.revision)
        return redirect(f"/svar/{response_id}/omrade/{area.id}",
                        T("uppmätt värde hämtat; ändra det om det inte stämmer",
                          "measured value fetched; change it if it is not right"))
    go = form_text(form, "go")
    if go == "summary":
        return redirect(f"/svar/{response_id}/sammanfattning")
    if go and q.area(go) is not None:
        return redirect(f"/svar/{response_id}/omrade/{go}")
    return redirect(f"/svar/{response_id}/omrade/{area.id}?sparat=1")


# ---------------------------------------------------------------- summary and submit


async def _summary(request: Request, principal: Principal, response_id: int, status: int = 200,
                   message: str | None = None, confirm_error: str | None = None) -> Template:
    state, rnd, q = await _load(principal, response_id)
    lang = lang_of(request)
    values = responses_service.values_of(state)
    result = _score(q, values)
    missing_ids = responses_service.missing_required(q, result, values)
    shared = sv.provided_view(await provided_service.provided_for_response(response_id, actor=principal), q, lang)
    missing = []
    for qid in missing_ids:
        question = q.question(qid)
        missing.append({"id": qid, "dom": sv.dom_id(qid), "area": question.area,
                        "area_title": sv.text(q.area(question.area).title, lang, q),
                        "text": sv.text(question.text, lang, q), "provided": shared.get(qid)})
    # "Vet ej" answers (an option marked unknown): listed with links so they can be found
    # out before submitting (docs/web-pages.md, "Vet ej in the summary")
    unknown = []
    for outcome in result["questions"]:
        if outcome.get("unknown"):
            question = q.question(outcome["id"])
            unknown.append({"id": outcome["id"], "dom": sv.dom_id(outcome["id"]), "area": question.area,
                            "area_title": sv.text(q.area(question.area).title, lang, q),
                            "text": sv.text(question.text, lang, q)})
    progress = sv.area_progress(q, result, values)
    return render(request, "summary.html", status=status, state=state, round=rnd, q=q, missing=missing, unknown=unknown,
                  areas=[{"id": a.id, "title": sv.text(a.title, lang, q), "progress": progress[a.id]} for a in q.areas],
                  overall=result["overall"], editable=_editable(principal, state, rnd),
                  can_submit=_editable(principal, state, rnd) and decide(principal, Action.RESPONSE_SUBMIT, state.unit).allowed,
                  message=message, confirm_error=confirm_error, title_q=sv.text(q.title, lang, q),
                  returned=await returned_notice(principal, response_id))


@get("/svar/{response_id:int}/sammanfattning", name="ui.summary")
async def summary(request: Request, response_id: FromPath[int]) -> Template:
    return await _summary(request, current(request), response_id)


@post("/svar/{response_id:int}/skicka-in", name="ui.submit")
async def submit(request: Request, response_id: FromPath[int]) -> Response:
    principal = current(request)
    lang = lang_of(request)
    T = (lambda s, e: e if lang == "en" else s)  # noqa: E731
    form = await request.form()
    if form_text(form, "confirm") != "yes":
        return await _summary(request, principal, response_id, 422, confirm_error=T(
            "Kryssa i rutan för att bekräfta att svaret ska skickas in.",
            "Tick the box to confirm that the response is to be submitted."))
    try:
        revision = int(form_text(form, "revision"))
    except ValueError:
        revision = None
    try:
        with mailer.deferring() as mail_ids:  # the approvers' notice goes after the redirect (web/mail_later.py)
            await responses_service.submit_response(response_id, actor=principal, revision=revision)
    except Invalid as exc:
        return await _summary(request, principal, response_id, 422, message=service_message(exc, lang))
    except (Conflict, Locked) as exc:
        return await _summary(request, principal, response_id, exc.status_code, message=service_message(exc, lang))
    return redirect(f"/svar/{response_id}/resultat", background=after_response(mail_ids))


# ---------------------------------------------------------------- result


async def result_context(q, result: dict[str, Any], lang: str, id_prefix: str = "radar-") -> dict[str, Any]:
    """The figures, the radar chart and the gaps of one score result, for a page."""
    from survey_engine import charts  # here, not at the top: matplotlib adds 0.4 s to every start-up

    points = charts.from_score_result(q, result, lang)

    def draw() -> tuple[str, str, str]:
        chart = charts.radar_chart(points, max_level=q.max_level, lang=lang)
        # a second drawing for phones: larger text on a smaller figure (docs/web-pages.md, "Phones")
        small = charts.radar_chart(points, max_level=q.max_level, lang=lang, compact=True)
        return (charts.to_svg_fragment(chart, id_prefix), chart.alt_text,
                charts.to_svg_fragment(small, id_prefix + "m-"))

    svg, alt, svg_small = await asyncio.to_thread(draw)
    gaps = sv.next_level_gaps(q, result, lang)
    areas = []
    for a in result["areas"]:
        area = q.area(a["id"])
        areas.append({**a, "title": sv.text(area.title, lang, q),
                      "level_name": q.level_name(a["level"], lang) if a["level"] else "",
                      "next_level_name": q.level_name((a["level"] or 0) + 1, lang) if a["assessed"] else "",
                      "gaps": gaps.get(a["id"], [])})
    overall = result["overall"]
    return {"overall": overall, "overall_level_name": q.level_name(overall["level"], lang) if overall["level"] else "",
            "result_areas": areas, "radar_svg": svg, "radar_alt": alt, "max_level": q.max_level,
            "radar_svg_small": svg_small}


@get("/svar/{response_id:int}/resultat", name="ui.result")
async def result_page(request: Request, response_id: FromPath[int]) -> Template:
    principal = current(request)
    state, rnd, q = await _load(principal, response_id)
    need(request, Action.SCORES_READ, state.unit)
    lang = lang_of(request)
    result = _score(q, responses_service.values_of(state))
    ctx = await result_context(q, result, lang)
    return render(request, "result.html", state=state, round=rnd, q=q, title_q=sv.text(q.title, lang, q),
                  preview=state.status != "submitted", **ctx)


@get("/svar/{response_id:int}/utskrift", name="ui.print")
async def print_page(request: Request, response_id: FromPath[int]) -> Template:
    """A printable copy of one response (docs/web-pages.md, "Printable answers"): every
    question in questionnaire order with the answer, the comment and the evidence; a
    question hidden by its condition is marked so. Read rights on the unit are checked by
    the service (a respondent sees only their own units)."""
    principal = current(request)
    state, rnd, q = await _load(principal, response_id)
    need(request, Action.RESPONSE_READ, state.unit)
    lang = lang_of(request)
    copy = await printable.printable_answers(response_id, actor=principal, lang=lang)
    # shared answers (docs/shared-answers.md): who answers a question, or the unit's own answer instead
    shared = sv.provided_view(await provided_service.provided_for_response(response_id, actor=principal), q, lang)
    for area in copy["areas"]:
        for row in area["questions"]:
            row["provided"] = shared.get(row["id"])
    return render(request, "print.html", state=state, round=rnd, title_q=copy["questionnaire"]["title"],
                  areas=copy["areas"],
                  **await evidence_pages.area_extras(request, principal, response_id))  # the files' names


ROUTES = [my_surveys, start, response_start, area_page, area_save, summary, submit, result_page, print_page]
