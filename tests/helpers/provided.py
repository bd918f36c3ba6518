"""A small questionnaire for the shared-answer tests (docs/shared-answers.md): three
questions tagged it-drift in two areas, one own question."""
from tests.helpers.questionnaires import questionnaire_yaml

DELAD = questionnaire_yaml("delad", "2026.1", """
  - id: styr
    title: {sv: Styrning, en: Governance}
    questions:
      - {id: policy, type: choice, scale: jdn, level: 1, text: {sv: Policy, en: Policy}}
      - {id: backup, type: choice, scale: jdn, level: 1, tags: [it-drift], text: {sv: Säkerhetskopior, en: Backups}}
  - id: drift
    title: {sv: Drift, en: Operations}
    questions:
      - {id: patchar, type: choice, scale: jdn, level: 1, tags: [it-drift], text: {sv: Uppdateringar, en: Updates}}
      - {id: logg, type: choice, scale: jdn, level: 2, tags: [it-drift], text: {sv: Övervakning, en: Monitoring}}
""")
DELAD_NEXT = DELAD.replace('version: "2026.1"', 'version: "2027.1"\nprevious: "2026.1"')

# A question that depends on a provided one in the same area (show_if on a provided
# question): `aterlasning` shows when the effective answer to `backup` is ja or delvis.
VILLKOR = questionnaire_yaml("villkor", "2026.1", """
  - id: drift
    title: {sv: Drift, en: Operations}
    questions:
      - {id: backup, type: choice, scale: jdn, level: 1, tags: [it-drift], text: {sv: Tas säkerhetskopior?, en: Are backups taken?}}
      - id: aterlasning
        type: choice
        scale: jdn
        level: 2
        show_if: {question: backup, in: [ja, delvis]}
        text: {sv: Provas återläsning av säkerhetskopiorna?, en: Are backup restores tested?}
      - {id: rutin, type: choice, scale: jdn, level: 1, text: {sv: Finns en driftrutin?, en: Is there an operating procedure?}}
""")
