"""Priorities and the two-year plan (docs/planning.md, "Priorities" and "Two-year plan")."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Sequence

from survey_engine.questionnaire.model import Questionnaire

# Priorities are compared rounded to this many decimals, so float noise never decides.
PRIORITY_DECIMALS = 9

_PERIOD = re.compile(r"^([0-9]{4})H([12])$")


@dataclass(frozen=True)
class Priority:
    """One candidate action: a scored question that is not met, at or below its
    area's target level."""

    question: str
    area: str
    level: int
    credit: float
    priority: float
    kind: str  # "improve" or "investigate" (the answer was a "don't know")
    effort: int
    order: int  # the question's position in file order

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "area": self.area,
            "level": self.level,
            "credit": self.credit,
            "priority": self.priority,
            "kind": self.kind,
        }


def priorities(questionnaire: Questionnaire, result) -> list[Priority]:
    """The improvement priorities of one scored response (`ScoreResult`) or roll-up
    (`RollupResult`), highest first: priority descending (compared rounded to 9
    decimals), then level ascending, then file order."""
    if result.questionnaire.hash != questionnaire.hash:
        raise ValueError(
            f"the result is for {result.questionnaire.id} {result.questionnaire.version}, "
            f"not for {questionnaire.id} {questionnaire.version}")
    out: list[Priority] = []
    order = 0
    for area in questionnaire.areas:
        area_score = result.area(area.id)
        target = questionnaire.area_target(area)
        for question in area.questions:
            order += 1
            outcome = result.question(question.id)
            if not outcome.included or outcome.met or question.level > target:
                continue
            credit = outcome.credit
            value = (area.weight * question.weight * (1.0 - credit)
                     * 2.0 ** -(question.level - area_score.level - 1)
                     * (1.5 if question.statutory else 1.0))
            out.append(Priority(
                question=question.id,
                area=area.id,
                level=question.level,
                credit=credit,
                priority=value,
                kind="investigate" if outcome.unknown else "improve",
                effort=question.effort,
                order=order,
            ))
    out.sort(key=lambda p: (-round(p.priority, PRIORITY_DECIMALS), p.level, p.order))
    return out


def parse_period(name: str) -> tuple[int, int]:
    """`2026H2` -> (2026, 2). ValueError for anything else."""
    m = _PERIOD.match(name) if isinstance(name, str) else None
    if not m:
        raise ValueError(f"{name!r} is not a half-year: write it as YYYYH1 or YYYYH2, e.g. 2026H2")
    return int(m.group(1)), int(m.group(2))


def period_name(year: int, half: int) -> str:
    return f"{year:04d}H{half}"


def period_sequence(start: str, count: int) -> list[str]:
    """`count` half-years from `start`: 2026H2, 2027H1, 2027H2, ..."""
    year, half = parse_period(start)
    out = []
    for _ in range(count):
        out.append(period_name(year, half))
        year, half = (year, 2) if half == 1 else (year + 1, 1)
    return out


def next_half_year(today: date) -> str:
    """The half-year after the one `today` falls in (the plan's default start)."""
    return period_name(today.year, 2) if today.month <= 6 else period_name(today.year + 1, 1)


@dataclass(frozen=True)
class Period:
    period: str
    effort: int
    actions: tuple[str, ...]  # in scheduling order

    def to_dict(self) -> dict:
        return {"period": self.period, "effort": self.effort, "actions": list(self.actions)}


@dataclass(frozen=True)
class Plan:
    priorities: tuple[Priority, ...]
    periods: tuple[Period, ...]
    backlog: tuple[str, ...]  # in scheduling order
    capacity: int

    def to_dict(self) -> dict:
        """The JSON object of `survey-engine plan --format json`."""
        return {
            "priorities": [p.to_dict() for p in self.priorities],
            "periods": [p.to_dict() for p in self.periods],
            "backlog": list(self.backlog),
        }


def make_plan(
    questionnaire: Questionnaire,
    priorities: Sequence[Priority],
    start: str,
    periods: int = 4,
    capacity: int = 10,
) -> Plan:
    """Schedule the priorities into `periods` half-years from `start`.

    Scheduling order: level ascending, then priority descending (rounded to 9
    decimals), then file order. Each action goes to the earliest period that is not
    before any period holding a lower-level action of its area and still has room
    for its effort; when a lower-level action of its area is in the backlog, or no
    period fits, it goes to the backlog.
    """
    if periods < 1:
        raise ValueError(f"the plan needs at least one period, not {periods}")
    if capacity < 0:
        raise ValueError(f"capacity must not be negative, not {capacity}")
    names = period_sequence(start, periods)
    remaining = [capacity] * periods
    slots: list[list[str]] = [[] for _ in range(periods)]
    efforts = [0] * periods
    backlog: list[str] = []
    # area -> level -> latest period index used by that level (or -1 when in backlog)
    placed: dict[str, dict[int, int]] = {}
    blocked: dict[str, set[int]] = {}  # area -> levels with an action in the backlog
    ordered = sorted(priorities, key=lambda p: (p.level, -round(p.priority, PRIORITY_DECIMALS), p.order))
    for action in ordered:
        question = questionnaire.question(action.question)
        if question is None:
            raise ValueError(f"{action.question!r} is not a question of {questionnaire.id} {questionnaire.version}")
        effort = question.effort
        in_backlog = blocked.get(action.area, ())
        if any(level < action.level for level in in_backlog):
            backlog.append(action.question)
            blocked.setdefault(action.area, set()).add(action.level)
            continue
        earliest = max((index for level, index in placed.get(action.area, {}).items()
                        if level < action.level), default=0)
        chosen = next((i for i in range(earliest, periods) if remaining[i] >= effort), None)
        if chosen is None:
            backlog.append(action.question)
            blocked.setdefault(action.area, set()).add(action.level)
            continue
        remaining[chosen] -= effort
        efforts[chosen] += effort
        slots[chosen].append(action.question)
        area_levels = placed.setdefault(action.area, {})
        area_levels[action.level] = max(area_levels.get(action.level, 0), chosen)
    return Plan(
        priorities=tuple(priorities),
        periods=tuple(Period(names[i], efforts[i], tuple(slots[i])) for i in range(periods)),
        backlog=tuple(backlog),
        capacity=capacity,
    )
