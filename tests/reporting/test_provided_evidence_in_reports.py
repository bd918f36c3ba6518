"""A served unit's reports list the evidence files its provider's answers bring
(docs/evidence.md, "In the reports"; docs/shared-answers.md): under the served unit,
marked with the provider ("från Serviceförvaltningen", Excel "Från förvaltning"),
counted apart from its own files, and not for a question it overrode. The bulk unit
reports have the same section as a single unit report. Names and dates, never contents."""
from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest

from survey_engine.services import evidence, reports
from tests.helpers.provided_evidence import SECRET, SF, seed_shared_evidence
from tests.reporting.reporting_helpers import data_values

TODAY = dt.date(2026, 11, 30)


@pytest.fixture
async def shared(db):
    return await seed_shared_evidence()


def _listed(section: dict, unit: str) -> list[tuple[str, str, str | None]]:
    return [(f["question"], f["name"], f["provided_by"]) for f in section["files"] if f["unit"] == unit]


async def test_the_model_lists_the_providers_files_under_the_served_unit(shared):
    section = await evidence.report_section(shared, None, "sv")
    # a: its own file, and sf's file of backup; not patchar (overridden) nor sf's own policy
    assert _listed(section, "a") == [("backup", "Driftrutin.pdf", "sf"), ("policy", "Vår policy.pdf", None)]
    assert _listed(section, "b") == [("backup", "Driftrutin.pdf", "sf"), ("patchar", "Patchrutin.txt", "sf")]
    assert _listed(section, "c") == []  # not served
    assert _listed(section, "sf") == [("backup", "Driftrutin.pdf", None), ("patchar", "Patchrutin.txt", None),
                                      ("policy", "SF-policy.pdf", None)]
    assert {f["provided_by_name"] for f in section["files"] if f["provided_by"]} == {SF}
    units = {u["unit"]: (u["files"], u["own"], u["provided"]) for u in section["units"]}
    assert units == {"a": (2, 1, 1), "b": (2, 0, 2), "sf": (3, 3, 0)}
    assert (section["total"], section["own"], section["provided"]) == (7, 4, 3)
    # one unit's part, as its unit report holds it
    part = await evidence.report_section(shared, None, "sv", "a")
    assert (part["total"], part["own"], part["provided"]) == (2, 1, 1) and [u["unit"] for u in part["units"]] == ["a"]
    # the bytes a unit counts are its own: a provider's file is stored once, with the provider
    assert {u["unit"]: u["bytes"] for u in section["units"]}["b"] == 0
    assert SECRET not in json.dumps(section)


async def test_the_served_units_report_marks_the_providers_files(shared):
    html = (await reports.unit_report(shared, "a", "html", today=TODAY))[0].decode()
    v = data_values(html)
    assert (v["evidence.total"], v["evidence.own"], v["evidence.provided"]) == (2, 1, 1)
    assert f"Driftrutin.pdf <span class=\"note\">(från {SF})</span>" in html
    assert 'data-evidence="a:backup" data-provided-by="sf"' in html
    assert "Patchrutin.txt" not in html and "SF-policy.pdf" not in html and SECRET not in html
    english = (await reports.unit_report(shared, "a", "html", "en", today=TODAY))[0].decode()
    assert f"(from {SF})" in english and "Files: 2 (1 own, 1 from other units)" in re.sub(r"<[^>]+>", "", english)
    # the provider's own report lists its files as its own, unmarked
    html = (await reports.unit_report(shared, "sf", "html", today=TODAY))[0].decode()
    assert "(från " not in html and data_values(html)["evidence.total"] == 3
    assert "evidence.provided" not in data_values(html)
    # c is not served: nothing of sf's
    assert "Inga filer är bifogade." in (await reports.unit_report(shared, "c", "html", today=TODAY))[0].decode()
    doc = json.loads((await reports.unit_report(shared, "b", "json", today=TODAY))[0])
    assert [(f["name"], f["provided_by_name"]) for f in doc["evidence"]["files"]] == [
        ("Driftrutin.pdf", SF), ("Patchrutin.txt", SF)]


async def test_city_report_xlsx_pdf_and_html_say_where_a_file_comes_from(shared):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    content = (await reports.city_report(shared, "xlsx", include_drafts=True, today=TODAY))[0]
    rows = list(load_workbook(io.BytesIO(content))["Underlag"].iter_rows(values_only=True))
    assert rows[0][-1] == "Från förvaltning"
    listed = {(r[0], r[2], r[4]): r[-1] for r in rows[1:]}
    assert listed[("a", "backup", "Driftrutin.pdf")] == SF
    assert listed[("a", "policy", "Vår policy.pdf")] is None  # own file: empty
    assert listed[("sf", "backup", "Driftrutin.pdf")] is None
    assert ("a", "patchar", "Patchrutin.txt") not in listed and ("b", "patchar", "Patchrutin.txt") in listed
    assert len(rows) - 1 == 7
    english = (await reports.city_report(shared, "xlsx", "en", include_drafts=True, today=TODAY))[0]
    assert list(load_workbook(io.BytesIO(english))["Evidence"].iter_rows(values_only=True))[0][-1] == "From unit"

    html = (await reports.city_report(shared, "html", include_drafts=True, today=TODAY))[0].decode()
    v = data_values(html)
    assert (v["evidence.total"], v["evidence.own"], v["evidence.provided"]) == (7, 4, 3)
    assert (v["evidence.a.files"], v["evidence.a.own"], v["evidence.a.provided"]) == (2, 1, 1)
    assert (v["evidence.b.own"], v["evidence.b.provided"]) == (0, 2)

    pdf = (await reports.city_report(shared, "pdf", include_drafts=True, today=TODAY))[0]
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Antal filer: 7 (4 egna, 3 från andra förvaltningar)" in text
    assert f"(från {SF})" in text and SECRET not in text


async def test_bulk_unit_reports_have_the_single_reports_evidence_section(shared):
    single = {code: (await reports.unit_report(shared, code, "html", today=TODAY))[0]
              for code in ("sf", "a", "b", "c")}
    bulk = {code: result[0] async for code, result in reports.unit_reports(shared, "html", today=TODAY)}
    assert set(bulk) == set(single)
    for code, html in bulk.items():
        assert 'id="evidence"' in html.decode(), code
        assert html == single[code], code  # the same report, evidence section included
    assert f"Driftrutin.pdf <span class=\"note\">(från {SF})</span>" in bulk["a"].decode()
    # and in the PDF of the bulk run
    from pypdf import PdfReader

    pdfs = {code: result[0] async for code, result in reports.unit_reports(shared, "pdf", today=TODAY)}
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdfs["b"])).pages).split())
    assert "Bifogade underlag" in text and "Antal filer: 2 (0 egna, 2 från andra förvaltningar)" in text
