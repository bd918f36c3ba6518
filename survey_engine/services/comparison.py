"""The comparison across förvaltningar of one round (docs/web-pages.md, "Comparison
export"): the table the comparison page shows, and the same rows as CSV or Excel for
the page's download links, the API (`GET /api/v1/rounds/{id}/comparison`) and the
command line (`survey-engine report compare`). One function builds the table, so all
of them hold the same rows in the same order.

Rows: every started response, drafts included and marked, read through the one read
path (`round_results`: a submitted response's snapshot, a draft scored now). The CSV and
Excel files add, last, a row per unit that has not started (stage `not_started`, "Ej
påbörjad"), so they name every unit of the round; the page lists the started ones.
Permissions: the table needs `overview.read`; a download also `export.read` (as the
city report's machine formats), and is an audit event `report.compare`.
"""
from __future__ import annotations

import asyncio
from typing import Any

from survey_engine.errors import Invalid
from survey_engine.exports import csv_text, xlsx_table
from survey_engine.questionnaire.model import localized
from survey_engine.services import audit, level_progress, overview, round_results, signoff
from survey_engine.services.access import Action, Principal, check
from survey_engine.services.rounds import get_round
from survey_engine.text import Text

SORT_KEYS = ("name", "level", "percent")
FORMATS = ("csv", "xlsx")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
_STATUS = {"submitted": ("Inskickad", "Submitted"), "draft": ("Utkast", "Draft"),
           "reopened": ("Öppnad igen", "Reopened"), "not_started": ("Ej påbörjad", "Not started")}
# The sign-off stage of a unit (docs/sign-off.md): the round overview's stages
# (`overview.stage_of`), with a draft that an approver sent back told apart as `returned`.
STAGES = ("not_started", "draft", "submitted", "approved", "returned")
_STAGE = {"not_started": ("Ej påbörjad", "Not started"), "draft": ("Utkast", "Draft"),
          "submitted": ("Inskickad", "Submitted"), "approved": ("Godkänd", "Approved"),
          "returned": ("Återsänd", "Returned")}


def stage_of(status: str, approved: bool, signoff_state: str | None) -> str:
    """The unit's sign-off stage: the overview's stage, and `returned` for a draft whose
    latest sign-off decision returned it (services/signoff.py, `derive_state`)."""
    stage = overview.stage_of(status, approved)
    return "returned" if stage == "draft" and signoff_state == signoff.RETURNED else stage


async def compare_table(round_id: int, *, actor: Principal, lang: str = "sv", sort: str = "name",
                        approved_only: bool = False, not_started: bool = False) -> dict[str, Any]:
    """{round, q, rows, columns, table, sort_key, descending, approved_only, not_started}: the
    comparison sorted by `sort` (`name`, `level`, `percent` or an area id; a leading `-`
    sorts descending; anything else sorts by name). Units without a value go last
    either way. Each row says whether the city figures count it (`counted`; with
    `approved_only` only approved responses, docs/sign-off.md). `not_started` (the
    downloads): after the started responses, in name order whatever the sort, a row per
    participating unit that has not started (status and stage `not_started`, not
    counted, no level or percent), so a file names every unit of the round. The page
    keeps its table to the started responses and names the others below it from
    `not_started` ({unit, name} in name order, always given)."""
    rnd = await get_round(round_id)
    data = await round_results.compare_units(round_id, actor=actor, approved_only=approved_only)
    q = data.questionnaire
    counted = {u.code for u in data.scored_units()}
    states = await signoff.states_for(u.response_id for u in data.units if u.response_id is not None)

    def stage(u: Any) -> str:
        found = states.get(u.response_id) if u.response_id is not None else None
        return stage_of(u.status, u.approved, found.state if found is not None else None)

    rows = [{"unit": u.code, "name": u.name, "status": u.status, "draft": u.draft, "approved": u.approved,
             "stage": stage(u), "counted": u.code in counted, "result": u.result.to_dict()}
            for u in data.units if u.result is not None]
    sort = (sort or "name")[:100]
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    area_ids = [a.id for a in q.areas]
    if key not in SORT_KEYS and key not in area_ids:
        key, descending = "name", False

    def sort_value(row: dict[str, Any]):
        if key == "name":
            return (0, row["name"].lower())
        if key in ("level", "percent"):
            value = row["result"]["overall"][key]
        else:
            value = next(a for a in row["result"]["areas"] if a["id"] == key)["percent"]
        return (0, value) if value is not None else (1, 0)

    present = [r for r in rows if sort_value(r)[0] == 0]
    absent = [r for r in rows if sort_value(r)[0] == 1]
    present.sort(key=sort_value, reverse=descending)
    rows = present + absent
    if not_started:
        rows += [{"unit": u.code, "name": u.name, "status": u.status, "draft": False, "approved": False,
                  "stage": "not_started", "counted": False, "result": None}
                 for u in sorted((u for u in data.units if u.result is None), key=lambda u: u.name.lower())]

    columns = [{"id": a.id, "title": localized(a.title, lang, q.default_language)} for a in q.areas]
    table = []
    for r in rows:
        if r["result"] is None:  # a unit that has not started: no figures
            table.append({"unit": r["unit"], "name": r["name"], "status": r["status"], "draft": False,
                          "approved": False, "stage": r["stage"], "counted": False, "level": None, "percent": None,
                          "progress": {}, "areas": [{"id": c["id"], "percent": None, "level": None} for c in columns]})
            continue
        by_area = {a["id"]: a for a in r["result"]["areas"]}
        table.append({"unit": r["unit"], "name": r["name"], "status": r["status"], "draft": r["draft"],
                      "approved": r["approved"], "stage": r["stage"], "counted": r["counted"],
                      "level": r["result"]["overall"]["level"], "percent": r["result"]["overall"]["percent"],
                      "progress": level_progress.unit_progress(r["result"], q.max_level),
                      "areas": [{**by_area[c["id"]], **level_progress.area_progress(by_area[c["id"]], q.max_level)}
                                for c in columns]})
    waiting = [{"unit": u.code, "name": u.name}
               for u in sorted((u for u in data.units if u.result is None), key=lambda u: u.name.lower())]
    return {"round": rnd, "q": q, "rows": rows, "columns": columns, "table": table,
            "sort_key": key, "descending": descending, "approved_only": approved_only, "not_started": waiting}


