"""Improvement priorities, two-year plans and follow-up (docs/planning.md).

Pure: no I/O, no clock (the caller passes today's date to `next_half_year`).
"""
from survey_engine.planning.followup import (
    ACTION_STATUSES,
    EFFECTS,
    AreaFollowUp,
    action_effect,
    area_follow_up,
    comparable_share,
    is_flagged,
)
from survey_engine.planning.plan import (
    Period,
    Plan,
    Priority,
    make_plan,
    next_half_year,
    parse_period,
    period_name,
    period_sequence,
    priorities,
)

__all__ = [
    "ACTION_STATUSES",
    "EFFECTS",
    "AreaFollowUp",
    "Period",
    "Plan",
    "Priority",
    "action_effect",
    "area_follow_up",
    "comparable_share",
    "is_flagged",
    "make_plan",
    "next_half_year",
    "parse_period",
    "period_name",
    "period_sequence",
    "priorities",
]
