"""Plan and follow-up reports read back: PDF text, XLSX cells, HTML rows."""
from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest

from survey_engine.services import plan_reports as reports
from survey_engine.errors import Invalid
from survey_engine.services import plans

from tests.plans.plan_samples import ANALYST, EXPECTED_EFFECTS, PLANNER, setup_rounds



class ActionRows(HTMLParser):
    """Collects the data-* attributes of every action row, per plan section."""

    def __init__(self):
        super().__init__()
        self.plan = None
        self.rows: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "data-plan" in a:
            self.plan = int(a["data-plan"])
        if tag == "tr" and "data-action" in a:
            self.rows.append({**a, "plan": self.plan})


def parse_actions(html: str) -> list[dict]:
    p = ActionRows()
    p.feed(html)
    return p.rows


async def _plan_with_statuses(ids):
    plan = await plans.create_plan(PLANNER, ids["r24"], "A", start="2024H2", capacity=20)
    by_q = {a.question: a for a in plan.actions}
    plan = await plans.update_action(PLANNER, plan.id, by_q["s-ansvar"].id, 0,
                                     {"status": "done", "owner": "=HYPERLINK(\"x\")", "note": "<b>fet</b>"})
    plan = await plans.add_action(PLANNER, plan.id, 1, {"title": "+Egen <script>", "period": "2025H1"})
    return plan


async def test_plan_pdf_and_xlsx(db):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    ids = await setup_rounds()
    plan = await _plan_with_statuses(ids)
    pdf, media, name = await reports.plan_report(ANALYST, plan.id, "pdf", "sv")
    assert media == "application/pdf" and name.endswith(".pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for a in plan.actions:
        if a.question:
            assert a.question in text
    assert "+Egen <script>" in text and "2024H2" in text and "klar" in text

    xlsx, media, _ = await reports.plan_report(ANALYST, plan.id, "xlsx", "en")
    wb = load_workbook(io.BytesIO(xlsx))
    rows = list(wb["Actions"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Half-year", "Area", "Level", "Question")
    assert len(rows) == 1 + len(plan.actions)
    owners = {r[3]: r[8] for r in rows[1:]}
    assert owners["s-ansvar"] == "'=HYPERLINK(\"x\")"  # neutralised, not a formula
    titles = [r[4] for r in rows[1:]]
    assert "'+Egen <script>" in titles
    periods = list(wb["Half-years"].iter_rows(values_only=True))
    assert [p[0] for p in periods[1:]] == [p.period for p in plan.periods]


async def test_follow_up_report_html_and_xlsx(db):
    from openpyxl import load_workbook

    ids = await setup_rounds()
    plan = await _plan_with_statuses(ids)
    html, media, _ = await reports.follow_up_report(ANALYST, plan.id, "html", "sv")
    html = html.decode()
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;fet&lt;/b&gt;" in html
    rows = parse_actions(html)
    assert len(rows) == len(plan.actions)
    effects = {r["data-question"]: r["data-effect"] for r in rows if r["data-question"]}
    assert effects == EXPECTED_EFFECTS
    assert {r["data-question"] for r in rows if r["data-flagged"] == "true"} == {"s-ansvar"}
    assert [r["data-effect"] for r in rows if not r["data-question"]] == ["not_measured"]

    xlsx, _, _ = await reports.follow_up_report(ANALYST, plan.id, "xlsx", "en")
    wb = load_workbook(io.BytesIO(xlsx))
    sheet = list(wb["Actions"].iter_rows(values_only=True))
    head = sheet[0]
    col = {h: i for i, h in enumerate(head)}
    got = {r[col["Question"]]: r[col["Effect"]] for r in sheet[1:] if r[col["Question"]]}
    from survey_engine.planning.vocabulary import effect_text

    assert got == {q: effect_text(e, "en") for q, e in EXPECTED_EFFECTS.items()}
    areas = list(wb["Areas"].iter_rows(values_only=True))
    assert [a[0] for a in areas[1:]] == ["Governance", "Operations"]
    assert areas[1][5] == pytest.approx(0.8)


async def test_report_inputs_are_checked(db):
    ids = await setup_rounds()
    plan = await plans.create_plan(PLANNER, ids["r24"], "A", start="2024H2")
    with pytest.raises(Invalid):
        await reports.plan_report(ANALYST, plan.id, "docx")
    with pytest.raises(Invalid):
        await reports.follow_up_report(ANALYST, plan.id, "html", "fi")
