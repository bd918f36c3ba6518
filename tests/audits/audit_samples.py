"""A small audit on the plan tests' questionnaire family `planfam`."""
from __future__ import annotations

import datetime as dt

from tests.plans.plan_samples import ADMIN, setup_rounds

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
