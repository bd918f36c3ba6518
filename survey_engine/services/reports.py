"""Reports as use cases, for the command line and (later) the web layer.

Each function reads what it needs through the one read path (`round_results`), builds the report
(pure) and renders it in a worker thread (rendering is CPU work: the event loop stays
free). They return `(content bytes, media type, file name)`. Errors are the services'
domain errors: `NotFound` (round, unit), `Invalid` (bad format or language, nothing
to report), which the web layer maps to 404/400 and the CLI to exit status 2.
Authorisation: pass the acting `Principal` as `actor` (the web layer must); the
policy of `survey_engine.services.policy` then decides:
- a unit report needs `response.read` and `scores.read` on that unit (a respondent
  gets their own unit's report, in any format: it is their own data; the city median
  in it is an aggregate that names no other unit);
- the city report needs `overview.read` (it compares units), and `export.read` as
  well for the machine-readable formats (XLSX, CSV, JSON);
- the anonymised export needs `export.read`.
`actor=None` is the trusted local caller (the command line, benchmarks, tests).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import AsyncIterator, Callable

from survey_engine import clock
from survey_engine.services import audit
from survey_engine.services.access import system_actor
from survey_engine.services import evidence, indicators
from survey_engine.services.policy import Action, Principal, require
from survey_engine.errors import Invalid

from survey_engine.reporting.anonymised import anonymised_export
from survey_engine.reporting.city_report import build_city_report
from survey_engine.reporting.render import FORMATS, render
from survey_engine.reporting.text import LANGUAGES
from survey_engine.reporting.unit_report import build_unit_report
from survey_engine.services.round_results import load_report_data, load_round
from survey_engine.text import Text
from survey_engine.settings import min_group_size

Result = tuple[bytes, str, str]
CSV_TABLES = ("scores", "answers", "priorities", "city")
EXPORT_FORMATS = ("xlsx", "csv", "json")


def _may_read_unit(actor: Principal | None, unit_code: str) -> None:
    if actor is not None:
        require(actor, Action.RESPONSE_READ, unit_code)
        require(actor, Action.SCORES_READ, unit_code)


def _may_read_city(actor: Principal | None, fmt: str) -> None:
    if actor is not None:
        require(actor, Action.OVERVIEW_READ)
        if fmt in EXPORT_FORMATS:
            require(actor, Action.EXPORT_READ)


def _check(fmt: str, lang: str, csv_table: str = "scores") -> None:
    if fmt not in FORMATS:
        raise Invalid(Text(f"Okänt format {fmt!r}; välj {', '.join(FORMATS)}", f"unknown format {fmt!r}: use one of " f"{', '.join(FORMATS)}"), [{"field": "format", "message": "|".join(FORMATS)}])
    if lang not in LANGUAGES:
        raise Invalid(Text(f"Okänt språk {lang!r}; välj {', '.join(LANGUAGES)}", f"unknown language {lang!r}; choose {', '.join(LANGUAGES)}"),
                      [{"field": "lang", "message": "|".join(LANGUAGES)}])
    if csv_table not in CSV_TABLES:
        raise Invalid(Text(f"Okänd tabell {csv_table!r}; välj {', '.join(CSV_TABLES)}", f"unknown table {csv_table!r}; choose {', '.join(CSV_TABLES)}"),
                      [{"field": "table", "message": "|".join(CSV_TABLES)}])


async def _downloaded(actor: Principal | None, kind: str, round_id: int, fmt: str, unit: str | None = None,
                      approved_only: bool = False) -> None:
    """A report or export leaving the system is an audit event (docs/security.md)."""
    details: dict = {"format": fmt}
    if approved_only:
        details["approved_only"] = True
    await audit.record(actor if actor is not None else system_actor(), f"report.{kind}", "round", round_id,
                       unit=unit, details=details)


def unit_file_name(round_id: int, unit_code: str, ext: str) -> str:
    return f"forvaltningsrapport-omgang{round_id}-{unit_code}.{ext}"


def city_file_name(round_id: int, ext: str) -> str:
    return f"stadsrapport-omgang{round_id}.{ext}"


def export_file_name(round_id: int) -> str:
    return f"benchmark-omgang{round_id}.json"


async def unit_report(round_id: int, unit_code: str, fmt: str = "html", lang: str = "sv", *,
                      include_drafts: bool = False, today: dt.date | None = None,
                      csv_table: str = "scores", actor: Principal | None = None,
                      approved_only: bool = False) -> Result:
    """One förvaltning's report in one round (`approved_only`: the city median over
    approved responses only, docs/sign-off.md)."""
    _may_read_unit(actor, unit_code)
    _check(fmt, lang, csv_table)
    data = await load_report_data(round_id, approved_only=approved_only)
    report = build_unit_report(data, unit_code, lang, today=today or clock.today(),
                               include_drafts_in_median=include_drafts, min_group_size=min_group_size())
    report.model["evidence"] = await evidence.report_section(round_id, report.questionnaire, lang, unit_code)
    content, media, ext = await asyncio.to_thread(render, report, fmt, csv_table=csv_table)
    await _downloaded(actor, "unit", round_id, fmt, unit_code, approved_only)
    return content, media, unit_file_name(round_id, unit_code, ext)


async def unit_reports(round_id: int, fmt: str = "html", lang: str = "sv", *, include_drafts: bool = False,
                       today: dt.date | None = None, on_skip: Callable[[str, str], None] | None = None,
                       actor: Principal | None = None, approved_only: bool = False
                       ) -> AsyncIterator[tuple[str, Result]]:
    """Every förvaltning's report of a round (data read once): yields (unit code,
    result). Units that have not started are skipped (`on_skip(code, reason)`), and so
    are units whose data `actor` may not read (`on_skip(code, "not_allowed")`). Each
    report has the evidence section of `unit_report` (own files and a provider's files
    of the questions it answers for the unit)."""
    _check(fmt, lang)
    data = await load_report_data(round_id, approved_only=approved_only)
    if not data.current.units:
        raise Invalid(Text(f"Omgång {round_id} har inga deltagande enheter", f"round {round_id} has no units"))
    # the same "Bifogade underlag" as a single unit report: the round's files read once, each unit's part
    files = await evidence.report_section(round_id, data.current.questionnaire, lang)
    for entry in data.current.units:
        if actor is not None and not (actor.can(Action.RESPONSE_READ, entry.code)
                                      and actor.can(Action.SCORES_READ, entry.code)):
            if on_skip:
                on_skip(entry.code, "not_allowed")
            continue
        if entry.result is None:
            if on_skip:
                on_skip(entry.code, "not_started")
            continue
        report = build_unit_report(data, entry.code, lang, today=today or clock.today(),
                                   include_drafts_in_median=include_drafts, min_group_size=min_group_size())
        report.model["evidence"] = evidence.unit_part(files, entry.code)
        content, media, ext = await asyncio.to_thread(render, report, fmt)
        await _downloaded(actor, "unit", round_id, fmt, entry.code, approved_only)
        yield entry.code, (content, media, unit_file_name(round_id, entry.code, ext))


async def round_unit_codes(round_id: int) -> list[tuple[str, str]]:  # names only: no unit data
    """(code, status) of every unit taking part in the round, in round order."""
    data = await load_round(round_id, with_notes=False)
    return [(u.code, u.status) for u in data.units]


async def city_report(round_id: int, fmt: str = "html", lang: str = "sv", *, include_drafts: bool = False,
                      today: dt.date | None = None, csv_table: str = "scores",
                      actor: Principal | None = None, approved_only: bool = False) -> Result:
    """The city report (stadsrapport) of a round; `approved_only` counts only the
    responses an approver signed off (docs/sign-off.md)."""
    _may_read_city(actor, fmt)
    _check(fmt, lang, csv_table)
    data = await load_report_data(round_id, approved_only=approved_only)
    report = build_city_report(data, lang, today=today or clock.today(), include_drafts=include_drafts)
    measured = await indicators.city_summary()  # docs/indicators.md: the measured figures beside the survey
    if measured:
        report.model["indicators"] = measured
    report.model["evidence"] = await evidence.report_section(round_id, report.questionnaire, lang)  # names, dates
    content, media, ext = await asyncio.to_thread(render, report, fmt, csv_table=csv_table)
    await _downloaded(actor, "city", round_id, fmt, approved_only=approved_only)
    return content, media, city_file_name(round_id, ext)


async def anonymised(round_id: int, *, include_drafts: bool = False, actor: Principal | None = None,
                     approved_only: bool = False) -> Result:
    """The anonymised benchmarking export (JSON) of a round."""
    if actor is not None:
        require(actor, Action.EXPORT_READ)
    data = await load_report_data(round_id, previous=False, with_notes=False, approved_only=approved_only)
    doc = anonymised_export(data, include_drafts=include_drafts, min_group_size=min_group_size())
    await _downloaded(actor, "anonymised", round_id, "json", approved_only=approved_only)
    content = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return content, "application/json", export_file_name(round_id)
