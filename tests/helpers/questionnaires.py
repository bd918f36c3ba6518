"""One builder for the small questionnaires of the tests: the head every one of them
shares (format, title, languages, the three MCF levels, the ja/delvis/nej/vet-ej scale)
and the areas each test writes itself. The format is docs/questionnaire-format.md."""
from __future__ import annotations

LEVELS = """levels:
  - {level: 1, name: {sv: Grundläggande, en: Basic}}
  - {level: 2, name: {sv: Systematiskt, en: Systematic}}
  - {level: 3, name: {sv: Kvalificerat, en: Qualified}}
"""


def jdn_scale(name: str = "jdn", not_applicable: str | None = "ej-tillampligt") -> str:
    """The ja / delvis / nej / vet ej scale as a `scales:` entry; `not_applicable` is the
    value of its "Ej tillämpligt" option (None: the scale has none)."""
    text = f"""  {name}:
    options:
      - {{value: ja, label: {{sv: Ja, en: "Yes"}}, credit: 1}}
      - {{value: delvis, label: {{sv: Delvis, en: Partly}}, credit: 0.5}}
      - {{value: nej, label: {{sv: Nej, en: "No"}}, credit: 0}}
      - {{value: vet-ej, label: {{sv: Vet ej, en: Don't know}}, credit: 0, unknown: true}}
"""
    if not_applicable:
        text += (f"      - {{value: {not_applicable}, label: {{sv: Ej tillämpligt, en: Not applicable}},"
                 f" not_applicable: true}}\n")
    return text


def questionnaire_yaml(id: str, version: str, areas: str, *, title: str = "{sv: Testenkät, en: Test questionnaire}",
                       previous: str | None = None, target_level: int | None = None,
                       scales: str | None = None) -> str:
    """A questionnaire as YAML text: the shared head and `areas` (the YAML of the list
    under `areas:`, indented by two spaces). `scales` replaces the default scales block
    (one jdn_scale()); pass "" for a questionnaire without scales."""
    head = f'format: 1\nid: {id}\nversion: "{version}"\n'
    if previous:
        head += f'previous: "{previous}"\n'
    head += f"title: {title}\nlanguages: [sv, en]\n" + LEVELS
    if target_level is not None:
        head += f"target_level: {target_level}\n"
    scales = jdn_scale() if scales is None else scales
    if scales:
        head += "scales:\n" + scales
    return head + "areas:\n" + areas.strip("\n") + "\n"
