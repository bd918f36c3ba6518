"""`survey-engine questionnaire …`: validate, show and compare questionnaire files."""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click

from survey_engine.cli.common import EXIT_INVALID, fail, fail_problems
from survey_engine.questionnaire.continuity import check_continuity, diff as diff_versions
from survey_engine.questionnaire.errors import Problem, QuestionnaireError
from survey_engine.questionnaire.load import QUESTION_TYPES, check_family, load_questionnaire
from survey_engine.questionnaire.model import Questionnaire, localized


@click.group("questionnaire")
def questionnaire_group() -> None:
    """Enkätfiler: kontrollera, visa och jämför versioner.

    Questionnaire files: validate, show and compare versions.
    """


def _load(path: str) -> Questionnaire:
    try:
        return load_questionnaire(path)
    except QuestionnaireError as exc:
        fail_problems(exc.problems, f"{path}: enkäten kan inte läsas / the questionnaire cannot be read")


def _summary(q: Questionnaire) -> str:
    count = sum(1 for _ in q.questions())
    return f"{q.id} {q.version}, {count} frågor/questions, {q.hash}"


def _check_against_sibling(q: Questionnaire, path: Path) -> list[Problem]:
    """For a single file: when the `previous` version lies next to it, check previous_ids
    against it too (the spec checks them whenever the previous version is available)."""
    if not q.previous:
        return []
    for suffix in (".yaml", ".yml"):
        sibling = path.with_name(q.previous + suffix)
        if sibling.is_file():
            try:
                old = load_questionnaire(sibling)
            except QuestionnaireError:
                return []  # its own problems are reported when it is validated
            return check_continuity(q, old) if old.id == q.id else []
    return []


@questionnaire_group.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Utdata som text eller JSON / output as text or JSON.")
def validate_command(paths: tuple[str, ...], fmt: str) -> None:
    """Kontrollera enkätfiler eller en familjemapp (alla fel visas).

    Validate questionnaire files or a family folder (every problem is shown). A folder
    also checks `previous` and `previous_ids` across its versions; a single file is
    checked against its `previous` version when that file lies beside it. Exit status 2
    when anything is wrong, 0 otherwise.
    """
    problems: list[Problem] = []
    ok: list[Questionnaire] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            loaded, found = check_family(path)
            bad_files = {p.file for p in found}
            ok.extend(q for q in loaded if q.source not in bad_files)
            problems.extend(found)
        else:
            try:
                q = load_questionnaire(path)
            except QuestionnaireError as exc:
                problems.extend(exc.problems)
                continue
            found = _check_against_sibling(q, path)
            problems.extend(found)
            if not found:
                ok.append(q)
    if fmt == "json":
        click.echo(json.dumps({
            "ok": [{"file": q.source, "id": q.id, "version": q.version, "hash": q.hash,
                    "questions": sum(1 for _ in q.questions())} for q in ok],
            "problems": [p.to_dict() for p in problems],
        }, ensure_ascii=False, indent=2))
        sys.exit(EXIT_INVALID if problems else 0)
    for q in ok:
        click.echo(f"OK  {q.source}  ({_summary(q)})")
    if problems:
        by_file: dict[str, list[Problem]] = {}
        for problem in problems:
            by_file.setdefault(problem.file, []).append(problem)
        for file, items in by_file.items():
            click.echo(f"FEL/ERROR  {file}: {len(items)} fel/errors", err=True)
            for problem in items:
                click.echo(f"  {problem}", err=True)
        click.echo(f"{len(ok)} fil(er) OK / file(s) OK, {len(problems)} fel / errors", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"{len(ok)} fil(er) OK / file(s) OK")


