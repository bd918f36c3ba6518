"""The demo tells the story (issue 16, item 8): the autumn-2024 audit's four
recommendations, the city's 2025 measures with their dates, and the 2025 statement made
by `survey-engine report statement` in DOCX, PDF, HTML and JSON: effect shown for the
training recommendation (course completion rising through 2025), "not yet measurable"
where it honestly is. The DOCX (python-docx) and the PDF (pypdf) are read back and hold
each recommendation with its verdict and the indicator figures of the JSON."""
from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner

from survey_engine.cli import main
from survey_engine.reporting.statement import figures

pytestmark = pytest.mark.db


def _docx_text(content: bytes) -> str:
    import docx

    d = docx.Document(io.BytesIO(content))
    parts = [p.text for p in d.paragraphs] + [c.text for t in d.tables for row in t.rows for c in row.cells]
    return " ".join(" ".join(parts).split())


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())


@pytest.fixture
async def demo(db, questionnaires_dir):
    from survey_engine.services.demo import load_demo

    await load_demo(questionnaires_dir, log=lambda *_: None)


def test_demo_statement_for_2025(demo, tmp_path):
    out = {}
    for fmt in ("json", "docx", "pdf", "html"):
        path = tmp_path / f"yttrande.{fmt}"
        r = CliRunner().invoke(main, ["report", "statement", "--audit", "it-sakerhet-2024", "--from", "2025-01-01",
                                      "--to", "2025-12-31", "--format", fmt, "--out", str(path)])
        assert r.exit_code == 0, r.output
        out[fmt] = path.read_bytes()
    data = json.loads(out["json"])
    verdicts = {r["id"]: r["verdict"]["code"] for r in data["recommendations"]}
    assert verdicts == {"policy-iso": "ej-matbar", "uppfoljning-riktlinjer": "ej-matbar",
                        "rutin-stadsovergripande": "ej-matbar", "utbildning-alla": "effekt"}
    training = next(r for r in data["recommendations"] if r["id"] == "utbildning-alla")
    course = next(i for i in training["indicators"] if i["indicator"] == "utbildning-grund")
    assert (course["first"]["period"], course["last"]["period"]) == ("2025-01", "2025-12")
    assert course["change"] >= 0.05 and course["improved"]
    assert any(m["done_on"] == "2025-10-01" and "lärplattformen" in m["title"] for m in training["measures"]["done"])
    # every listed measure was done inside the period
    for rec in data["recommendations"]:
        assert all("2025-01-01" <= m["done_on"] <= "2025-12-31" for m in rec["measures"]["done"])
    # two phishing exercises, 2024 and 2025: one inside 2025, said in plain words
    phishing = next(i for i in training["indicators"] if i["indicator"] == "phishing-klick")
    assert phishing["periods"] == 1
    assert any("vartannat år" in line for line in data["recommendations"][0]["sentences"]["effect"])
    for fmt, read in (("docx", _docx_text), ("pdf", _pdf_text), ("html", lambda b: " ".join(b.decode().split()))):
        text = read(out[fmt])
        for rec in data["recommendations"]:
            assert rec["id"] in text, (fmt, rec["id"])
            assert rec["verdict"]["label"] in text, (fmt, rec["id"])
        for figure in figures(data):
            assert figure in text, (fmt, figure)
        assert "+" + course["display"]["change"].lstrip("+") in text
