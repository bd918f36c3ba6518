"""Small questionnaires for the service and API tests (two versions of one family,
with a rename, a `comparable: false`, a changed scale and a narrowed number range)."""

from tests.helpers.questionnaires import jdn_scale, questionnaire_yaml

V2024 = questionnaire_yaml("liten", "2024.1", """
  - id: styr
    title: {sv: Styrning, en: Governance}
    questions:
      - {id: policy, type: choice, scale: jdn, level: 1, text: {sv: Policy, en: Policy}}
      - {id: ansvar, type: choice, scale: jdn, level: 1, text: {sv: Ansvar, en: Roles}}
      - {id: risk, type: choice, scale: jdn, level: 2, text: {sv: Risk, en: Risk}}
      - {id: mal, type: choice, scale: jdn, level: 2, text: {sv: Mål, en: Goals}}
  - id: drift
    title: {sv: Drift, en: Operations}
    questions:
      - id: antal
        type: number
        level: 2
        min: 0
        max: 100
        unit: "%"
        text: {sv: Andel utbildade, en: Share trained}
        bands: [{min: 80, credit: 1}, {min: 40, credit: 0.5}, {min: 0, credit: 0}]
      - id: typer
        type: multi
        level: 3
        text: {sv: Vilka övningar, en: Which exercises}
        options:
          - {value: a, label: {sv: A, en: A}}
          - {value: b, label: {sv: B, en: B}}
          - {value: c, label: {sv: C, en: C}, weight: 2}
      - {id: kommentar, type: text, required: false, text: {sv: Kommentar, en: Comment}}
""", title="{sv: Liten enkät, en: Small survey}")

V2026 = questionnaire_yaml("liten", "2026.1", """
  - id: styr
    title: {sv: Styrning, en: Governance}
    questions:
      - {id: policy, type: choice, scale: jdn, level: 1, text: {sv: Policy, en: Policy}}
      - {id: roller, type: choice, scale: jdn, level: 1, previous_ids: [ansvar], text: {sv: Roller, en: Roles}}
      - {id: risk, type: choice, scale: jdn, level: 2, comparable: false, text: {sv: Riskanalys enligt ny metod, en: Risk (new method)}}
      - {id: mal, type: choice, scale: jn, level: 2, text: {sv: Mål, en: Goals}}
      - {id: ny, type: choice, scale: jdn, level: 3, text: {sv: Ny fråga, en: New question}}
  - id: drift
    title: {sv: Drift, en: Operations}
    questions:
      - id: antal
        type: number
        level: 2
        min: 0
        max: 50
        text: {sv: Antal övningar, en: Number of exercises}
        bands: [{min: 10, credit: 1}, {min: 0, credit: 0}]
      - id: typer
        type: multi
        level: 3
        text: {sv: Vilka övningar, en: Which exercises}
        options:
          - {value: a, label: {sv: A, en: A}}
          - {value: b, label: {sv: B, en: B}}
          - {value: c, label: {sv: C, en: C}, weight: 2}
      - {id: kommentar, type: text, required: false, text: {sv: Kommentar, en: Comment}}
""", title="{sv: Liten enkät, en: Small survey}",
                           previous="2024.1", scales=jdn_scale() + """  jn:
    options:
      - {value: ja, label: {sv: Ja, en: "Yes"}, credit: 1}
      - {value: nej, label: {sv: Nej, en: "No"}, credit: 0}
""")

# A complete, valid answer set for 2024.1
FULL_2024 = {"policy": "ja", "ansvar": "delvis", "risk": "nej", "mal": "delvis", "antal": 72,
             "typer": ["a", "c"], "kommentar": "bra"}


def many_questions(n: int = 100) -> str:
    """A one-version questionnaire with n number questions (for concurrency tests)."""
    qs = "\n".join(
        f"      - {{id: q{i:03d}, type: number, level: 1, min: 0, max: 1000, text: Fråga {i},"
        f" bands: [{{min: 0, credit: 1}}]}}" for i in range(n)
    )
    return f"""
format: 1
id: manga
version: "2026.1"
title: Många frågor
languages: [sv]
levels:
  - {{level: 1, name: Grundläggande}}
areas:
  - id: a
    title: Område
    questions:
{qs}
"""


async def setup_round(source: str = V2024, units=("a", "b"), open_it: bool = True, name: str = "Omgång"):
    """Publish `source`, create units (if missing) and a round on it. Returns the round."""
    from survey_engine.services import questionnaires, rounds, units as units_service
    from survey_engine.services.access import system_actor
    from survey_engine.services.units import UnitInput

    test = system_actor("test")  # services take the acting Principal
    summary, _ = await questionnaires.publish_questionnaire(source, actor=test)
    await units_service.import_units([UnitInput(u, f"Enhet {u}", 10.0) for u in units], actor=test)
    rnd = await rounds.create_round(name, summary["family"], summary["version"], list(units), actor=test)
    if open_it:
        rnd = await rounds.open_round(rnd.id, actor=test)
    return rnd
