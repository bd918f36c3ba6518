"""Pieces shared by the unit and city reports: the `Report` value, area and answer
descriptions, medians. Pure: data in, plain values out."""
from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence, TYPE_CHECKING

if TYPE_CHECKING:  # matplotlib only when a chart is drawn (see the imports in the functions)
    from survey_engine.charts import Chart

from survey_engine.questionnaire.model import Question, Questionnaire, localized
from survey_engine.text import UNANSWERED
from survey_engine.reporting.model import RoundData, UnitEntry

from .text import strings


@dataclass(frozen=True)
class ChartSpec:
    """A chart of a report, built only by the renderers that draw it."""

    key: str
    build: Callable[[], Chart]


@dataclass(frozen=True)
class Report:
    """A finished report: `model` is plain JSON-ready data (every figure unrounded,
    straight from the engine); `charts` are drawn on demand (HTML, PDF)."""

    kind: str  # "unit" | "city"
    lang: str
    model: dict[str, Any]
    charts: tuple[ChartSpec, ...] = ()
    questionnaire: Questionnaire | None = None

    def build_charts(self) -> list[tuple[str, Chart]]:
        return [(spec.key, spec.build()) for spec in self.charts]


def text_of(q: Questionnaire, value: Any, lang: str) -> str:
    return localized(value, lang, q.default_language) if value else ""


def iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def round_info(r: RoundData, lang: str) -> dict[str, Any]:
    s = strings(lang)
    return {
        "id": r.id, "name": r.name, "status": r.status,
        "status_text": s.get(f"round_{r.status}", r.status),
        "opens_on": iso(r.opens_on), "closes_on": iso(r.closes_on),
    }


def questionnaire_info(q: Questionnaire, lang: str) -> dict[str, Any]:
    return {"id": q.id, "version": q.version, "hash": q.hash, "title": text_of(q, q.title, lang)}


def level_names(q: Questionnaire, lang: str) -> dict[int, str]:
    names = {lv.level: localized(lv.name, lang, q.default_language) for lv in q.levels}
    names.setdefault(0, "Ingen nivå" if lang == "sv" else "No level")
    return names


def area_titles(q: Questionnaire, lang: str) -> dict[str, str]:
    return {a.id: text_of(q, a.title, lang) or a.id for a in q.areas}


def status_text(status: str, lang: str) -> str:
    return strings(lang).get(f"status_{status}", status)


def area_row(area_score: Any, titles: dict[str, str], names: dict[int, str]) -> dict[str, Any]:
    """One area's engine figures (an AreaScore) with its title and level name."""
    level = area_score.level
    return {
        "id": area_score.id,
        "title": titles.get(area_score.id, area_score.id),
        "assessed": area_score.assessed,
        "level": level,
        "level_name": names.get(level, "") if level is not None else "",
        "percent": area_score.percent,
        "target_level": area_score.target_level,
        "gap": area_score.gap,
        "next_level_progress": area_score.next_level_progress,
    }


def answer_text(q: Questionnaire, question: Question, value: Any, lang: str) -> str:
    """An answer as the respondent saw it (option labels, number with its unit)."""
    if value is None:
        return ""
    if question.type == "choice":
        scale = q.scale_of(question)
        option = scale.option(value) if scale else None
        return text_of(q, option.label, lang) if option else str(value)
    if question.type == "multi":
        labels = {o.value: text_of(q, o.label, lang) for o in question.options or []}
        return "; ".join(labels.get(v, str(v)) for v in value) if value else "–"
    if question.type == "number":
        shown = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        if lang == "sv":  # decimal comma for people (the CSV and JSON keep the value itself)
            shown = shown.replace(".", ",")
        return f"{shown} {question.unit}".strip() if question.unit else shown
    return str(value)


def answer_for_people(q: Questionnaire, question: Question, value: Any, lang: str) -> str:
    """An answer as the area page, the print-out and the printable copy show it: option
    labels, "none of the options", a number with a decimal comma in Swedish and its
    unit, and the one wording for no answer (`survey_engine.text.UNANSWERED`)."""
    if value is None:
        return UNANSWERED.get(lang)
    if question.type == "multi" and not value:
        return "Inget av alternativen" if lang == "sv" else "None of the options"
    if question.type == "multi":
        labels = {o.value: text_of(q, o.label, lang) for o in question.options or []}
        return ", ".join(labels.get(v, str(v)) for v in value)
    return answer_text(q, question, value, lang)


