"""The demo's audit (docs/indicators.md §4): the city's IT-security audit from autumn
2024 with its four recommendations (questionnaires/audits/), the measures the city took
in 2025 as actions of the city's plan with their completion dates (the basic course
launched in the learning platform during the information-security month, October
2025), and links from the förvaltningar's own plan actions on the linked questions.
Made through the services, so every step is in the audit log like a planner's.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from survey_engine.services import plans, recommendations
from survey_engine.services.policy import Principal

AUDIT_FILE = Path("audits") / "granskning-it-sakerhet-2024.yaml"
AUDIT_ID = "it-sakerhet-2024"

# (recommendation, title, owner, half-year, status, done on, due)
CITY_ACTIONS = [
    ("utbildning-alla", "Grundkurs i informationssäkerhet för all personal i lärplattformen (bygger på MCF:s "
     "utbildningsmaterial, anpassad för staden), lanserad under informationssäkerhetsmånaden",
     "Stadskontoret, HR-avdelningen", "2025H2", "done", dt.date(2025, 10, 1), dt.date(2025, 10, 31)),
    ("utbildning-alla", "Chefer följer sina medarbetares genomförande i lärplattformen; månadsrapport om "
     "genomförandegrad till varje förvaltnings informationssäkerhetssamordnare",
     "Stadskontoret, informationssäkerhetsfunktionen", "2025H2", "done", dt.date(2025, 11, 3), dt.date(2025, 11, 30)),
    ("utbildning-alla", "Riktade insatser i förvaltningar där genomförandegraden ligger under målet",
     "Förvaltningarnas informationssäkerhetssamordnare", "2026H1", "in_progress", None, dt.date(2026, 6, 30)),
    ("policy-iso", "Revidera informationssäkerhetspolicyn mot ISO/IEC 27001:2022 och ta den till kommunfullmäktige",
     "Stadskontoret, säkerhetschef", "2025H1", "done", dt.date(2025, 6, 12), dt.date(2025, 6, 30)),
    ("rutin-stadsovergripande", "Rutin och årshjul för stadsövergripande uppföljning av informationssäkerheten",
     "Stadskontoret, informationssäkerhetsfunktionen", "2025H1", "done", dt.date(2025, 4, 15), dt.date(2025, 5, 31)),
    ("uppfoljning-riktlinjer", "Stickprovskontroll av hur tre förvaltningar följer riktlinjerna för "
     "informationssäkerhet", "Stadskontoret, internkontroll", "2025H2", "done", dt.date(2025, 12, 10),
     dt.date(2025, 12, 15)),
    ("uppfoljning-riktlinjer", "Årlig rapport till kommunstyrelsen om efterlevnaden av riktlinjerna",
     "Stadskontoret, informationssäkerhetsfunktionen", "2026H1", "planned", None, dt.date(2026, 4, 30)),
]


async def load_demo_audit(questionnaires_dir: Path, *, actor: Principal, plan_ids: dict[str, int],
                          log=print) -> dict[str, Any]:
    """Import the demo audit and add and link the measures. `plan_ids`: unit code ->
    plan id as made by plan_demo (key "city" for the city's plan)."""
    path = Path(questionnaires_dir) / AUDIT_FILE
    audit = await recommendations.import_audit(path.read_text(encoding="utf-8"), actor=actor, source=str(path))
    links = 0
    city = plan_ids.get("city")
    if city is not None:
        plan = await plans.get_plan(actor, city)
        for rec_id, title, owner, period, status, done_on, due in CITY_ACTIONS:
            fields: dict[str, Any] = {"title": title, "owner": owner, "period": period, "status": status,
                                      "due_date": due, "note": ""}
            if done_on is not None:
                fields["done_on"] = done_on
            plan = await plans.add_action(actor, city, plan.revision, fields)
            action = max(plan.actions, key=lambda a: a.id)
            await recommendations.link_action(actor, AUDIT_ID, rec_id, action.id)
            links += 1
    # The förvaltningar's own actions on the questions a recommendation names answer it too.
    by_question = {q: rec.id for rec in audit.recommendations for q in rec.questions}
    for code, plan_id in plan_ids.items():
        if code == "city":
            continue
        plan = await plans.get_plan(actor, plan_id)
        for action in plan.actions:
            rec_id = by_question.get(action.question or "")
            if rec_id and action.status in ("done", "in_progress"):
                await recommendations.link_action(actor, AUDIT_ID, rec_id, action.id)
                links += 1
    log(f"  granskning / audit: {audit.title} ({len(audit.recommendations)} rekommendationer, "
        f"{links} kopplade åtgärder / linked actions)")
    return {"audit": AUDIT_ID, "links": links}