def _table(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        parts = [str(c).rjust(widths[i]) if i in right else str(c).ljust(widths[i])
                 for i, c in enumerate(cells)]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return [line(headers), rule, *(line(r) for r in rows)]


def _cut(text: str, width: int = 34) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@questionnaire_group.command("show")
@click.argument("file", type=click.Path())
@click.option("--lang", type=click.Choice(["sv", "en"]), default=None,
              help="Språk för texterna (standard: enkätens första språk) / language of the texts "
                   "(default: the questionnaire's first language).")
def show_command(file: str, lang: str | None) -> None:
    """Visa en enkät: nivåer, områden, antal frågor per nivå och typ, mål och vikter.

    Show a questionnaire: levels, areas, question counts per level and per type, targets
    and weights.
    """
    q = _load(file)
    lang = lang or q.default_language
    fallback = q.default_language

    def t(text):
        return localized(text, lang, fallback)

    out = [
        f"{t(q.title)}",
        f"  id: {q.id}   version: {q.version}"
        + (f"   föregående/previous: {q.previous}" if q.previous else ""),
        f"  hash: {q.hash}",
        f"  språk/languages: {', '.join(q.languages)}   "
        f"målnivå/target level: {q.target_level}   met_threshold: {q.met_threshold:g}",
        "",
        "Nivåer / Levels:",
    ]
    for level in q.levels:
        out.append(f"  {level.level}  {t(level.name)}")
    if q.scales:
        out += ["", "Skalor / Scales:"]
        for scale in q.scales.values():
            values = ", ".join(
                f"{o.value}={'n/a' if o.not_applicable else f'{o.credit:g}'}{'?' if o.unknown else ''}"
                for o in scale.options)
            out.append(f"  {scale.name}: {values}")
    levels = [lv.level for lv in q.levels]
    headers = (["område/area", "titel/title", "vikt/weight", "mål/target"]
               + [f"N{n}" for n in levels] + list(QUESTION_TYPES) + ["summa/total"])
    rows = []
    totals: Counter = Counter()
    for area in q.areas:
        by_level = Counter(question.level for question in area.questions if question.scored)
        by_type = Counter(question.type for question in area.questions)
        totals.update({("level", k): v for k, v in by_level.items()})
        totals.update({("type", k): v for k, v in by_type.items()})
        rows.append([area.id, _cut(t(area.title)), f"{area.weight:g}", str(q.area_target(area))]
                    + [str(by_level.get(n, 0)) for n in levels]
                    + [str(by_type.get(k, 0)) for k in QUESTION_TYPES]
                    + [str(len(area.questions))])
    rows.append(["summa/total", "", "", ""]
                + [str(totals[("level", n)]) for n in levels]
                + [str(totals[("type", k)]) for k in QUESTION_TYPES]
                + [str(sum(len(a.questions) for a in q.areas))])
    out += ["", "Områden / Areas (antal frågor per nivå och typ / questions per level and type):"]
    out += ["  " + line for line in _table(headers, rows, right=set(range(2, len(headers))))]
    statutory = sum(1 for question in q.questions() if question.statutory)
    conditional = sum(1 for question in q.questions() if question.show_if is not None)
    out += ["", f"Lagkrav/statutory: {statutory}   villkorade/conditional: {conditional}"]
    tagged: dict[str, list[str]] = {}
    for question in q.questions():
        for tag in question.tags:
            tagged.setdefault(tag, []).append(question.id)
    if tagged:
        out += ["", "Taggar / Tags (frågor per tagg / questions per tag):"]
        out += [f"  {tag} ({len(ids)}): {', '.join(ids)}" for tag, ids in sorted(tagged.items())]
    click.echo("\n".join(out))


@questionnaire_group.command("diff")
@click.argument("old", type=click.Path())
@click.argument("new", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Utdata som text eller JSON / output as text or JSON.")
def diff_command(old: str, new: str, fmt: str) -> None:
    """Jämför två versioner: tillagda, borttagna, fortsatta, omdöpta och ej jämförbara frågor.

    Compare two versions: added, removed, continued (same id), renamed (via
    previous_ids) and not comparable (`comparable: false`) questions.
    """
    old_q = _load(old)
    new_q = _load(new)
    if old_q.id != new_q.id:
        fail(f"{new} tillhör familjen '{new_q.id}', {old} tillhör '{old_q.id}'; jämför versioner av "
             f"samma enkät / the files belong to different questionnaire families "
             f"('{old_q.id}' and '{new_q.id}')")
    if old_q.version_key >= new_q.version_key:
        fail(f"OLD ({old_q.version}) ska vara en tidigare version än NEW ({new_q.version}) / OLD must "
             f"be an earlier version than NEW")
    result = diff_versions(old_q, new_q)
    problems = check_continuity(new_q, old_q) if result.successive else []
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        lines = [f"{old_q.id}: {old_q.version} -> {new_q.version}"
                 + ("" if result.successive else
                    f"  (obs/note: {new_q.version} anger previous={new_q.previous}, inte/not "
                    f"{old_q.version})")]

        def section(title: str, items: list[str]) -> None:
            lines.append(f"{title} ({len(items)}):")
            lines.extend(f"  {item}" for item in items)

        section("Tillagda / Added", result.added)
        section("Borttagna / Removed", result.removed)
        section("Fortsatta, samma id / Continued, same id", result.continued)
        section("Omdöpta eller sammanslagna / Renamed or merged",
                [f"{r.id} <- {', '.join(r.previous_ids)}" for r in result.renamed])
        section("Ej jämförbara (comparable: false) / Not comparable", result.not_comparable)
        section("Fortsatta men ändrade / Continued but changed",
                [f"{c.id}: {', '.join(c.fields)}" for c in result.changed])
        click.echo("\n".join(lines))
    if problems:
        fail_problems(problems, f"{new}: kontinuitet / continuity")


def register(main: click.Group) -> None:
    main.add_command(questionnaire_group)
