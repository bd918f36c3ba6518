"""Evidence files of the demo (docs/evidence.md): a few small generated
documents and images attached to answers of the open 2026 round, uploaded by each
förvaltning's respondent before it submits, so the pages, the reports and the backup
have real files to show. Everything is made here: PDFs with reportlab, PNG charts
with matplotlib; no file is read from disk."""
from __future__ import annotations

import io
from typing import Any

from survey_engine.services import evidence
from survey_engine.services.policy import Principal

# unit code -> [(question id, file name, kind, title, lines)]
DEMO_FILES: dict[str, list[tuple[str, str, str, str, list[str]]]] = {
    "SK": [("led-policy", "Informationssäkerhetspolicy Stadskontoret 2026.pdf", "pdf",
            "Informationssäkerhetspolicy", ["Beslutad av kommunstyrelsen 2026-01-28.",
                                            "Gäller alla förvaltningar och bolag i Malmö stad.",
                                            "Ses över årligen av informationssäkerhetsfunktionen."])],
    "SF": [("kon-backup", "Rutin för säkerhetskopiering.pdf", "pdf", "Rutin för säkerhetskopiering",
            ["Dagliga kopior av verksamhetssystemen, veckovisa fullkopior.",
             "En kopia förvaras frånkopplad (offline) i annan byggnad.",
             "Återläsning testas kvartalsvis; senaste test 2026-02-12."]),
           ("tek-patchning", "Patchnivå per månad 2026.png", "chart", "Andel servrar med aktuella uppdateringar",
            ["jan:82", "feb:88", "mar:91", "apr:95"])],
    "HVOF": [("kon-ovning", "Krisövning november 2025 – utvärdering.pdf", "pdf", "Utvärdering av krisövning",
              ["Scenario: utslaget journalsystem under ett dygn.",
               "Reservrutiner fungerade; kontaktlistor var inaktuella.",
               "Åtgärd: kontaktlistor ses över varje kvartal."]),
             ("utb-andel", "Genomförd säkerhetsutbildning.png", "chart", "Andel anställda som gått utbildningen",
              ["2024:41", "2025:63", "2026:78"])],
    "GRF": [("inc-larande", "Incidenter 2025 – sammanfattning.pdf", "pdf", "Sammanfattning av incidenter 2025",
             ["14 rapporterade incidenter, varav 3 nätfiske med lyckad inloggning.",
              "Lärdom: tvåstegsinloggning för alla konton med e-post.",
              "Rapporterat till ledningsgruppen 2026-02-03."])],
}


def demo_pdf(title: str, lines: list[str], unit_name: str) -> bytes:
    from reportlab.lib.pagesizes import A4  # reportlab only when a PDF is made
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(title)
    c.setFont("Helvetica-Bold", 16)
    c.drawString(60, 780, title)
    c.setFont("Helvetica", 11)
    c.drawString(60, 760, f"{unit_name} · Malmö stad (demodokument / demo document)")
    for n, line in enumerate(lines):
        c.drawString(60, 720 - 18 * n, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def demo_png(title: str, points: list[str]) -> bytes:
    import matplotlib  # matplotlib only when a chart is drawn

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    labels = [p.split(":")[0] for p in points]
    values = [float(p.split(":")[1]) for p in points]
    fig = Figure(figsize=(4, 2.4), dpi=80)
    ax = fig.add_subplot()
    ax.bar(labels, values, color="#0b4f8a")
    ax.set_ylim(0, 100)
    ax.set_ylabel("%")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


async def attach_demo_evidence(response_id: int, unit_code: str, unit_name: str, q: Any, who: Principal) -> int:
    """Upload the unit's demo files (questions missing from `q` are skipped); the count."""
    n = 0
    for question_id, name, kind, title, lines in DEMO_FILES.get(unit_code, []):
        if q.question(question_id) is None:
            continue
        data = demo_pdf(title, lines, unit_name) if kind == "pdf" else demo_png(title, lines)
        await evidence.add_file(response_id, question_id, name, data, actor=who)
        n += 1
    return n
