"""`survey-engine score | rollup | plan`: the scoring and planning engine on files.

JSON output is exactly the shapes of docs/scoring.md and docs/planning.md (floats unrounded);
text output is a table for people, in Swedish or (`--lang en`) English.
"""
from __future__ import annotations

import json
import math
from datetime import date
from typing import Any

import click

from survey_engine.cli.common import fail, fail_problems

LANGS = ("sv", "en")

_T = {
    "area": ("Område", "Area"),
    "level": ("Nivå", "Level"),
    "target": ("Mål", "Target"),
    "gap": ("Gap", "Gap"),
    "percent": ("Procent", "Percent"),
    "next": ("Mot nästa nivå", "Towards next level"),
    "overall": ("Totalt", "Overall"),
    "completeness": ("Besvarat", "Completeness"),
    "unknown": ("Vet ej-svar", "Don't-know answers"),
    "no_level": ("Ingen nivå", "No level"),
    "not_assessed": ("ej bedömt", "not assessed"),
    "units": ("Sammanvägning av {n} enheter, metod: {m}", "Roll-up of {n} units, method: {m}"),
    "priorities": ("Prioriteringar", "Priorities"),
    "plan": ("Plan per halvår (kapacitet {c} poäng)", "Plan by half-year (capacity {c} points)"),
    "backlog": ("Ej inplanerat (backlog)", "Not scheduled (backlog)"),
    "empty": ("(inget)", "(nothing)"),
    "question": ("Fråga", "Question"),
    "priority": ("Prioritet", "Priority"),
    "kind": ("Typ", "Kind"),
    "improve": ("förbättra", "improve"),
    "investigate": ("ta reda på", "investigate"),
    "effort": ("poäng", "points"),
    "weakest": ("svagast", "weakest"),
    "mean": ("medel", "mean"),
}


def _t(key: str, lang: str) -> str:
    sv, en = _T[key]
    return en if lang == "en" else sv


def _load_questionnaire(path: str):
    from survey_engine.questionnaire.errors import QuestionnaireError
    from survey_engine.questionnaire.load import load_questionnaire

    try:
        return load_questionnaire(path)
    except QuestionnaireError as exc:
        fail_problems(exc.problems, f"Enkäten är ogiltig / invalid questionnaire ({path})")


def _load_answers(path: str, questionnaire) -> dict[str, Any]:
    from survey_engine.questionnaire.answers import load_answers
    from survey_engine.questionnaire.errors import QuestionnaireError

    try:
        return load_answers(path, questionnaire)
    except QuestionnaireError as exc:  # AnswersError, or an unreadable file
        fail_problems(exc.problems, f"Svaren är ogiltiga / invalid answers ({path})")


def _echo_json(data: dict) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False))


def _level_label(questionnaire, level: int | None, lang: str) -> str:
    if level is None:
        return "–"
    if level == 0:
        return f"0 {_t('no_level', lang)}"
    return f"{level} {questionnaire.level_name(level, lang)}"


def _fmt_percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    return "\n".join(out)


def _areas_text(questionnaire, result, lang: str) -> str:
    from survey_engine.questionnaire.model import localized

    rows = []
    for area, score in zip(questionnaire.areas, result.areas):
        title = localized(area.title, lang, questionnaire.default_language)
        if not score.assessed:
            rows.append([title, _t("not_assessed", lang), _level_label(questionnaire, score.target_level, lang),
                         "–", "–", "–"])
            continue
        progress = "–" if score.next_level_progress is None else f"{100 * score.next_level_progress:.0f} %"
        rows.append([title, _level_label(questionnaire, score.level, lang),
                     _level_label(questionnaire, score.target_level, lang), str(score.gap),
                     _fmt_percent(score.percent), progress])
    headers = [_t(k, lang) for k in ("area", "level", "target", "gap", "percent", "next")]
    return _table(headers, rows)


