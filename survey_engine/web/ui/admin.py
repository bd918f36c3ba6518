"""Administration pages: units, users and roles, rounds, questionnaire versions, and
the audit log. Administrators change things; auditors see the same pages read-only
(the forms are not shown to them, and every post is refused on the server)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Response, Template

from survey_engine.services import audit, audit_words
from survey_engine.exports import csv_text
from survey_engine import clock
from urllib.parse import urlencode
from survey_engine.services import users as auth_service
from survey_engine.errors import AppError
from survey_engine.services.policy import Action, Principal, Role, decide
from survey_engine.services import questionnaires as questionnaires_service
from survey_engine.services import rounds as rounds_service
from survey_engine.services import units as units_service
from survey_engine.web.ui.common import (
    current, form_list, form_text, lang_of, need, redirect, render, service_message,
)
from survey_engine.text import Text
from survey_engine.errors import NotFound

MAX_UPLOAD = 2 * 1024 * 1024


def _reader(request: Request) -> Principal:
    """Administrators and auditors read the administration pages."""
    principal = current(request)
    if principal.role not in (Role.ADMIN, Role.AUDITOR):
        need(request, Action.USER_MANAGE)  # raises the 403
    return principal


def _problems(exc: Exception, lang: str) -> tuple[str, list[dict[str, Any]]]:
    """A message and the error items (field, line, message) of a refusal."""
    message = service_message(exc, lang)
    items = []
    for err in getattr(exc, "errors", None) or []:
        text = err.get("message", "")
        if " / " in text:
            sv, _, en = text.partition(" / ")
            text = en if lang == "en" else sv
        items.append({"path": err.get("question") or err.get("field") or "", "line": err.get("line"),
                      "message": text})
    return message, items


@get("/admin", name="ui.admin")
async def admin_home(request: Request) -> Template:
    _reader(request)
    return render(request, "admin/home.html")


# ---------------------------------------------------------------- units


async def _units_page(request: Request, status: int = 200, **ctx: Any) -> Template:
    principal = _reader(request)
    units, total = await units_service.list_units(limit=1000)
    return render(request, "admin/units.html", status=status, units=units, total=total,
                  may_manage=decide(principal, Action.UNIT_MANAGE).allowed, **ctx)


@get("/admin/enheter", name="ui.units")
async def units_page(request: Request) -> Template:
    return await _units_page(request)


@post("/admin/enheter", name="ui.units.create")
async def units_create(request: Request) -> Response:
    principal = need(request, Action.UNIT_MANAGE)
    form = await request.form()
    lang = lang_of(request)
    values = {k: form_text(form, k).strip() for k in ("code", "name", "weight", "parent")}
    try:
        weight = float(values["weight"].replace(",", ".")) if values["weight"] else 1.0
    except ValueError:
        return await _units_page(request, 422, create_errors={"weight": "Vikten ska vara ett tal." if lang == "sv"
                                                              else "The weight must be a number."}, create=values)
    try:
        await units_service.create_unit(values["code"], values["name"], weight, values["parent"] or None,
                                        actor=principal)
    except AppError as exc:
        message, items = _problems(exc, lang)
        field_errors = {}
        for item in items:
            key = item["path"] if item["path"] in ("code", "name", "weight", "parent") else "code"
            field_errors[key] = item["message"]
        if not field_errors:
            field_errors["code"] = message
        return await _units_page(request, exc.status_code, create_errors=field_errors, create=values,
                                 create_message=message)
    return redirect("/admin/enheter", "unit")


@post("/admin/enheter/import", name="ui.units.import")
async def units_import(request: Request) -> Response:
    principal = need(request, Action.UNIT_MANAGE)
    form = await request.form()
    lang = lang_of(request)
    upload = form.get("file")
    text = ""
    name = "enheter.csv"
    if upload is not None and hasattr(upload, "read"):
        raw = await upload.read()
        name = getattr(upload, "filename", None) or name
        if len(raw) > MAX_UPLOAD:
            return await _units_page(request, 413, import_message="Filen är för stor (högst 2 MB)." if lang == "sv"
                                     else "The file is too large (at most 2 MB).")
        text = raw.decode("utf-8", errors="replace")
    if not text.strip():
        text = form_text(form, "csv")
        name = "formulär" if lang == "sv" else "form"
    try:
        items = units_service.parse_units_csv(text, source=name)
        counts = await units_service.import_units(items, actor=principal)
    except AppError as exc:
        message, items = _problems(exc, lang)
        return await _units_page(request, exc.status_code, import_message=message, import_errors=items,
                                 csv_text=form_text(form, "csv"))
    done = ", ".join(f"{k}: {v}" for k, v in counts.items())
    return redirect("/admin/enheter", f"import {done}")


# ---------------------------------------------------------------- users


async def _users_page(request: Request, status: int = 200, **ctx: Any) -> Template:
    principal = _reader(request)
    users = await auth_service.list_users(include_disabled=True)
    units, _ = await units_service.list_units(limit=1000)
    return render(request, "admin/users.html", status=status, users=users, roles=[r.value for r in Role],
                  all_units=units, may_manage=decide(principal, Action.USER_MANAGE).allowed, **ctx)


@get("/admin/anvandare", name="ui.users")
async def users_page(request: Request) -> Template:
    return await _users_page(request)


@post("/admin/anvandare", name="ui.users.create")
async def users_create(request: Request) -> Response:
    principal = need(request, Action.USER_MANAGE)
    form = await request.form()
    lang = lang_of(request)
    values = {k: form_text(form, k).strip() for k in ("username", "display_name", "email", "role")}
    password = form_text(form, "password")
    units = form_list(form, "units")
    try:
        await auth_service.create_user(principal, values["username"], values["role"], password=password or None,
                                       display_name=values["display_name"], email=values["email"], units=units)
    except AppError as exc:
        return await _users_page(request, 422, create=values, create_units=units, create_message=exc.text.get(lang))
    return redirect("/admin/anvandare", values["username"])


@post("/admin/anvandare/{username:str}", name="ui.users.change")
async def users_change(request: Request, username: FromPath[str]) -> Response:
    principal = need(request, Action.USER_MANAGE)
    form = await request.form()
    lang = lang_of(request)
    what = form_text(form, "do")
    try:
        if what == "disable":
            await auth_service.disable_user(principal, username)
        elif what == "enable":
            await auth_service.enable_user(principal, username)
        elif what == "logout_everywhere":
            await auth_service.logout_everywhere(principal, username)
        elif what == "role":
            await auth_service.set_role(principal, username, form_text(form, "role"), units=form_list(form, "units"))
        else:
            return await _users_page(request, 400, change_message="?")
    except AppError as exc:
        return await _users_page(request, 422, change_user=username, change_message=exc.text.get(lang))
    return redirect("/admin/anvandare", username)


# ---------------------------------------------------------------- rounds


async def _rounds_page(request: Request, status: int = 200, **ctx: Any) -> Template:
    principal = _reader(request)
    rows, _ = await rounds_service.list_rounds(limit=1000)
    versions, _ = await questionnaires_service.list_versions(limit=200)
    units, _ = await units_service.list_units(limit=1000)
    return render(request, "admin/rounds.html", status=status, rounds=list(reversed(rows)), versions=versions,
                  all_units=units, may_manage=decide(principal, Action.ROUND_MANAGE).allowed, **ctx)


@get("/admin/omgangar", name="ui.admin.rounds")
async def admin_rounds(request: Request) -> Template:
    return await _rounds_page(request)


def _date(text: str) -> dt.date | None:
    text = text.strip()
    return dt.date.fromisoformat(text) if text else None


@post("/admin/omgangar", name="ui.admin.rounds.create")
async def rounds_create(request: Request) -> Response:
    principal = need(request, Action.ROUND_MANAGE)
    form = await request.form()
    lang = lang_of(request)
    values = {k: form_text(form, k).strip() for k in ("name", "questionnaire", "opens_on", "closes_on")}
    units = form_list(form, "units")
    family, _, version = values["questionnaire"].partition("@")
    try:
        opens, closes = _date(values["opens_on"]), _date(values["closes_on"])
    except ValueError:
        return await _rounds_page(request, 422, create=values, create_message=(
            "Skriv datum som ÅÅÅÅ-MM-DD." if lang == "sv" else "Write dates as YYYY-MM-DD."))
    try:
        rnd = await rounds_service.create_round(values["name"], family, version, units or None, opens, closes,
                                                actor=principal)
    except AppError as exc:
        message, items = _problems(exc, lang)
        return await _rounds_page(request, exc.status_code, create=values, create_message=message,
                                  create_errors=items)
    return redirect("/admin/omgangar", str(rnd.id))


async def _close_page(request: Request, round_id: int, status: int = 200, **ctx: Any) -> Template:
    principal = need(request, Action.ROUND_MANAGE)
    summary = await rounds_service.close_summary(round_id, actor=principal)
    return render(request, "admin/round_close.html", status=status, s=summary, r=summary.round, **ctx)


@get("/admin/omgangar/{round_id:int}/stang", name="ui.admin.rounds.close")
async def round_close_page(request: Request, round_id: FromPath[int]) -> Template:
    """Asks before closing (docs/web-pages.md, "Closing a round"): who has not submitted."""
    return await _close_page(request, round_id)


@post("/admin/omgangar/{round_id:int}/stang", name="ui.admin.rounds.close.post")
async def round_close_post(request: Request, round_id: FromPath[int]) -> Response:
    """Closes only with the box ticked (bekraftat=ja); otherwise the question again."""
    return await _round_change(request, round_id, "stang")


@post("/admin/omgangar/{round_id:int}/{what:str}", name="ui.admin.rounds.change")
async def rounds_change(request: Request, round_id: FromPath[int], what: FromPath[str]) -> Response:
    return await _round_change(request, round_id, what)


async def _round_change(request: Request, round_id: int, what: str) -> Response:
    principal = need(request, Action.ROUND_MANAGE)
    form = await request.form()
    lang = lang_of(request)
    notice = str(round_id)
    try:
        if what == "oppna":
            await rounds_service.open_round(round_id, actor=principal)
        elif what == "stang":
            if form_text(form, "bekraftat") != "ja":
                return await _close_page(request, round_id, 422, confirm_message=(
                    "Kryssa i rutan för att bekräfta att omgången ska stängas." if lang == "sv"
                    else "Tick the box to confirm that the round is to be closed."))
            rnd = await rounds_service.close_round(round_id, actor=principal)
            notice = ("stängd: " if lang == "sv" else "closed: ") + rnd.name
        elif what == "ateroppna":
            rnd = await rounds_service.reopen_round(round_id, actor=principal)
            notice = ("öppen igen: " if lang == "sv" else "open again: ") + rnd.name
        elif what == "sista-dag":
            try:
                closes = _date(form_text(form, "closes_on"))
            except ValueError:
                closes = None
            if closes is None:
                return await _rounds_page(request, 422, change_message=(
                    "Skriv den nya sista dagen som ÅÅÅÅ-MM-DD." if lang == "sv" else "Write the new deadline as YYYY-MM-DD."))
            rnd = await rounds_service.extend_deadline(round_id, closes, actor=principal)
            notice = ("sista dag " if lang == "sv" else "deadline ") + f"{rnd.closes_on}: {rnd.name}"
        else:
            raise NotFound(Text(f"Okänd åtgärd {what}", f"unknown action {what}"))
    except AppError as exc:
        if exc.status_code == 404:
            raise
        message, items = _problems(exc, lang)
        if items:
            message += " " + "; ".join(i["message"] for i in items)
        return await _rounds_page(request, exc.status_code, change_message=message)
    return redirect("/admin/omgangar", notice)


# ---------------------------------------------------------------- questionnaire versions


async def _versions_page(request: Request, status: int = 200, **ctx: Any) -> Template:
    principal = _reader(request)
    versions, _ = await questionnaires_service.list_versions(limit=200)
    return render(request, "admin/questionnaires.html", status=status, versions=versions,
                  may_manage=decide(principal, Action.QUESTIONNAIRE_PUBLISH).allowed, **ctx)


@get("/admin/enkater", name="ui.versions")
async def versions_page(request: Request) -> Template:
    return await _versions_page(request)


@post("/admin/enkater", name="ui.versions.upload")
async def versions_upload(request: Request) -> Response:
    principal = need(request, Action.QUESTIONNAIRE_PUBLISH)
    form = await request.form()
    lang = lang_of(request)
    upload = form.get("file")
    if upload is None or not hasattr(upload, "read"):
        return await _versions_page(request, 422, upload_message=(
            "Välj en YAML-fil att ladda upp." if lang == "sv" else "Choose a YAML file to upload."))
    raw = await upload.read()
    name = getattr(upload, "filename", None) or "enkat.yaml"
    if len(raw) > MAX_UPLOAD:
        return await _versions_page(request, 413, upload_message=(
            "Filen är för stor (högst 2 MB)." if lang == "sv" else "The file is too large (at most 2 MB)."))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return await _versions_page(request, 422, upload_message=(
            f"{name}: filen är inte UTF-8-text." if lang == "sv" else f"{name}: the file is not UTF-8 text."))
    try:
        summary, created = await questionnaires_service.publish_questionnaire(text, actor=principal, source=name)
    except AppError as exc:
        message, items = _problems(exc, lang)
        return await _versions_page(request, exc.status_code, upload_message=message, upload_errors=items,
                                    upload_name=name)
    note = f"{summary['family']} {summary['version']}" + ("" if created else " (=)")
    return redirect("/admin/enkater", note)


# ---------------------------------------------------------------- audit log

PAGE = 50


def _audit_filters(request: Request) -> tuple[audit.AuditFilter, dict[str, str]]:
    """The audit page's filters (docs/web-pages.md, "The audit log in Swedish"): who,
    which event (a code, a group such as `user.`, or words such as "stängd"), and a date
    range in Swedish local time (`fran` and `till` inclusive)."""
    q = request.query_params
    raw = {"vem": q.get("vem", "")[:200].strip(), "handelse": q.get("handelse", "")[:100].strip(),
           "fran": q.get("fran", "")[:10].strip(), "till": q.get("till", "")[:10].strip()}
    action, actions = None, None
    text = raw["handelse"]
    if text:
        if text in audit_words.EVENTS or text in audit_words.GROUPS or "." in text:
            action = text
        else:
            needle = text.casefold()
            actions = tuple(code for code, word in audit_words.EVENTS.items()
                            if needle in word.sv.casefold() or needle in word.en.casefold())
    since = until = None
    zone = clock.STOCKHOLM
    for key in ("fran", "till"):
        try:
            day = dt.date.fromisoformat(raw[key]) if raw[key] else None
        except ValueError:
            raw[key] = ""
            day = None
        if day is None:
            continue
        if key == "fran":
            since = dt.datetime.combine(day, dt.time(), zone)
        else:
            until = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
    return audit.AuditFilter(actor=raw["vem"] or None, action=action, actions=actions, since=since, until=until), raw


@get("/granskning/logg", name="ui.audit")
async def audit_page(request: Request) -> Template:
    need(request, Action.AUDIT_READ)
    lang = lang_of(request)
    try:
        page = min(max(int(request.query_params.get("sida", "1")), 1), 100000)
    except ValueError:
        page = 1
    filters, raw = _audit_filters(request)
    events = await audit.list_events(filters, limit=PAGE, offset=(page - 1) * PAGE)
    total = await audit.count_events(filters)
    rows = [{"at": e.at, "actor": e.actor, "code": e.action, "word": audit_words.event_word(e.action, lang),
             "object": f"{audit_words.object_word(e.object_type, lang)} {e.object_id}", "unit": e.unit,
             "details": audit_words.detail_lines(e.details, lang)} for e in events]
    query = urlencode({k: v for k, v in raw.items() if v})
    return render(request, "admin/audit.html", events=rows, total=total, total_words=audit_words.count_words(total, lang),
                  page=page, pages=max(1, (total + PAGE - 1) // PAGE), f=raw, query=query,
                  choices=audit_words.choices(lang))


@get("/granskning/logg.csv", name="ui.audit.csv")
async def audit_csv(request: Request) -> Response:
    """The filtered log for a spreadsheet: Swedish headers, event words beside the
    codes, local times, readable details; every cell neutralised against formulas."""
    need(request, Action.AUDIT_READ)
    lang = lang_of(request)
    filters, _ = _audit_filters(request)
    sv = lang != "en"
    header = (["Nr", "Tid (svensk tid)", "Vem", "Händelse", "Händelsekod", "Objekt", "Förvaltning", "Detaljer"] if sv
              else ["No", "Time (Swedish time)", "Who", "Event", "Event code", "Object", "Unit", "Details"])
    rows = []
    async for e in audit.iter_events(filters):
        rows.append([e.id, clock.shown(e.at, seconds=True), e.actor,
                     audit_words.event_word(e.action, lang), e.action,
                     f"{audit_words.object_word(e.object_type, lang)} {e.object_id}", e.unit or "",
                     "; ".join(audit_words.detail_lines(e.details, lang))])
    body = csv_text(header, rows)
    name = "granskningslogg.csv" if sv else "audit-log.csv"
    return Response("\ufeff" + body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


ROUTES = [admin_home, units_page, units_create, units_import, users_page, users_create, users_change,
          admin_rounds, rounds_create, round_close_page, round_close_post, rounds_change, versions_page, versions_upload, audit_page, audit_csv]
