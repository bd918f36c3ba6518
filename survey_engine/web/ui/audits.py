"""The audit pages (docs/indicators.md §4–§5): the list of audits (granskningar) with
an upload form, an audit with each recommendation's actions, indicators, questions,
areas and status, a recommendation's page with its edit form, and the follow-up
statement (a preview of the verdicts and the download in DOCX, PDF, HTML or JSON).

Plan writers link a plan action to a recommendation from the plan page (or unlink it
here); the service checks plan.write on the action's own plan.
"""
from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Response, Template

from survey_engine import clock
from survey_engine.errors import AppError, Invalid
from survey_engine.planning import ACTION_STATUSES
from survey_engine.planning.vocabulary import status_text
from survey_engine.reporting.statement import FORMATS, MEDIA_TYPES, VERDICT_LABEL, fmt_value
from survey_engine.reporting.statement import render as render_statement
from survey_engine.services import recommendations as service
from survey_engine.services.policy import Action
from survey_engine.services.statement import build_statement
from survey_engine.text import Text
from survey_engine.web.ui.common import (
    NavItem, form_text, lang_of, need, redirect, register_nav, render, service_message,
)

register_nav(NavItem("audits", "/granskningar", "Granskningar", "Audits", Action.RECOMMENDATION_READ, None, 45))

MAX_UPLOAD = 1024 * 1024


def _problems(exc: Exception, lang: str) -> tuple[str, list[dict[str, Any]]]:
    message = service_message(exc, lang)
    items = []
    for err in getattr(exc, "errors", None) or []:
        text = err.get("message", "")
        if " / " in text:
            sv, _, en = text.partition(" / ")
            text = en if lang == "en" else sv
        items.append({"path": err.get("field") or "", "line": err.get("line"), "message": text})
    return message, items


def _status_words(lang: str) -> dict[str, str]:
    return {s: status_text(s, lang) for s in ACTION_STATUSES}


def _default_period() -> tuple[str, str]:
    """The last full calendar year: what a statement a year after an audit covers."""
    year = clock.local(clock.now()).year - 1
    return f"{year}-01-01", f"{year}-12-31"


# ---------------------------------------------------------------- list and upload

async def _list_page(request: Request, status: int = 200, **extra: Any) -> Template:
    principal = need(request, Action.RECOMMENDATION_READ)
    audits = await service.list_audits(principal)
    return render(request, "audits/list.html", status=status, audits=audits,
                  may_write=principal.can(Action.RECOMMENDATION_WRITE), **extra)


@get("/granskningar", name="ui.audits")
async def audits_page(request: Request) -> Template:
    return await _list_page(request)


@post("/granskningar", name="ui.audits.upload", request_max_body_size=MAX_UPLOAD + 64_000)
async def audits_upload(request: Request) -> Response:
    principal = need(request, Action.RECOMMENDATION_WRITE)
    lang = lang_of(request)
    form = await request.form()
    upload = form.get("file")
    if upload is None or not hasattr(upload, "read"):
        return await _list_page(request, 422, upload_message=(
            "Välj en YAML-fil att ladda upp." if lang == "sv" else "Choose a YAML file to upload."))
    raw = await upload.read()
    name = (getattr(upload, "filename", None) or "granskning.yaml")[:200]
    if len(raw) > MAX_UPLOAD:
        return await _list_page(request, 413, upload_message=(
            "Filen är för stor (högst 1 MB)." if lang == "sv" else "The file is too large (at most 1 MB)."))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return await _list_page(request, 422, upload_message=(
            f"{name}: filen är inte UTF-8-text." if lang == "sv" else f"{name}: the file is not UTF-8 text."))
    try:
        audit = await service.import_audit(text, actor=principal, source=name)
    except AppError as exc:
        message, items = _problems(exc, lang)
        return await _list_page(request, exc.status_code, upload_message=message, upload_errors=items,
                                upload_name=name)
    note = ("inläst" if lang == "sv" else "recorded") if audit.created else ("uppdaterad" if lang == "sv" else "updated")
    return redirect(f"/granskningar/{audit.id}", f"{audit.title}: {note}")


# ---------------------------------------------------------------- one audit

@get("/granskningar/{audit_id:str}", name="ui.audits.one")
async def audit_page(request: Request, audit_id: FromPath[str]) -> Template:
    principal = need(request, Action.RECOMMENDATION_READ)
    audit = await service.get_audit(principal, audit_id[:100])
    start, end = _default_period()
    return render(request, "audits/audit.html", audit=audit, start=start, end=end,
                  status_words=_status_words(lang_of(request)),
                  may_write=principal.can(Action.RECOMMENDATION_WRITE))


async def _rec_page(request: Request, audit_id: str, rec_id: str, status: int = 200, **extra: Any) -> Template:
    principal = need(request, Action.RECOMMENDATION_READ)
    rec = await service.get_recommendation(principal, audit_id[:100], rec_id[:100])
    units_may_write = {a.unit for a in rec.actions if principal.can(Action.PLAN_WRITE, a.unit)}
    lang = lang_of(request)
    # each linked indicator with its target and latest value written for people
    measured = [(i, fmt_value(i.kind, i.target, lang) if i.published else None,
                 fmt_value(i.kind, i.latest.value, lang) if i.latest else None)
                for i in await service.indicator_overview(principal, rec.indicators)]
    return render(request, "audits/recommendation.html", status=status, rec=rec, measured=measured,
                  status_words=_status_words(lang_of(request)),
                  may_write=principal.can(Action.RECOMMENDATION_WRITE), may_unlink=units_may_write,
                  form=extra.pop("form", None), **extra)