def _overall_text(questionnaire, result, lang: str) -> str:
    o = result.overall
    parts = [f"{_t('overall', lang)}: {_t('level', lang).lower()} {_level_label(questionnaire, o.level, lang)}, "
             f"{_fmt_percent(o.percent)}"]
    if hasattr(o, "completeness"):
        parts.append(f"{_t('completeness', lang)}: {100 * o.completeness:.0f} %, "
                     f"{_t('unknown', lang)}: {o.unknown_count}")
    return "\n".join(parts)


def _header(questionnaire, lang: str) -> str:
    from survey_engine.questionnaire.model import localized

    title = localized(questionnaire.title, lang, questionnaire.default_language)
    return f"{title} ({questionnaire.id} {questionnaire.version})"


def _format_option():
    return click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text",
                        show_default=True, help="Utdata: json eller text / output format")


def _lang_option():
    return click.option("--lang", type=click.Choice(LANGS), default="sv", show_default=True,
                        help="Språk för text / language of the text output")


@click.command("score")
@click.argument("questionnaire_file", metavar="QUESTIONNAIRE.yaml")
@click.argument("answers_file", metavar="ANSWERS.json")
@_format_option()
@_lang_option()
def score_command(questionnaire_file: str, answers_file: str, fmt: str, lang: str) -> None:
    """Poängsätt ett svar / score one set of answers (docs/scoring.md)."""
    from survey_engine.scoring import score_response

    questionnaire = _load_questionnaire(questionnaire_file)
    answers = _load_answers(answers_file, questionnaire)
    result = score_response(questionnaire, answers)
    if fmt == "json":
        _echo_json(result.to_dict())
        return
    click.echo(_header(questionnaire, lang))
    click.echo()
    click.echo(_areas_text(questionnaire, result, lang))
    click.echo()
    click.echo(_overall_text(questionnaire, result, lang))


def parse_weights(text: str | None, count: int) -> list[float] | None:
    """`--weights 2,1,…` -> floats, one positive number per answers file."""
    if text is None:
        return None
    parts = [p.strip() for p in text.split(",")]
    weights = []
    for part in parts:
        try:
            w = float(part)
        except ValueError:
            fail(f"--weights: '{part}' är inget tal; ange positiva tal åtskilda med komma, t.ex. 2,1 / "
                 f"'{part}' is not a number; give positive numbers separated by commas, e.g. 2,1")
        if not (w > 0 and math.isfinite(w)):
            fail(f"--weights: {part} är inte ett positivt tal / {part} is not a positive number")
        weights.append(w)
    if len(weights) != count:
        fail(f"--weights: {len(weights)} vikter men {count} svarsfiler; ange en vikt per fil / "
             f"{len(weights)} weights for {count} answers files; give one weight per file")
    return weights


@click.command("rollup")
@click.argument("questionnaire_file", metavar="QUESTIONNAIRE.yaml")
@click.argument("answers_files", metavar="A.json B.json …", nargs=-1, required=True)
@click.option("--method", type=click.Choice(["weakest", "mean"]), default="weakest", show_default=True,
              help="weakest = lägsta poäng per fråga / lowest credit; mean = viktat medel / weighted mean")
@click.option("--weights", help="En vikt per svarsfil, t.ex. 2,1,1 / one weight per answers file")
@_format_option()
@_lang_option()
def rollup_command(questionnaire_file: str, answers_files: tuple[str, ...], method: str,
                   weights: str | None, fmt: str, lang: str) -> None:
    """Väg samman flera enheters svar / combine several units' answers (docs/scoring.md, roll-up)."""
    from survey_engine.scoring import rollup, score_response

    unit_weights = parse_weights(weights, len(answers_files))
    questionnaire = _load_questionnaire(questionnaire_file)
    results = [score_response(questionnaire, _load_answers(path, questionnaire)) for path in answers_files]
    combined = rollup(questionnaire, results, method=method, weights=unit_weights)
    if fmt == "json":
        _echo_json(combined.to_dict())
        return
    click.echo(_header(questionnaire, lang))
    click.echo(_t("units", lang).format(n=len(results), m=_t(method, lang)))
    click.echo()
    click.echo(_areas_text(questionnaire, combined, lang))
    click.echo()
    click.echo(_overall_text(questionnaire, combined, lang))


