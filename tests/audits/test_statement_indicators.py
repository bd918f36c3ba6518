"""The statement with measured indicators (spec §5): first and last period inside the
statement's period on the kommun total and per unit, the change, the target, and the
verdict; the DOCX and the PDF hold every figure of the JSON."""
from __future__ import annotations

import io

import pytest

from tests.audits.audit_samples import DEFS, KLICK, KURS, setup_audit
from tests.plans.plan_samples import ADMIN
from survey_engine.errors import Invalid
from survey_engine.reporting.statement import figures, render
from survey_engine.services import indicators, recommendations
from survey_engine.services.statement import build_statement
from survey_engine.services.views import IndicatorOverview, LatestTotal

pytestmark = pytest.mark.db

AUDIT = """format: 1
id: granskning-matt
title: Granskning med mätningar
auditor: Stadsrevisionen
date: 2024-10-01
recommendations:
  - id: utbildning
    text: Utbilda all personal och följ upp genomförandegraden.
    indicators: [kurs]
  - id: phishing
    text: Öva phishing.
    indicators: [klick]
"""


def _docx_text(content: bytes) -> str:
    import docx

    d = docx.Document(io.BytesIO(content))
    parts = [p.text for p in d.paragraphs] + [c.text for t in d.tables for row in t.rows for c in row.cells]
    return " ".join(" ".join(parts).split())


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())


async def test_measured_effect_and_not_yet_measurable(db):
    await setup_audit()
    await indicators.publish(DEFS, actor=ADMIN, source="defs.yaml")
    await indicators.import_measurements("kurs", KURS, actor=ADMIN)
    await indicators.import_measurements("klick", KLICK, actor=ADMIN)
    await recommendations.import_audit(AUDIT, actor=ADMIN)
    statement = await build_statement(ADMIN, "granskning-matt", "2025-01-01", "2025-12-31")
    assert (statement.summary.effekt, statement.summary.ej_matbar, statement.language) == (1, 1, "sv")
    m = statement.document
    recs = {r["id"]: r for r in m["recommendations"]}
    kurs = recs["utbildning"]["indicators"][0]
    assert (kurs["first"]["period"], kurs["last"]["period"]) == ("2025-01", "2025-12")
    assert kurs["first"]["value"] == pytest.approx(40 / 200) and kurs["last"]["value"] == pytest.approx(110 / 200)
    assert kurs["change"] == pytest.approx(0.35) and kurs["met_at_end"] is False and kurs["periods"] == 3
    assert kurs["units"]["A"]["change"] == pytest.approx(0.40) and kurs["units"]["B"]["change"] == pytest.approx(0.30)
    assert kurs["display"] == {"first": "20,0 %", "last": "55,0 %", "change": "+35,0 procentenheter",
                               "target": "90,0 %"}
    assert recs["utbildning"]["verdict"]["code"] == "effekt"
    klick = recs["phishing"]["indicators"][0]
    assert klick["periods"] == 1 and recs["phishing"]["verdict"]["code"] == "ej-matbar"
    assert "bara en mätning" in recs["phishing"]["sentences"]["effect"][0]
    data = __import__("json").loads(render(m, "json"))
    for fmt, read in (("docx", _docx_text), ("pdf", _pdf_text)):
        text = read(render(m, fmt))
        for rec in data["recommendations"]:
            assert rec["id"] in text and rec["verdict"]["label"] in text
        for figure in figures(data):
            assert figure in text, (fmt, figure)
        for unit in kurs["units"].values():
            assert unit["display"]["last"] in text
    # a wider period that reaches the 2026 measurement: the target is reached
    m = (await build_statement(ADMIN, "granskning-matt", "2025-01-01", "2026-06-30")).document
    kurs = m["recommendations"][0]["indicators"][0]
    assert kurs["last"]["period"] == "2026-02" and kurs["met_at_end"] and kurs["reached"]
    # the recommendation's page shows each linked indicator's latest kommun total
    overview = await recommendations.indicator_overview(ADMIN, ["kurs", "finns-inte"])
    assert overview[0].latest == LatestTotal(period="2026-02", value=pytest.approx(0.95), met=True)
    assert (overview[0].title.sv, overview[0].target) == ("Genomförd grundkurs", 0.9)
    assert overview[1] == IndicatorOverview(id="finns-inte", published=False)


async def test_unpublished_indicator_is_refused_once_indicators_exist(db):
    await setup_audit()
    await indicators.publish(DEFS, actor=ADMIN, source="defs.yaml")
    with pytest.raises(Invalid) as info:
        await recommendations.import_audit(AUDIT.replace("[klick]", "[finns-inte]"), actor=ADMIN)
    assert info.value.errors[0]["field"] == "recommendations[1].indicators[0]" and info.value.errors[0]["line"] == 12