@get("/granskningar/{audit_id:str}/rekommendationer/{rec_id:str}", name="ui.audits.recommendation")
async def recommendation_page(request: Request, audit_id: FromPath[str], rec_id: FromPath[str]) -> Template:
    return await _rec_page(request, audit_id, rec_id)


def _ids(text: str) -> list[str]:
    return [x for x in (part.strip() for part in text.replace("\n", ",").split(",")) if x]


@post("/granskningar/{audit_id:str}/rekommendationer/{rec_id:str}", name="ui.audits.recommendation.save")
async def recommendation_save(request: Request, audit_id: FromPath[str], rec_id: FromPath[str]) -> Response:
    principal = need(request, Action.RECOMMENDATION_WRITE)
    lang = lang_of(request)
    form = await request.form()
    kept = {k: form_text(form, k) for k in ("text_sv", "text_en", "responsible", "family", "questions", "areas",
                                            "indicators")}
    fields = {"text": {"sv": kept["text_sv"], "en": kept["text_en"]}, "responsible": kept["responsible"],
              "family": kept["family"].strip() or None, "questions": _ids(kept["questions"]),
              "areas": _ids(kept["areas"]), "indicators": _ids(kept["indicators"])}
    try:
        await service.update_recommendation(principal, audit_id[:100], rec_id[:100], fields)
    except AppError as exc:
        message, items = _problems(exc, lang)
        return await _rec_page(request, audit_id, rec_id, exc.status_code, form=kept, edit_message=message,
                               edit_errors=items)
    return redirect(f"/granskningar/{audit_id}/rekommendationer/{rec_id}",
                    "ändringen är sparad" if lang == "sv" else "change saved")


def _int(text: str) -> int | None:
    try:
        return int((text or "").strip()[:12])
    except ValueError:
        return None


@post("/granskningar/koppla", name="ui.audits.link")
async def link_action(request: Request) -> Response:
    """From the plan page: link the action to the chosen recommendation ("audit/rec")."""
    principal = need(request, Action.PLAN_WRITE, somewhere=True)
    lang = lang_of(request)
    form = await request.form()
    action_id, plan_id = _int(form_text(form, "action_id")), _int(form_text(form, "plan_id"))
    audit_id, _, rec_id = form_text(form, "recommendation").partition("/")
    if action_id is None or not rec_id:
        raise Invalid(Text("Välj en rekommendation att koppla åtgärden till.",
                           "Choose a recommendation to link the action to."))
    await service.link_action(principal, audit_id[:100], rec_id[:100], action_id)
    note = "åtgärden är kopplad" if lang == "sv" else "action linked"
    if plan_id is not None:
        return redirect(f"/planer/{plan_id}#action-{action_id}", note)
    return redirect(f"/granskningar/{audit_id}/rekommendationer/{rec_id}", note)


@post("/granskningar/{audit_id:str}/rekommendationer/{rec_id:str}/ta-bort", name="ui.audits.unlink")
async def unlink_action(request: Request, audit_id: FromPath[str], rec_id: FromPath[str]) -> Response:
    principal = need(request, Action.PLAN_WRITE, somewhere=True)
    lang = lang_of(request)
    form = await request.form()
    action_id = _int(form_text(form, "action_id"))
    if action_id is None:
        raise Invalid(Text("Ingen åtgärd angiven.", "No action given."))
    await service.unlink_action(principal, audit_id[:100], rec_id[:100], action_id)
    return redirect(f"/granskningar/{audit_id}/rekommendationer/{rec_id}",
                    "kopplingen är borttagen" if lang == "sv" else "link removed")


# ---------------------------------------------------------------- the statement

def _period_args(request: Request) -> tuple[str, str]:
    default = _default_period()
    return (request.query_params.get("from", default[0])[:20], request.query_params.get("to", default[1])[:20])


@get("/granskningar/{audit_id:str}/yttrande", name="ui.audits.statement")
async def statement_page(request: Request, audit_id: FromPath[str]) -> Template:
    principal = need(request, Action.RECOMMENDATION_READ)
    lang = lang_of(request)
    start, end = _period_args(request)
    model, message, items = None, None, []
    try:
        model = (await build_statement(principal, audit_id[:100], start, end, lang)).document
    except Invalid as exc:
        message, items = _problems(exc, lang)
    audit = await service.get_audit(principal, audit_id[:100])
    return render(request, "audits/statement.html", status=422 if message else 200, audit=audit, model=model,
                  start=start, end=end, formats=FORMATS, labels=VERDICT_LABEL, period_message=message,
                  period_errors=items)


@get("/granskningar/{audit_id:str}/yttrande/{fmt:str}", name="ui.audits.statement.file")
async def statement_file(request: Request, audit_id: FromPath[str], fmt: FromPath[str]) -> Response:
    principal = need(request, Action.RECOMMENDATION_READ)
    if fmt not in FORMATS:
        raise Invalid(Text(f"Okänt format; välj {', '.join(FORMATS)}", f"Unknown format; choose {', '.join(FORMATS)}"))
    lang = request.query_params.get("lang") or lang_of(request)
    start, end = _period_args(request)
    statement = await build_statement(principal, audit_id[:100], start, end, "en" if lang == "en" else "sv")
    content = render_statement(statement.document, fmt)
    name = f"yttrande-{statement.audit.id}-{statement.start.isoformat()}-{statement.end.isoformat()}.{fmt}"
    disposition = "inline" if fmt in ("html", "json") else "attachment"
    return Response(content=content, media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'{disposition}; filename="{name}"'})


ROUTES = [audits_page, audits_upload, link_action, audit_page, recommendation_page, recommendation_save,
          unlink_action, statement_page, statement_file]