def compare_rows(data: dict[str, Any], lang: str, *, ids: bool) -> tuple[list[str], list[list[Any]]]:
    """(header, rows) of the table for a download: one row per unit in the table's
    order, with its level, share towards the next level, overall percent and each
    area's percent and level; the response's status, whether the row is a draft, and
    (last) its sign-off stage (`STAGES`) and whether the city figures count it (with
    `approved_only`: approved responses only). The CSV (`ids=True`) keeps codes and status
    codes (`stage`, `counted`); the Excel file has Swedish (or English) headers and words ("Status":
    Ej påbörjad, Utkast, Inskickad, Godkänd, Återsänd; the response's own status is
    "Svarsstatus" there), numbers rounded for people, and with `approved_only` a closing
    note that says so."""
    def T(sv: str, en: str) -> str:  # noqa: N802 - as in the templates
        return en if lang == "en" else sv

    if ids:
        head = ["unit", "name", "status", "draft", "level", "next_level", "progress", "percent"]
        for c in data["columns"]:
            head += [f"{c['id']}.percent", f"{c['id']}.level"]
        head += ["stage", "counted"]
    else:
        head = [T("Förvaltningskod", "Unit code"), T("Förvaltning", "Unit"), T("Svarsstatus", "Response status"),
                T("Utkast", "Draft"), T("Nivå", "Level"), T("Nästa nivå", "Next level"),
                T("Andel mot nästa nivå (%)", "Share towards next level (%)"),
                T("Totalt uppfyllt (%)", "Overall fulfilled (%)")]
        for c in data["columns"]:
            head += [f"{c['title']} (%)", f"{c['title']} – {T('nivå', 'level')}"]
        head += [T("Status", "Status"), T("Räknas i stadens siffror", "Counted in the city figures")]

    def people(value: Any) -> Any:
        return round(value, 1) if isinstance(value, float) and not ids else value

    out = []
    for r in data["table"]:
        progress = r["progress"].get("progress")
        if ids:
            status, draft = r["status"], "true" if r["draft"] else "false"
        else:
            status = T(*_STATUS.get(r["status"], (r["status"], r["status"])))
            draft = T("Ja", "Yes") if r["draft"] else T("Nej", "No")
        row = [r["unit"], r["name"], status, draft, r["level"], r["progress"].get("next_level"),
               None if progress is None else round(progress * 100, 1), people(r["percent"])]
        for a in r["areas"]:
            row += [people(a.get("percent")), a.get("level")]
        stage = r.get("stage", "")
        row.append(stage if ids else T(*_STAGE.get(stage, (stage, stage))))
        row.append(("true" if r["counted"] else "false") if ids else (T("Ja", "Yes") if r["counted"] else T("Nej", "No")))
        out.append(row)
    if data.get("approved_only") and not ids:  # said in the sheet too, as the city report's note says it
        out += [[], [approved_only_note(lang)]]
    return head, out


def approved_only_note(lang: str) -> str:
    return ("Only responses approved by the head of the department count in the city figures (column "
            "“Counted in the city figures”)." if lang == "en" else
            "Bara svar som förvaltningschefen har godkänt räknas i stadens siffror (kolumnen ”Räknas i stadens "
            "siffror”).")


def file_name(round_id: int, fmt: str, approved_only: bool = False) -> str:
    return f"jamforelse-omgang{round_id}{'-godkanda' if approved_only else ''}.{fmt}"


async def compare_export(round_id: int, fmt: str, *, actor: Principal, lang: str = "sv",
                         sort: str = "name", approved_only: bool = False) -> tuple[bytes, str, str]:
    """(content, media type, file name) of the comparison as CSV or Excel."""
    check(actor, Action.OVERVIEW_READ)
    check(actor, Action.EXPORT_READ)
    if fmt not in FORMATS:
        raise Invalid(Text(f"Okänt format {fmt!r}; välj {', '.join(FORMATS)}",
                           f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}"),
                      [{"field": "format", "message": "|".join(FORMATS)}])
    if lang not in ("sv", "en"):
        raise Invalid(Text(f"Okänt språk {lang!r}", f"unknown language {lang!r}"),
                      [{"field": "lang", "message": "sv|en"}])
    data = await compare_table(round_id, actor=actor, lang=lang, sort=sort, approved_only=approved_only,
                               not_started=True)
    if fmt == "csv":
        head, rows = compare_rows(data, lang, ids=True)
        content = ("\ufeff" + csv_text(head, rows)).encode("utf-8")
    else:
        head, rows = compare_rows(data, lang, ids=False)
        title = "Jämförelse" if lang == "sv" else "Comparison"
        if approved_only:
            title += " (godkända)" if lang == "sv" else " (approved)"
        content = await asyncio.to_thread(xlsx_table, title, head, rows)
    details: dict[str, Any] = {"format": fmt}
    if approved_only:  # as the other report downloads (services/reports.py)
        details["approved_only"] = True
    await audit.record(actor, "report.compare", "round", round_id, details=details)
    return content, MEDIA_TYPES[fmt], file_name(round_id, fmt, approved_only)
