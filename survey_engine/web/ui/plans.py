"""The improvement plan pages (docs/planning.md): the list of plans, making a plan from a
round, a plan with its actions by half-year (planners move actions, change owners,
statuses, due dates and notes, add and drop actions), a plan's follow-up, and the
city-wide follow-up ("which measures were taken and what effect did they have").

Every form carries the plan revision the page showed. When someone else changed the
plan meanwhile, the page comes back with 409, the current plan and the user's own
input kept in the form of the action they tried to change, so nothing is lost.
"""
from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Response, Template

from survey_engine.services.policy import Action, Principal
from survey_engine.planning import ACTION_STATUSES
from survey_engine.planning.vocabulary import effect_text, status_text
from survey_engine.services import plans as service
from survey_engine.services import recommendations as rec_service
from survey_engine.services import rounds as rounds_service
from survey_engine.errors import Conflict, AppError
from survey_engine.services.questionnaires import get_questionnaire
from survey_engine.services.views import PlanActionView, PlanView, QuestionnaireRef, UnitView
from survey_engine.web.ui.common import (
    NavItem, error_items, form_text, lang_of, need, redirect, register_nav, render, service_message,
)
from survey_engine.questionnaire.model import localized
from survey_engine.services import units as units_service
from survey_engine import clock
from survey_engine.web.i18n import when
from urllib.parse import quote

register_nav(NavItem("plans", "/planer", "Handlingsplaner", "Improvement plans", Action.PLAN_READ, None, 40))

EDIT_FIELDS = ("period", "owner", "status", "due_date", "done_on", "note")


def _words(lang: str) -> dict[str, Any]:
    return {
        "status": {s: status_text(s, lang) for s in ACTION_STATUSES},
        "effect": {e: effect_text(e, lang) for e in ("met", "improved", "unchanged", "worse",
                                                              "not_comparable", None)}
        | {"not_measured": effect_text(None, lang)},
    }


async def _questionnaire(ref):
    """The questionnaire of a QuestionnaireRef (a plan) or of {"id", "version"} (a follow-up)."""
    if isinstance(ref, QuestionnaireRef):
        return (await get_questionnaire(ref.id, ref.version))[1]
    return (await get_questionnaire(ref["id"], ref["version"]))[1]


def _texts(q, actions: list[tuple[int, str | None, str]], lang: str) -> dict[int, str]:
    """Action id -> the question's text in the page's language (own actions: title), for
    (id, question, title) of each action."""

    out = {}
    for action_id, question_id, title in actions:
        question = q.question(question_id) if question_id else None
        out[action_id] = localized(question.text, lang, q.default_language) if question else title
    return out


def _area_titles(qs, lang: str) -> dict[str, str]:
    titles: dict[str, str] = {}
    for q in qs:
        for area in q.areas:
            titles.setdefault(area.id, localized(area.title, lang, q.default_language))
    return titles


# ---------------------------------------------------------------- list and create


async def _plannable_rounds(principal: Principal) -> list[dict[str, Any]]:
    rows, _ = await rounds_service.list_rounds(limit=1000)
    return [r for r in reversed(rows)]


async def _list_page(request: Request, status: int = 200, **extra: Any) -> Template:
    principal = need(request, Action.PLAN_READ, somewhere=True)
    items = await service.list_plans(principal)
    rounds = await _plannable_rounds(principal) if principal.can(Action.PLAN_WRITE) else []
    units: list[UnitView] = []
    if rounds:
        units, _ = await units_service.list_units(limit=1000)
    from_rounds = sorted({(p.round_id, p.round_name) for p in items}, reverse=True)
    return render(request, "plans/list.html", status=status, plans=items, rounds=rounds, units=units,
                  from_rounds=from_rounds, form=extra.pop("form", {}), **extra)


@get("/planer", name="ui.plans")
async def plans_page(request: Request) -> Template:
    return await _list_page(request)


