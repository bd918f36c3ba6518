"""The scoring engine (docs/scoring.md): pure, deterministic, no I/O.

    from survey_engine.scoring import score_response, rollup, ENGINE_VERSION
    result = score_response(questionnaire, {"ledn-policy": "ja"})
    result.to_dict()          # the JSON object of `survey-engine score`
    result.area("ledning").level
"""
from survey_engine.scoring.engine import (
    ENGINE_VERSION,
    MET_EPSILON,
    ScoringPlan,
    compile_questionnaire,
    score_compiled,
    score_response,
)
from survey_engine.scoring.result import (
    AreaScore,
    OverallScore,
    QuestionnaireRef,
    QuestionScore,
    RollupOverall,
    RollupQuestion,
    RollupResult,
    ScoreResult,
)
from survey_engine.scoring.rollup import METHODS, rollup

__all__ = [
    "ENGINE_VERSION",
    "MET_EPSILON",
    "METHODS",
    "AreaScore",
    "OverallScore",
    "QuestionnaireRef",
    "QuestionScore",
    "RollupOverall",
    "RollupQuestion",
    "RollupResult",
    "ScoreResult",
    "ScoringPlan",
    "compile_questionnaire",
    "rollup",
    "score_compiled",
    "score_response",
]
