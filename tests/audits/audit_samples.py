"""A small audit on the plan tests' questionnaire family `planfam`."""
from __future__ import annotations

import datetime as dt

from tests.plans.plan_samples import ADMIN, setup_rounds

# Two published indicators and their measurements, for the statement's figures
DEFS = """
format: 1
id: plan-indikatorer
version: "2026.1"
title: {sv: Indikatorer, en: Indicators}
indicators:
  - id: kurs
    title: {sv: Genomförd grundkurs, en: Basic course completed}
    kind: share
    direction: up
    target: 0.9
    period: month
    source: {sv: Lärplattformen, en: Learning platform}
  - id: klick
    title: {sv: Klick i phishingövningen, en: Clicks in the phishing exercise}
    kind: share
    direction: down
    target: 0.05
    period: quarter
    source: {sv: Övningsverktyget, en: Exercise tool}
"""
# A and B under K: 2025-01 total (30+10)/(100+100) = 0.20; 2025-12 (70+40)/200 = 0.55;
# a month of 2026 lies outside a 2025 statement and is not read.
KURS = ("unit,period,numerator,denominator\nA,2025-01,30,100\nB,2025-01,10,100\nA,2025-06,50,100\n"
        "A,2025-12,70,100\nB,2025-12,40,100\nA,2026-02,95,100\nB,2026-02,95,100\n")
# one exercise inside 2025 only (and one in 2024)
KLICK = "unit,period,numerator,denominator\nA,2024-Q4,20,100\nA,2025-Q4,8,100\n"

AUDIT = """format: 1
id: granskning-test
title: {sv: "Granskning av säkerheten", en: "Security audit"}
auditor: Revisorskollegiet
date: 2024-10-01
recommendations:
  - id: policy
    text: {sv: "Ta fram en policy.", en: "Write a policy."}
    responsible: Kommunstyrelsen
    family: planfam
    questions: [s-policy]
  - id: ovning
    text: {sv: "Öva regelbundet."}
    responsible: Kommunstyrelsen
    family: planfam
    questions: [d-ovning]
  - id: tomt
    text: "Något som inte mäts."
"""


async def setup_audit() -> dict:
    """Rounds (2024 closed, 2026 open), a plan for unit A from 2024, the audit, and two
    linked actions: s-policy done on 2025-03-14, s-risk under way."""
    from survey_engine.services import plans, recommendations

    ids = await setup_rounds()
    plan = await plans.create_plan(ADMIN, ids["r24"], "A", start="2024H2")
    by_q = {a.question: a for a in plan.actions}
    plan = await plans.update_actions(ADMIN, plan.id, plan.revision, {
        by_q["s-policy"].id: {"status": "done", "done_on": dt.date(2025, 3, 14), "owner": "IT-chefen"},
        by_q["s-risk"].id: {"status": "in_progress", "owner": "Säkerhetschefen"},
        by_q["d-logg"].id: {"status": "done", "done_on": dt.date(2024, 11, 1)},
    })
    await recommendations.import_audit(AUDIT, actor=ADMIN, source="granskning.yaml")
    await recommendations.link_action(ADMIN, "granskning-test", "policy", by_q["s-policy"].id)
    await recommendations.link_action(ADMIN, "granskning-test", "policy", by_q["s-risk"].id)
    await recommendations.link_action(ADMIN, "granskning-test", "ovning", by_q["d-logg"].id)
    return {**ids, "plan": plan.id, "actions": {q: a.id for q, a in by_q.items()}}