def _int(text: str, default: int | None = None) -> int | None:
    text = (text or "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        return None


@post("/planer", name="ui.plans.create")
async def plans_create(request: Request) -> Response:
    principal = need(request, Action.PLAN_WRITE, somewhere=True)
    form = await request.form()
    lang = lang_of(request)
    values = {k: form_text(form, k).strip() for k in ("round_id", "unit", "start", "periods", "capacity", "method",
                                                      "title")}
    numbers = {"round_id": _int(values["round_id"]), "periods": _int(values["periods"], 4),
               "capacity": _int(values["capacity"], 10)}
    bad = [k for k, v in numbers.items() if v is None]
    if bad:
        message = ("Ange heltal: " if lang == "sv" else "Give whole numbers: ") + ", ".join(bad)
        return await _list_page(request, 422, form=values, create_message=message)
    try:
        plan = await service.create_plan(
            principal, numbers["round_id"], values["unit"] or None, start=values["start"] or None,
            periods=numbers["periods"], capacity=numbers["capacity"], method=values["method"] or "weakest",
            title=values["title"] or None)
    except AppError as exc:
        return await _list_page(request, exc.status_code, form=values, create_message=service_message(exc, lang),
                                create_errors=error_items(exc, lang))
    return redirect(f"/planer/{plan.id}", "plan" if lang == "en" else "planen är sparad")


# ---------------------------------------------------------------- one plan


def _filters(request: Request) -> dict[str, str]:
    """The plan page's filters (docs/web-pages.md, "Plan pages"): status and owner."""
    status = request.query_params.get("status", "")[:40]
    owner = request.query_params.get("ansvarig", "")[:200]
    return {"status": status if status in ACTION_STATUSES else "", "owner": owner}


def _shown(action: PlanActionView, filters: dict[str, str]) -> bool:
    if filters["status"] and action.status != filters["status"]:
        return False
    if filters["owner"]:
        if filters["owner"] == "-":
            return not (action.owner or "").strip()
        return (action.owner or "").strip() == filters["owner"]
    return True


def _saved_id(request: Request) -> int | None:
    return _int(request.query_params.get("sparad", "")[:12])


async def _plan_page(request: Request, plan_id: int, status: int = 200, **extra: Any) -> Template:
    principal = need(request, Action.PLAN_READ, somewhere=True)
    plan = await service.get_plan(principal, plan_id)
    lang = lang_of(request)
    q = await _questionnaire(plan.questionnaire)
    filters = _filters(request)
    shown = [a for a in plan.actions if _shown(a, filters)]
    groups = [{"period": p.period, "effort": p.effort, "over": p.effort > plan.capacity,
               "actions": [a for a in shown if a.period == p.period]} for p in plan.periods]
    groups.append({"period": None, "effort": None, "over": False,
                   "actions": [a for a in shown if a.period is None]})
    owners = sorted({(a.owner or "").strip() for a in plan.actions} - {""}, key=str.casefold)
    saved = _saved_id(request)
    # the audit recommendations each action answers, and those it can be linked to
    recs = await rec_service.recommendation_choices(principal) if principal.can(Action.RECOMMENDATION_READ) else []
    rec_links = await rec_service.links_of_actions([a.id for a in plan.actions]) if recs else {}
    texts = _texts(q, [(a.id, a.question, a.title) for a in plan.actions], lang)
    return render(request, "plans/plan.html", status=status, plan=plan, groups=groups, texts=texts,
                  recommendations=recs, rec_links=rec_links,
                  filters=filters, owners=owners, hidden=len(plan.actions) - len(shown),
                  saved_id=saved, saved_message=request.query_params.get("ok", "")[:200] if saved else "",
                  areas=_area_titles([q], lang), area_ids=[a.id for a in q.areas], levels=[lv.level for lv in q.levels],
                  may_edit=principal.can(Action.PLAN_WRITE, plan.unit), words=_words(lang),
                  statuses=ACTION_STATUSES, kept=extra.pop("kept", {}), **extra)


@get("/planer/{plan_id:int}", name="ui.plan")
async def plan_page(request: Request, plan_id: FromPath[int]) -> Template:
    return await _plan_page(request, plan_id)


def _revision(form) -> int | None:
    return _int(form_text(form, "revision"))


async def _conflict_page(request: Request, plan_id: int, exc: Conflict, kept: dict[str, Any]) -> Template:
    lang = lang_of(request)
    if "current" in exc.extra:
        message = ("Någon annan ändrade planen medan du arbetade, så din ändring sparades inte. Planen nedan är "
                   "den aktuella; dina värden står kvar i formuläret – spara igen om de fortfarande stämmer."
                   if lang == "sv" else
                   "Someone else changed the plan while you were working, so your change was not saved. The plan "
                   "below is the current one; your values are kept in the form: save again if they still hold.")
    else:
        message = service_message(exc, lang)
    return await _plan_page(request, plan_id, 409, error_message=message, kept=kept)


def _wants_json(request: Request) -> bool:
    """static/plans.js saves one action by fetch and asks for JSON (no reload)."""
    return request.headers.get("x-plan-save") == "1"


def _saved_json(plan: PlanView, action_id: int, lang: str) -> Response:
    action = next((a for a in plan.actions if a.id == action_id), None)
    stamp = when(clock.now(), lang)[-5:]
    message = (f"Sparat {stamp}" if lang == "sv" else f"Saved {stamp}")
    return Response({
        "ok": True, "message": message, "revision": plan.revision,
        "action": {k: getattr(action, k) for k in ("id", "period", "owner", "status", "due_date", "note")}
        if action else None,
        "periods": [{"period": p.period, "effort": p.effort, "over": p.effort > plan.capacity} for p in plan.periods],
        "capacity": plan.capacity,
    }, status_code=200, media_type="application/json")


async def _refused_json(plan_id: int, exc: AppError, principal: Principal, lang: str) -> Response:
    """A refusal for the script: the message in the page's language, the items, and the
    plan's current revision (a conflict keeps the user's input in the form)."""
    message = service_message(exc, lang)
    if isinstance(exc, Conflict) and "current" in exc.extra:
        message = ("Någon annan ändrade planen medan du arbetade, så din ändring sparades inte. Dina värden står "
                   "kvar – spara igen om de fortfarande stämmer." if lang == "sv" else
                   "Someone else changed the plan meanwhile, so your change was not saved. Your values are kept: "
                   "save again if they still hold.")
    try:
        revision = (await service.get_plan(principal, plan_id)).revision
    except AppError:
        revision = None
    return Response({"ok": False, "message": message, "errors": error_items(exc, lang), "revision": revision},
                    status_code=exc.status_code, media_type="application/json")


@post("/planer/{plan_id:int}/atgarder/{action_id:int}", name="ui.plan.action")
async def action_update(request: Request, plan_id: FromPath[int], action_id: FromPath[int]) -> Response:
    """Saves one action. From static/plans.js (X-Plan-Save: 1) the answer is JSON and the
    page stays as it is; without the script a redirect back to the action with the
    message beside it (`?sparad=ID&ok=…#action-ID`)."""
    principal = need(request, Action.PLAN_WRITE, somewhere=True)
    form = await request.form()
    lang = lang_of(request)
    changes: dict[str, Any] = {}
    for key in EDIT_FIELDS:
        if key in form:
            value = form_text(form, key).strip()
            changes[key] = (value or None) if key in ("period", "due_date", "done_on") else value
    kept = {"action": action_id, **changes}
    try:
        plan = await service.update_action(principal, plan_id, action_id, _revision(form), changes)
    except Conflict as exc:
        if _wants_json(request):
            return await _refused_json(plan_id, exc, principal, lang)
        return await _conflict_page(request, plan_id, exc, kept)
    except AppError as exc:
        if _wants_json(request):
            return await _refused_json(plan_id, exc, principal, lang)
        message = service_message(exc, lang)
        items = error_items(exc, lang)
        return await _plan_page(request, plan_id, exc.status_code, error_message=message, error_items=items,
                                kept=kept)
    if _wants_json(request):
        return _saved_json(plan, action_id, lang)
    notice = "ändringen är sparad" if lang == "sv" else "change saved"
    return redirect(f"/planer/{plan_id}?sparad={action_id}&ok={quote(notice)}#action-{action_id}")


@post("/planer/{plan_id:int}/atgarder", name="ui.plan.add")
async def action_add(request: Request, plan_id: FromPath[int]) -> Response:
    principal = need(request, Action.PLAN_WRITE, somewhere=True)
    form = await request.form()
    lang = lang_of(request)
    fields: dict[str, Any] = {"title": form_text(form, "title").strip(), "owner": form_text(form, "owner").strip(),
                              "period": form_text(form, "period").strip() or None,
                              "due_date": form_text(form, "due_date").strip() or None,
                              "note": form_text(form, "note").strip()}
    area = form_text(form, "area").strip()
    level = _int(form_text(form, "level"))
    if area:
        fields["area"] = area
    if level is not None:
        fields["level"] = level
    kept = {"action": "new", **fields}
    try:
        await service.add_action(principal, plan_id, _revision(form), fields)
    except Conflict as exc:
        return await _conflict_page(request, plan_id, exc, kept)
    except AppError as exc:
        return await _plan_page(request, plan_id, exc.status_code, error_message=service_message(exc, lang),
                                error_items=error_items(exc, lang), kept=kept)
    return redirect(f"/planer/{plan_id}", "åtgärden är tillagd" if lang == "sv" else "action added")


# ---------------------------------------------------------------- follow-up


async def _follow_up_context(fu: dict[str, Any], lang: str) -> dict[str, Any]:
    q1 = await _questionnaire(fu["before"]["questionnaire"])
    q2 = await _questionnaire(fu["after"]["questionnaire"]) if fu["after"] else None
    texts = _texts(q1, [(a["id"], a["question"], a["title"]) for a in fu["actions"]], lang)
    return {"fu": fu, "texts": texts, "areas": _area_titles([x for x in (q2, q1) if x], lang)}


@get("/planer/{plan_id:int}/uppfoljning", name="ui.plan.followup")
async def follow_up_page(request: Request, plan_id: FromPath[int]) -> Template:
    principal = need(request, Action.PLAN_READ, somewhere=True)
    lang = lang_of(request)
    fu = await service.follow_up(principal, plan_id)
    return render(request, "plans/followup.html", words=_words(lang), **await _follow_up_context(fu, lang))


@get("/planer/uppfoljning", name="ui.plans.summary")
async def summary_page(request: Request) -> Template:
    principal = need(request, Action.PLAN_READ, somewhere=True)
    lang = lang_of(request)
    round_id = _int(request.query_params.get("omgang", "")[:12])
    rounds = sorted({(p.round_id, p.round_name) for p in await service.list_plans(principal)}, reverse=True)
    if round_id is None and rounds:
        round_id = rounds[0][0]
    summary = None
    sections = []
    if round_id is not None:
        summary = await service.follow_up_summary(principal, round_id)
        for fu in summary["units"] + ([summary["city"]] if summary["city"] else []):
            sections.append(await _follow_up_context(fu, lang))
    return render(request, "plans/summary.html", summary=summary, sections=sections, rounds=rounds,
                  round_id=round_id, words=_words(lang), statuses=ACTION_STATUSES,
                  effects=("met", "improved", "unchanged", "worse", "not_comparable", "not_measured"))


ROUTES = [plans_page, plans_create, summary_page, plan_page, action_update, action_add, follow_up_page]
