"""The reports count the evidence files (docs/evidence.md, "In the reports"): names,
types and dates in the city and unit reports and the Excel export, never contents."""
from __future__ import annotations

import io
import json

from tests.helpers.auth import ensure_units
from tests.helpers.evidence_files import pdf_bytes
from survey_engine.services import evidence, reports, responses
from survey_engine.services.access import system_actor
from tests.survey_samples import FULL_2024, V2024, setup_round

SYSTEM = system_actor("tests")
SECRET = "HEMLIGT-INNEHÅLL-123"


async def _round() -> int:
    rnd = await setup_round(V2024, ("a", "b", "c"))
    await ensure_units("a", "b", "c")
    for code in ("a", "b", "c"):
        state, _ = await responses.start_response(rnd.id, code, actor=SYSTEM)
        await responses.save_answers(state.id, state.revision, FULL_2024, actor=SYSTEM)
        await responses.submit_response(state.id, actor=SYSTEM) if code != "a" else None
        if code == "a":
            await evidence.add_file(state.id, "policy", "Policy & rutiner <2026>.pdf", pdf_bytes(), actor=SYSTEM)
            await evidence.add_file(state.id, "risk", "=HYPERLINK(x).txt", f"{SECRET}\n".encode(), actor=SYSTEM)
    return rnd.id


async def test_city_report_html_json_and_xlsx_list_names_not_contents(db):
    round_id = await _round()
    html, _, _ = await reports.city_report(round_id, "html", include_drafts=True)
    text = html.decode()
    assert 'id="evidence"' in text and "Bifogade underlag" in text and 'data-key="evidence.total" data-value="2"' in text
    assert "Policy &amp; rutiner _2026_.pdf" in text and SECRET not in text
    assert 'data-key="evidence.a.files" data-value="2"' in text

    model = json.loads((await reports.city_report(round_id, "json", include_drafts=True))[0])
    assert model["evidence"]["total"] == 2 and SECRET not in json.dumps(model)

    from openpyxl import load_workbook

    content, _, _ = await reports.city_report(round_id, "xlsx", include_drafts=True)
    ws = load_workbook(io.BytesIO(content))["Underlag"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:5] == ("Förvaltningskod", "Förvaltning", "Frågekod", "Fråga", "Fil")
    assert [r[4] for r in rows[1:]] == ["Policy & rutiner _2026_.pdf", "'=HYPERLINK(x).txt"]  # formula neutralised
    assert all(SECRET not in str(c) for r in rows for c in r)


async def test_unit_report_has_its_own_files_only(db):
    round_id = await _round()
    html, _, _ = await reports.unit_report(round_id, "a", "html", lang="en")
    assert "Attached evidence" in html.decode() and 'data-value="2"' in html.decode()
    html, _, _ = await reports.unit_report(round_id, "b", "html")
    assert "Inga filer är bifogade." in html.decode()


async def test_pdf_reports_have_the_evidence_section(db):
    from pypdf import PdfReader

    round_id = await _round()
    content, _, _ = await reports.city_report(round_id, "pdf", include_drafts=True)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Bifogade underlag" in text and "Policy & rutiner _2026_.pdf" in text and SECRET not in text
