"""Roll-up: one combined result from several units' results (docs/scoring.md, "Roll-up")."""
from __future__ import annotations

import math
from typing import Sequence

from survey_engine.questionnaire.model import Questionnaire
from survey_engine.scoring.engine import area_scores, compile_questionnaire
from survey_engine.scoring.result import (
    RollupOverall,
    RollupQuestion,
    RollupResult,
    ScoreResult,
)

METHODS = ("weakest", "mean")


def rollup(
    questionnaire: Questionnaire,
    results: Sequence[ScoreResult],
    method: str = "weakest",
    weights: Sequence[float] | None = None,
) -> RollupResult:
    """Combine units' results to the same questionnaire version.

    For each question, S = the units where it is included; it is excluded when S is
    empty, else its credit is the minimum over S (`weakest`) or the unit-weighted mean
    over S (`mean`). Met, area and overall figures then follow the scoring rules.
    Raises ValueError for an unknown method, no results, results of another
    questionnaire version, or weights that are not one positive number per result.
    """
    if method not in METHODS:
        raise ValueError(f"unknown roll-up method {method!r}: use one of {', '.join(METHODS)}")
    if not results:
        raise ValueError("a roll-up needs at least one result")
    if weights is None:
        unit_weights = tuple(1.0 for _ in results)
    else:
        unit_weights = tuple(float(w) for w in weights)
        if len(unit_weights) != len(results):
            raise ValueError(f"{len(unit_weights)} weights given for {len(results)} results: give one per result")
        for w in unit_weights:
            if not (w > 0 and math.isfinite(w)):
                raise ValueError(f"weight {w!r} is not a positive number")
    plan = compile_questionnaire(questionnaire)
    for r in results:
        if r.questionnaire.hash != plan.ref.hash:
            raise ValueError(
                f"result for {r.questionnaire.id} {r.questionnaire.version} cannot be rolled up "
                f"with {plan.ref.id} {plan.ref.version}: all results must be of the same version")
    threshold = plan.threshold
    columns = [r.questions for r in results]
    questions: list[RollupQuestion] = []
    included_l: list[bool] = []
    credit_l: list[float | None] = []
    met_l: list[bool | None] = []
    for i, row in enumerate(plan.rows):
        qid, area_id = row[0], row[9]
        credit: float | None = None
        if method == "weakest":
            for col in columns:
                o = col[i]
                if o.included and (credit is None or o.credit < credit):
                    credit = o.credit
        else:
            sum_u = 0.0
            sum_uc = 0.0
            for col, u in zip(columns, unit_weights):
                o = col[i]
                if o.included:
                    sum_u += u
                    sum_uc += u * o.credit
            if sum_u > 0.0:
                credit = sum_uc / sum_u
        if credit is None:
            questions.append(RollupQuestion(qid, area_id, False, None, None))
            included_l.append(False)
            credit_l.append(None)
            met_l.append(None)
        else:
            m = credit >= threshold
            questions.append(RollupQuestion(qid, area_id, True, credit, m))
            included_l.append(True)
            credit_l.append(credit)
            met_l.append(m)
    areas, o_level, o_percent = area_scores(plan, included_l, credit_l, met_l)
    return RollupResult(
        questionnaire=plan.ref,
        method=method,
        weights=unit_weights,
        overall=RollupOverall(o_level, o_percent),
        areas=areas,
        questions=tuple(questions),
    )
