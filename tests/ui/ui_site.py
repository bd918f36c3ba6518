"""A small questionnaire and a site (units, an open round, one user per role) for the
page tests and the browser tests. Every question type, "Vet ej" and "Ej tillämpligt",
guidance, and a conditional question."""
from __future__ import annotations

from dataclasses import dataclass

from tests.helpers.questionnaires import questionnaire_yaml

PASSWORD = "rätt-häst-batteri-7"

QUESTIONNAIRE = questionnaire_yaml("ui-test", "2026.1", """
  - id: styrning
    title: {sv: Ledning och styrning, en: Governance}
    questions:
      - id: policy
        type: choice
        scale: jdn
        level: 1
        text: {sv: Finns en fastställd informationssäkerhetspolicy?, en: Is there an adopted information security policy?}
        guidance: {sv: Policyn ska vara beslutad av ledningen., en: The policy must be adopted by management.}
      - id: policy-oversyn
        type: choice
        scale: jdn
        level: 2
        show_if: {question: policy, in: [ja, delvis]}
        text: {sv: Ses policyn över minst en gång om året?, en: Is the policy reviewed at least once a year?}
        guidance: {sv: Översynen ska dokumenteras., en: The review must be documented.}
      - id: risk
        type: choice
        scale: jdn
        level: 2
        text: {sv: Görs riskanalyser av verksamhetens information?, en: Are the information assets risk-analysed?}
  - id: drift
    title: {sv: Teknisk säkerhet och drift, en: Technical security and operations}
    questions:
      - id: utbildade
        type: number
        level: 1
        min: 0
        max: 100
        unit: "%"
        bands: [{min: 80, credit: 1}, {min: 0, credit: 0}]
        text: {sv: Hur stor andel av personalen har gått säkerhetsutbildningen?, en: What share of the staff has taken the security training?}
      - id: ovningar
        type: multi
        level: 2
        text: {sv: Vilka övningar har genomförts?, en: Which exercises have been held?}
        options:
          - {value: kris, label: {sv: Krisövning, en: Crisis exercise}}
          - {value: aterstallning, label: {sv: Återställning av säkerhetskopior, en: Backup restore}}
          - {value: phishing, label: {sv: Nätfiskeövning, en: Phishing exercise}}
      - {id: kommentar, type: text, required: false, max_length: 500, text: {sv: Övriga kommentarer, en: Other comments}}
""", target_level=2,
                                   title="{sv: Testenkät om informationssäkerhet, en: Information security test survey}")

UNITS = [("kultur", "Kulturförvaltningen"), ("miljo", "Miljöförvaltningen"), ("skola", "Skolförvaltningen")]
USERS = [
    ("resp-kultur", "respondent", ["kultur"]),
    ("resp-miljo", "respondent", ["miljo"]),
    ("analytiker", "analyst", []),
    ("planerare", "planner", []),
    ("revisor", "auditor", []),
    ("admin", "admin", []),
]


@dataclass
class Site:
    round_id: int
    questionnaire_id: str = "ui-test"


def system() -> object:
    try:
        from survey_engine.services.access import system_actor

        return system_actor("tests")
    except ImportError:  # pragma: no cover - older services
        from survey_engine.services.policy import Principal, Role

        return Principal("cli:tests", Role.ADMIN, via="cli")


async def build_site() -> Site:
    """Publish the questionnaire, create the units, an open round and the users."""
    from survey_engine.services import users as auth_service
    from survey_engine.services import questionnaires, rounds, units

    actor = system()
    await questionnaires.publish_questionnaire(QUESTIONNAIRE, actor=actor, source="ui-test.yaml")
    for code, name in UNITS:
        await units.create_unit(code, name, actor=actor)
    rnd = await rounds.create_round("Omgång 2026", "ui-test", "2026.1", [c for c, _ in UNITS], actor=actor)
    await rounds.open_round(rnd.id, actor=actor)
    for username, role, unit_codes in USERS:
        await auth_service.create_user(actor, username, role, password=PASSWORD, units=unit_codes)
    return Site(round_id=rnd.id)