def median_or_none(values: Iterable[float | int | None]) -> float | None:
    present = [v for v in values if v is not None]
    return float(statistics.median(present)) if present else None


# The smallest group of units an aggregate may be shown for to someone who may not see
# each unit (docs/security.md, "Small groups"); the services pass the MIN_GROUP_SIZE setting.
DEFAULT_MIN_GROUP_SIZE = 3


def city_medians(q: Questionnaire, units: Sequence[UnitEntry], *, viewer: str | None = None,
                 min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> dict[str, dict[str, Any]]:
    """Per area: the median level and percent over the units where it was assessed.

    With `viewer` (the unit whose report this is), an area's median is withheld
    (`None`, `"suppressed": True`) unless at least `min_group_size` *other* units
    contribute to it: with one other unit the median would be that unit's exact result,
    with two it could be worked out from one's own."""
    out = {}
    for area in q.areas:
        scores = [(u.code, u.result.area(area.id)) for u in units if u.result is not None]
        scores = [(code, a) for code, a in scores if a is not None and a.assessed]
        others = sum(1 for code, _ in scores if code != viewer)
        suppressed = viewer is not None and others < min_group_size
        out[area.id] = {
            "level": None if suppressed else median_or_none(a.level for _, a in scores),
            "percent": None if suppressed else median_or_none(a.percent for _, a in scores),
            "units": 0 if suppressed else len(scores),
            "suppressed": suppressed,
        }
    return out


def priority_rows(q: Questionnaire, items: Sequence[Any], lang: str) -> list[dict[str, Any]]:
    titles = area_titles(q, lang)
    s = strings(lang)
    rows = []
    for p in items:
        question = q.question(p.question)
        rows.append({
            **p.to_dict(),
            "area_title": titles.get(p.area, p.area),
            "text": text_of(q, question.text, lang) if question else p.question,
            "kind_text": s.get(f"kind_{p.kind}", p.kind),
            "effort": p.effort,
        })
    return rows


def follow_up_rows(q: Questionnaire, follow_ups: Sequence[Any], lang: str) -> list[dict[str, Any]]:
    titles = area_titles(q, lang)
    return [{**f.to_dict(), "title": titles.get(f.area, f.area)} for f in follow_ups]


def source_text(source: Mapping[str, str] | None, lang: str = "sv") -> str:
    """"Eget svar" / "Besvaras av X" / "Eget svar i stället för X:s", for people."""
    if not source:
        return "Eget svar" if lang == "sv" else "Own answer"
    name = source.get("provider_name") or source.get("provider") or ""
    if source.get("source") == "override":
        return f"Eget svar (avviker från {name})" if lang == "sv" else f"Own answer (instead of {name}'s)"
    return f"Besvaras av {name}" if lang == "sv" else f"Answered by {name}"


def answer_rows(q: Questionnaire, entry: UnitEntry, lang: str) -> list[dict[str, Any]]:
    """Every question of `q` with the unit's answer, the engine's outcome and the notes."""
    titles = area_titles(q, lang)
    rows = []
    for question in q.questions():
        outcome = entry.result.question(question.id)
        value = entry.answers.get(question.id)
        rows.append({
            "id": question.id,
            "area": question.area,
            "area_title": titles.get(question.area, question.area),
            "level": question.level,
            "text": text_of(q, question.text, lang),
            "value": value,
            "answer": answer_text(q, question, value, lang),
            "status": outcome.status if outcome else None,
            "included": outcome.included if outcome else False,
            "credit": outcome.credit if outcome else None,
            "met": outcome.met if outcome else None,
            "unknown": outcome.unknown if outcome else False,
            "comment": entry.comments.get(question.id, ""),
            "evidence": entry.evidence.get(question.id, ""),
            # where the answer came from (docs/shared-answers.md): own | provided | override
            "source": (entry.sources.get(question.id) or {}).get("source", "own"),
            "source_text": source_text(entry.sources.get(question.id), lang),
        })
    return rows
