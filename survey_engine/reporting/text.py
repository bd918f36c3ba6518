"""The words of the reports (Swedish first, English with lang="en") and number formats.

Numbers are formatted only here and only for display; the figures themselves come
unrounded from the engine and are kept so in data attributes, XLSX cells and JSON.
"""
from __future__ import annotations

from typing import Any

from survey_engine.text import UNANSWERED

LANGUAGES = ("sv", "en")

STRINGS: dict[str, dict[str, str]] = {
    "sv": {
        "unit_report": "Förvaltningsrapport",
        "city_report": "Stadsrapport",
        "round": "Omgång",
        "questionnaire": "Enkät",
        "unit": "Förvaltning",
        "units": "Förvaltningar",
        "status": "Status",
        "in_city_figures": "Räknas i stadens siffror",
        "generated": "Skapad",
        "engine": "Beräkningsmotor",
        "source_snapshot": "Poängen är de som sparades när svaret skickades in (revision {revision}, motor {engine}).",
        "source_live": "Svaret är inte inskickat ({status}): poängen är beräknade nu på de aktuella svaren och kan ändras.",
        "source_rescored": "Svaret är inskickat men de sparade poängen saknas eller kan inte läsas: poängen är beräknade nu på samma svar.",
        "status_submitted": "inskickat",
        "status_draft": "utkast",
        "status_reopened": "öppnat igen",
        "status_not_started": "inte påbörjat",
        "round_open": "öppen",
        "round_closed": "stängd",
        "round_draft": "utkast",
        "overall": "Sammantaget",
        "overall_level": "Uppnådd nivå",
        "percent": "Andel uppfyllt",
        "completeness": "Obligatoriska frågor besvarade",
        "unknown_count": "Svar ”vet ej”",
        "areas": "Områden",
        "area": "Område",
        "level": "Nivå",
        "target": "Mål",
        "gap": "Gap",
        "progress": "Mot nästa nivå",
        "not_assessed": "ej bedömt",
        "city_median_level": "Stadens median, nivå",
        "city_median_percent": "Stadens median, andel",
        "city_median_note": "Stadens median räknas över {n} förvaltningar med {what}.",
        "too_few_units": "för få enheter",
        "city_median_too_few": "Stadens median visas bara där minst {n} andra förvaltningar bidrar (för få enheter annars). ",
        "what_submitted": "inskickade svar",
        "what_submitted_drafts": "inskickade svar och utkast",
        "what_approved": "godkända svar",
        "charts": "Diagram",
        "missing": "Det här saknas för nästa nivå",
        "missing_none": "Inga områden har något kvar under högsta nivån.",
        "missing_area": "{area}: från nivå {level} till nivå {next}",
        "question": "Fråga",
        "answer": "Svar",
        "credit": "Poäng",
        "met": "Uppfyllt",
        "guidance": "Vägledning",
        "no_answer": UNANSWERED.sv,
        "priorities": "Prioriteringar",
        "priorities_none": "Inga frågor under målnivån återstår.",
        "priority": "Prioritet",
        "kind": "Typ",
        "kind_improve": "förbättra",
        "kind_investigate": "ta reda på",
        "effort": "Insats",
        "trend": "Utveckling sedan förra omgången",
        "trend_none": "Det finns ingen tidigare omgång att jämföra med.",
        "trend_unit_none": "Förvaltningen har inget svar i den tidigare omgången.",
        "previous_round": "Tidigare omgång",
        "before": "Före",
        "after": "Nu",
        "comparable_share": "Jämförbar andel",
        "comparable_note": "Jämförbar andel: hur stor del (efter vikt) av områdets frågor som fortsätter en fråga i den tidigare versionen. Under 100 % är jämförelsen bara ungefärlig.",
        "response_rates": "Svarsfrekvens",
        "participating": "Deltar",
        "submitted": "Inskickade",
        "drafts": "Utkast",
        "not_started": "Inte påbörjade",
        "response_rate": "Svarsfrekvens",
        "rollup": "Stadens samlade svar",
        "rollup_note": "Stadens samlade svar räknas med motorns sammanvägning över {n} förvaltningar ({what}). ”Svagast” tar för varje fråga den lägsta poängen, ”medel” ett medelvärde viktat med förvaltningarnas vikt (antal anställda).",
        "method_weakest": "Svagast",
        "method_mean": "Medel (viktat)",
        "heatmap": "Nivå per förvaltning och område",
        "distribution": "Fördelning av nivåer",
        "gaps": "Största gapen i staden",
        "gaps_note": "Områden efter gap mot målnivån i stadens samlade svar (medel), därefter lägst andel.",
        "city_priorities": "Prioriteringar för staden",
        "city_priorities_note": "Beräknade på stadens samlade svar (medel).",
        "no_level": "Förvaltningar som inte når någon nivå",
        "no_level_none": "Alla förvaltningar når minst nivå 1.",
        "areas_at_zero": "Områden på nivå 0",
        "weight": "Vikt",
        "units_in_rollup": "Förvaltningar i sammanvägningen",
        "anonymised": "Anonymiserad export",
        "comment": "Kommentar",
        "evidence": "Underlag",
        "answer_source": "Källa",
        "question_text": "Frågetext",
        "answered": "besvarad",
        "yes": "ja",
        "no": "nej",
        "sheet_answers": "Svar",
        "sheet_scores": "Poäng",
        "sheet_city": "Stadens svar",
        "sheet_priorities": "Prioriteringar",
        "page": "Sida",
        "level_none": "–",
        "drafts_included": "Utkast räknas med i stadens figurer.",
        "drafts_excluded": "Bara inskickade svar räknas i stadens figurer; utkast visas i svarsfrekvensen.",
        "approved_only": "Bara svar som förvaltningschefen har godkänt räknas i stadens figurer.",
        "chart_in_words": "Diagrammet i ord",
    },
    "en": {
        "unit_report": "Department report",
        "city_report": "City report",
        "round": "Round",
        "questionnaire": "Questionnaire",
        "unit": "Department",
        "units": "Departments",
        "status": "Status",
        "in_city_figures": "Counted in the city figures",
        "generated": "Generated",
        "engine": "Scoring engine",
        "source_snapshot": "Scores are those stored when the response was submitted (revision {revision}, engine {engine}).",
        "source_live": "The response is not submitted ({status}): scores are computed now from the current answers and may change.",
        "source_rescored": "The response is submitted but its stored scores are missing or unreadable: the scores are computed now from the same answers.",
        "status_submitted": "submitted",
        "status_draft": "draft",
        "status_reopened": "reopened",
        "status_not_started": "not started",
        "round_open": "open",
        "round_closed": "closed",
        "round_draft": "draft",
        "overall": "Overall",
        "overall_level": "Level reached",
        "percent": "Share fulfilled",
        "completeness": "Required questions answered",
        "unknown_count": "\"Don't know\" answers",
        "areas": "Areas",
        "area": "Area",
        "level": "Level",
        "target": "Target",
        "gap": "Gap",
        "progress": "Towards next level",
        "not_assessed": "not assessed",
        "city_median_level": "City median, level",
        "city_median_percent": "City median, share",
        "city_median_note": "The city median is taken over {n} departments with {what}.",
        "too_few_units": "too few units",
        "city_median_too_few": "The city median is shown only where at least {n} other departments contribute (too few units otherwise). ",
        "what_submitted": "submitted responses",
        "what_submitted_drafts": "submitted responses and drafts",
        "what_approved": "approved responses",
        "charts": "Charts",
        "missing": "What is missing for the next level",
        "missing_none": "No area has anything left below the top level.",
        "missing_area": "{area}: from level {level} to level {next}",
        "question": "Question",
        "answer": "Answer",
        "credit": "Credit",
        "met": "Met",
        "guidance": "Guidance",
        "no_answer": UNANSWERED.en,
        "priorities": "Priorities",
        "priorities_none": "No questions below the target level remain.",
        "priority": "Priority",
        "kind": "Kind",
        "kind_improve": "improve",
        "kind_investigate": "find out",
        "effort": "Effort",
        "trend": "Change since the previous round",
        "trend_none": "There is no earlier round to compare with.",
        "trend_unit_none": "The department has no response in the earlier round.",
        "previous_round": "Previous round",
        "before": "Before",
        "after": "Now",
        "comparable_share": "Comparable share",
        "comparable_note": "Comparable share: the part (by weight) of the area's questions that continue a question of the earlier version. Below 100 % the comparison is only approximate.",
        "response_rates": "Response rates",
        "participating": "Taking part",
        "submitted": "Submitted",
        "drafts": "Drafts",
        "not_started": "Not started",
        "response_rate": "Response rate",
        "rollup": "The city's combined answer",
        "rollup_note": "The city's combined answer is the engine's roll-up over {n} departments ({what}). \"Weakest\" takes each question's lowest credit, \"mean\" a mean weighted by the departments' weights (employees).",
        "method_weakest": "Weakest",
        "method_mean": "Mean (weighted)",
        "heatmap": "Level per department and area",
        "distribution": "Distribution of levels",
        "gaps": "The largest city-wide gaps",
        "gaps_note": "Areas by gap to the target level in the city's combined answer (mean), then lowest share.",
        "city_priorities": "Priorities for the city",
        "city_priorities_note": "Computed from the city's combined answer (mean).",
        "no_level": "Departments that reach no level",
        "no_level_none": "Every department reaches at least level 1.",
        "areas_at_zero": "Areas at level 0",
        "weight": "Weight",
        "units_in_rollup": "Departments in the roll-up",
        "anonymised": "Anonymised export",
        "comment": "Comment",
        "evidence": "Evidence",
        "answer_source": "Source",
        "question_text": "Question text",
        "answered": "answered",
        "yes": "yes",
        "no": "no",
        "sheet_answers": "Answers",
        "sheet_scores": "Scores",
        "sheet_city": "City answer",
        "sheet_priorities": "Priorities",
        "page": "Page",
        "level_none": "–",
        "drafts_included": "Drafts count in the city figures.",
        "drafts_excluded": "Only submitted responses count in the city figures; drafts show in the response rates.",
        "approved_only": "Only responses approved by the head of the department count in the city figures.",
        "chart_in_words": "The chart in words",
    },
}


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    return lang


def strings(lang: str) -> dict[str, str]:
    return STRINGS[check_lang(lang)]


def _decimal(value: float, decimals: int, lang: str) -> str:
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "sv" else text


def fmt_percent(value: Any, lang: str, decimals: int = 1) -> str:
    """57.5 -> "57,5 %" (sv) / "57.5 %" (en); None -> "–"."""
    if value is None:
        return "–"
    return f"{_decimal(float(value), decimals, lang)} %"


def fmt_share(value: Any, lang: str) -> str:
    """A share 0..1 as a percentage without decimals; None -> "–"."""
    if value is None:
        return "–"
    return f"{_decimal(100.0 * float(value), 0, lang)} %"


def fmt_number(value: Any, lang: str, decimals: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return _decimal(float(value), decimals, lang)


def fmt_level(value: Any, lang: str) -> str:
    """A level (int) or a median level (may be x.5)."""
    return fmt_number(value, lang, 1)