@click.command("plan")
@click.argument("questionnaire_file", metavar="QUESTIONNAIRE.yaml")
@click.argument("answers_file", metavar="ANSWERS.json")
@click.option("--start", help="Första halvåret, t.ex. 2026H2 (standard: nästa halvår) / first half-year "
                              "(default: the next one)")
@click.option("--periods", type=click.IntRange(min=1, max=40), default=4, show_default=True,
              help="Antal halvår / number of half-years")
@click.option("--capacity", type=click.IntRange(min=0), default=10, show_default=True,
              help="Insatspoäng per halvår / effort points per half-year")
@_format_option()
@_lang_option()
def plan_command(questionnaire_file: str, answers_file: str, start: str | None, periods: int,
                 capacity: int, fmt: str, lang: str) -> None:
    """Prioriteringar och tvåårsplan / priorities and a two-year plan (docs/planning.md)."""
    from survey_engine.planning import make_plan, next_half_year, parse_period, priorities
    from survey_engine.scoring import score_response

    if start is None:
        start = next_half_year(date.today())
    else:
        try:
            parse_period(start)
        except ValueError:
            fail(f"--start: '{start}' är inget halvår; skriv ÅÅÅÅH1 eller ÅÅÅÅH2, t.ex. 2026H2 / "
                 f"'{start}' is not a half-year; write YYYYH1 or YYYYH2, e.g. 2026H2")
    questionnaire = _load_questionnaire(questionnaire_file)
    answers = _load_answers(answers_file, questionnaire)
    result = score_response(questionnaire, answers)
    plan = make_plan(questionnaire, priorities(questionnaire, result), start, periods, capacity)
    if fmt == "json":
        _echo_json(plan.to_dict())
        return
    click.echo(_header(questionnaire, lang))
    click.echo()
    click.echo(_areas_text(questionnaire, result, lang))
    click.echo()
    click.echo(_plan_text(questionnaire, plan, lang))


def _plan_text(questionnaire, plan, lang: str) -> str:
    from survey_engine.questionnaire.model import localized

    def label(qid: str) -> str:
        q = questionnaire.question(qid)
        text = localized(q.text, lang, questionnaire.default_language)
        if len(text) > 70:
            text = text[:69] + "…"
        return f"{qid} (L{q.level}, {q.effort} {_t('effort', lang)}): {text}"

    out = [f"{_t('priorities', lang)}:"]
    rows = [[str(i + 1), p.question, p.area, str(p.level), f"{p.priority:.3f}", _t(p.kind, lang)]
            for i, p in enumerate(plan.priorities)]
    if rows:
        out.append(_table(["#", _t("question", lang), _t("area", lang), _t("level", lang),
                           _t("priority", lang), _t("kind", lang)], rows))
    else:
        out.append(f"  {_t('empty', lang)}")
    out.append("")
    out.append(_t("plan", lang).format(c=plan.capacity) + ":")
    for period in plan.periods:
        out.append(f"{period.period} ({period.effort} {_t('effort', lang)})")
        if not period.actions:
            out.append(f"  {_t('empty', lang)}")
        for qid in period.actions:
            out.append(f"  - {label(qid)}")
    out.append(f"{_t('backlog', lang)}:")
    if not plan.backlog:
        out.append(f"  {_t('empty', lang)}")
    for qid in plan.backlog:
        out.append(f"  - {label(qid)}")
    return "\n".join(out)


def register(main: click.Group) -> None:
    main.add_command(score_command)
    main.add_command(rollup_command)
    main.add_command(plan_command)
