"""Anonymised export for national benchmarking (pure: data in, JSON-ready dict out).

Only the organisation's combined answer leaves: the engine's roll-ups (`weakest` and
`mean`, unit weights = the units' weights) and an answers file in the format of
docs/questionnaire-format.md. No unit codes, names or weights, no comments, no evidence,
no free-text answers, no timestamps or people.

The answers file holds, for each scored question, the answer of a unit whose credit
*is* the weakest roll-up's combined credit (the weakest answer is always one that a
unit gave), so it is a valid answers file of the version. Scoring it with the engine
gives the weakest roll-up except where `show_if` conditions or unanswered questions
make a combined file differ from the combination of the units' results; those
questions are listed in `answers_differ`, so the receiver knows which figures to take
from `rollup` rather than from the file.
"""
from __future__ import annotations

from typing import Any

from survey_engine.scoring import score_response
from survey_engine.errors import Invalid
from survey_engine.text import Text

from .city_report import city_rollups, response_counts
from .common import DEFAULT_MIN_GROUP_SIZE
from .model import ReportData

FORMAT = "survey-engine-benchmark/1"


def anonymised_export(data: ReportData, *, include_drafts: bool = False,
                      min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> dict[str, Any]:
    current = data.current
    q = current.questionnaire
    scored = current.scored_units(include_drafts)
    if not scored:
        raise Invalid(Text(f"Omgång {current.id} har inga inskickade svar att exportera", f"round {current.id} has " f"no submitted responses to export"))
    # The export leaves the organisation: with fewer units its roll-up would be one
    # unit's result, or could be worked out (docs/security.md, "Small groups").
    if len(scored) < min_group_size:
        raise Invalid(Text(
            f"För få enheter: omgång {current.id} har {len(scored)} förvaltningar med svar; den anonymiserade "
            f"exporten kräver minst {min_group_size} (MIN_GROUP_SIZE).",
            f"Too few units: round {current.id} has {len(scored)} departments with responses; the anonymised "
            f"export needs at least {min_group_size} (MIN_GROUP_SIZE)."),
            [{"field": "units", "message": "för få enheter / too few units"}])
    rollups = city_rollups(current, scored)
    weakest = rollups["weakest"]

    answers: dict[str, Any] = {}
    for question in q.questions():
        if not question.scored:
            continue  # free text may name people or units
        combined = weakest.question(question.id)
        if combined is None or not combined.included:
            continue
        for u in scored:
            outcome = u.result.question(question.id)
            value = u.answers.get(question.id)
            if (outcome is not None and outcome.included and value is not None
                    and outcome.credit == combined.credit):
                answers[question.id] = value
                break
    rescored = score_response(q, answers)
    differ = []
    for combined in weakest.questions:
        own = rescored.question(combined.id)
        if own.included != combined.included or own.credit != combined.credit:
            differ.append(combined.id)
    counts = response_counts(current)
    return {
        "format": FORMAT,
        "engine_version": data.engine_version,
        "questionnaire": {"id": q.id, "version": q.version, "hash": q.hash},
        "period": {"opens_on": current.opens_on.isoformat() if current.opens_on else None,
                   "closes_on": current.closes_on.isoformat() if current.closes_on else None},
        "units_combined": len(scored),
        "response_rate": counts["response_rate"],
        "answers": {"questionnaire": q.id, "version": q.version, "answers": answers},
        "answers_method": "weakest",
        "answers_differ": differ,
        "rollup": {m: r.to_dict() for m, r in rollups.items()},
    }
