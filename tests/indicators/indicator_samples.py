"""Samples for the indicator tests (a plain module, imported by the test files here)."""
from __future__ import annotations

from pathlib import Path

from survey_engine.services.policy import Principal, Role

REPO = Path(__file__).resolve().parents[2]
FLAGSHIP = REPO / "questionnaires" / "indicators" / "mcf-indikatorer" / "2026.1.yaml"
ADMIN = Principal(username="ind-admin", role=Role.ADMIN, via="cli")
ANALYST = Principal(username="ind-analyst", role=Role.ANALYST)
PLANNER = Principal(username="ind-planner", role=Role.PLANNER)
AUDITOR = Principal(username="ind-auditor", role=Role.AUDITOR)

# Indicators of the small test questionnaire family `liten` (tests/survey_samples.py):
# `antal` is its number question (0–100 %).
SMALL = """
format: 1
id: test-indikatorer
version: "2026.1"
title: {sv: Testindikatorer, en: Test indicators}
indicators:
  - id: kurs
    title: {sv: Genomförd kurs, en: Course completed}
    kind: share
    direction: up
    target: 0.9
    period: month
    valid_months: 24
    source: {sv: Lärplattformen, en: Learning platform}
    family: liten
    questions: [antal]
  - id: klick
    title: {sv: Klick i övningen, en: Clicks in the exercise}
    kind: share
    direction: down
    target: 0.05
    period: quarter
    source: {sv: Övningsverktyget, en: Exercise tool}
  - id: incidenter
    title: {sv: Incidenter, en: Incidents}
    kind: count
    direction: down
    target: 10
    period: year
    source: {sv: Incidentregistret, en: Incident register}
  - id: patchdagar
    title: {sv: Dagar till patch, en: Days to patch}
    kind: days
    direction: down
    target: 14
    period: month
    source: {sv: Driften, en: Operations}
"""

# A kommun K with förvaltningar KF, MF, SF; SF has two sub-units SF1, SF2.
UNITS_CSV = """code,name,weight,parent
K,Kommunen,1,
KF,Kulturförvaltningen,600,K
MF,Miljöförvaltningen,350,K
SF,Socialförvaltningen,1400,K
SF1,Socialtjänst norr,700,SF
SF2,Socialtjänst söder,700,SF
"""

# The example of docs/indicators.md §2.1 (identifiers made up).
PERSONS_CSV = """unit;person;completed
KF;anv-0147;2025-10-14
KF;anv-0212;2024-03-31
KF;anv-0388;
KF;anv-0419;2026-04-02
KF;anv-0147;2023-01-09
MF;anv-0950;2024-04-01
"""
PERSON_IDS = ("anv-0147", "anv-0212", "anv-0388", "anv-0419", "anv-0950")


async def setup_units() -> None:
    from survey_engine.services import units

    await units.import_units(units.parse_units_csv(UNITS_CSV), actor=ADMIN)


async def publish_small() -> None:
    from survey_engine.services import indicators

    await indicators.publish(SMALL, actor=ADMIN, source="small.yaml")
