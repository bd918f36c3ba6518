"""The verdict rules of the follow-up statement (uppföljande yttrande), spec §5 and
docs/indicators.md §5, D11 and D13. Pure: figures in, effects and a verdict out.

Per recommendation the evidence is
- each linked indicator with measurements in at least two different periods that lie
  wholly inside [from, to] (D11), read on the kommun total (D13);
- each linked question or area with a comparable pair of closed rounds (D12).

Verdict:
- ``ej-matbar``   no evidence at all;
- ``effekt``      some evidence shows an effect: an indicator moved its good way by at
                  least 5 percentage points (share) or 10 % of its first value
                  (count/days), or reached its target (met at the last period, not at
                  the first), or a question/area rose in level or share met;
- ``ingen-effekt`` otherwise.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from survey_engine.planning.followup import comparable_share
from survey_engine.questionnaire.continuity import successor_map
from survey_engine.scoring import rollup

EFFEKT, INGEN_EFFEKT, EJ_MATBAR = "effekt", "ingen-effekt", "ej-matbar"
VERDICTS = (EFFEKT, INGEN_EFFEKT, EJ_MATBAR)
SHARE_STEP = 0.05  # five percentage points
RELATIVE_STEP = 0.10  # ten per cent of the first value
TOL = 1e-9

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a period written YYYY-MM, YYYY-Qn or YYYY."""
    if m := _MONTH.match(period):
        y, mo = int(m[1]), int(m[2])
        if not 1 <= mo <= 12:
            raise ValueError(period)
        return dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1])
    if m := _QUARTER.match(period):
        y, q = int(m[1]), int(m[2])
        first = dt.date(y, 3 * q - 2, 1)
        last_month = 3 * q
        return first, dt.date(y, last_month, calendar.monthrange(y, last_month)[1])
    if m := _YEAR.match(period):
        y = int(m[1])
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    raise ValueError(f"not a period: {period!r}")


def inside(period: str, start: dt.date, end: dt.date) -> bool:
    """D11: a period counts when it lies wholly inside [start, end]."""
    try:
        first, last = period_bounds(period)
    except ValueError:
        return False
    return first >= start and last <= end


def period_order(period: str) -> tuple[dt.date, dt.date]:
    return period_bounds(period)


def meets(value: float, target: float, direction: str) -> bool:
    return value >= target - TOL if direction == "up" else value <= target + TOL


@dataclass(frozen=True)
class IndicatorEffect:
    """One linked indicator over [from, to], read on the kommun total."""

    indicator: str
    kind: str  # share | count | days
    direction: str  # up | down
    target: float
    periods: int  # how many periods inside [from, to] have a total
    first_period: str | None = None
    first_value: float | None = None
    last_period: str | None = None
    last_value: float | None = None
    change: float | None = None  # last - first
    relative_change: float | None = None  # (last - first) / first, count/days; None when first is 0
    met_at_start: bool | None = None
    met_at_end: bool | None = None
    improved: bool = False  # moved its good way by the threshold
    reached: bool = False  # met at the end, not at the start
    units: dict[str, dict[str, Any]] = field(default_factory=dict)  # code -> first/last/change

    @property
    def evidence(self) -> bool:
        return self.periods >= 2

    @property
    def effect(self) -> bool:
        return self.evidence and (self.improved or self.reached)

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator, "kind": self.kind, "direction": self.direction, "target": self.target,
            "periods": self.periods, "first": None if self.first_period is None else
            {"period": self.first_period, "value": self.first_value},
            "last": None if self.last_period is None else {"period": self.last_period, "value": self.last_value},
            "change": self.change, "relative_change": self.relative_change,
            "change_points": None if self.change is None or self.kind != "share" else self.change * 100,
            "met_at_start": self.met_at_start, "met_at_end": self.met_at_end,
            "improved": self.improved, "reached": self.reached, "evidence": self.evidence, "effect": self.effect,
            "units": self.units,
        }


def improved_enough(kind: str, direction: str, first: float, last: float) -> bool:
    """D13: share: at least 5 points the good way; count/days: at least 10 % of the
    first value the good way (from 0, any rise counts for up; no fall is possible)."""
    good = (last - first) if direction == "up" else (first - last)
    if kind == "share":
        return good >= SHARE_STEP - TOL
    if first == 0:
        return direction == "up" and last > TOL
    return good >= RELATIVE_STEP * abs(first) - TOL


def indicator_effect(indicator: str, kind: str, direction: str, target: float,
                     totals: Iterable[tuple[str, float]],
                     units: dict[str, Sequence[tuple[str, float]]] | None = None) -> IndicatorEffect:
    """The effect of one indicator from its kommun totals (period, value) inside the
    statement's period; `units` gives each unit's (period, value) pairs likewise."""
    points = sorted({p: v for p, v in totals}.items(), key=lambda pv: period_order(pv[0]))
    unit_view: dict[str, dict[str, Any]] = {}
    for code, series in sorted((units or {}).items()):
        s = sorted({p: v for p, v in series}.items(), key=lambda pv: period_order(pv[0]))
        if not s:
            continue
        (p0, v0), (p1, v1) = s[0], s[-1]
        unit_view[code] = {"first": {"period": p0, "value": v0}, "last": {"period": p1, "value": v1},
                           "change": v1 - v0 if len(s) > 1 else None, "met_at_end": meets(v1, target, direction)}
    if not points:
        return IndicatorEffect(indicator, kind, direction, target, 0, units=unit_view)
    (p0, v0), (p1, v1) = points[0], points[-1]
    if len(points) == 1:
        return IndicatorEffect(indicator, kind, direction, target, 1, p0, v0, p1, v1, None, None,
                               meets(v0, target, direction), meets(v1, target, direction), units=unit_view)
    start, end = meets(v0, target, direction), meets(v1, target, direction)
    rel = None if kind == "share" or v0 == 0 else (v1 - v0) / abs(v0)
    return IndicatorEffect(indicator, kind, direction, target, len(points), p0, v0, p1, v1, v1 - v0, rel,
                           start, end, improved_enough(kind, direction, v0, v1), end and not start,
                           units=unit_view)


@dataclass(frozen=True)
class RoundEffect:
    """A linked question or area between the last two closed rounds (D12)."""

    kind: str  # question | area
    id: str
    comparable: bool
    before_round: str | None = None
    after_round: str | None = None
    level_before: float | None = None
    level_after: float | None = None
    share_before: float | None = None
    share_after: float | None = None
    note: str = ""

    @property
    def evidence(self) -> bool:
        return self.comparable

    @property
    def effect(self) -> bool:
        if not self.comparable:
            return False
        up = lambda a, b: a is not None and b is not None and b > a + TOL  # noqa: E731
        return up(self.level_before, self.level_after) or up(self.share_before, self.share_after)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "comparable": self.comparable,
                "before_round": self.before_round, "after_round": self.after_round,
                "level_before": self.level_before, "level_after": self.level_after,
                "share_before": self.share_before, "share_after": self.share_after,
                "evidence": self.evidence, "effect": self.effect, "note": self.note}


@dataclass(frozen=True)
class Verdict:
    code: str
    because: tuple[str, ...]  # ids of the evidence that decided it (effects, or all evidence)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "because": list(self.because)}


def verdict(indicators: Iterable[IndicatorEffect], rounds: Iterable[RoundEffect] = ()) -> Verdict:
    """Spec §5, read as the procedure of docs/indicators.md §5."""
    indicators, rounds = list(indicators), list(rounds)
    evidence = [i.indicator for i in indicators if i.evidence] + [f"{r.kind}:{r.id}" for r in rounds if r.evidence]
    if not evidence:
        return Verdict(EJ_MATBAR, ())
    effects = [i.indicator for i in indicators if i.effect] + [f"{r.kind}:{r.id}" for r in rounds if r.effect]
    if effects:
        return Verdict(EFFEKT, tuple(effects))
    return Verdict(INGEN_EFFEKT, tuple(evidence))


# ---------------------------------------------------------------- rounds (D12)

def _share_met(results, question_ids_by_result) -> float | None:
    met = total = 0
    for result, ids in zip(results, question_ids_by_result):
        for qid in ids:
            outcome = result.question(qid)
            if outcome is not None and outcome.included:
                total += 1
                met += 1 if outcome.met else 0
    return met / total if total else None


def compare_rounds(q1, results1: Sequence, q2, results2: Sequence, *, questions: Sequence[str] = (),
                   areas: Sequence[str] = (), names: tuple[str, str] = ("", ""),
                   method: str = "weakest") -> list[RoundEffect]:
    """Linked questions and areas between two closed rounds (D12): q1/results1 the
    earlier round's version and its submitted units' results, q2/results2 the later.

    A question is followed through continuity; it is comparable when it is included in
    some unit's result in both rounds; its share met = share of those units in which it
    is met. An area is comparable when its comparable share is 1.0; its level is that
    of the city roll-up, its share met over all its (unit, question) pairs."""
    same = q1.id == q2.id and q1.version == q2.version
    succ = {q.id: q.id for q in q2.questions()} if same else successor_map(q2, q1)
    out: list[RoundEffect] = []
    for qid in questions:
        old_id = qid if q1.question(qid) is not None else next((o for o, n in succ.items() if n == qid), None)
        new_id = succ.get(old_id) if old_id is not None else None
        if new_id is None and q2.question(qid) is not None and old_id is None:
            new_id = qid
        before = _share_met(results1, [[old_id]] * len(results1)) if old_id else None
        after = _share_met(results2, [[new_id]] * len(results2)) if new_id else None
        comparable = old_id is not None and new_id is not None and before is not None and after is not None
        out.append(RoundEffect("question", qid, comparable, names[0], names[1], None, None, before, after,
                               "" if comparable else "not_comparable"))
    for aid in areas:
        share = comparable_share(q1, q2, aid)
        a1, a2 = q1.area(aid), q2.area(aid)
        if a1 is None or a2 is None or share is None or share < 1.0 - TOL or not results1 or not results2:
            out.append(RoundEffect("area", aid, False, names[0], names[1], note="not_comparable"))
            continue
        r1, r2 = rollup(q1, list(results1), method), rollup(q2, list(results2), method)
        l1 = next((a.level for a in r1.areas if a.id == aid), None)
        l2 = next((a.level for a in r2.areas if a.id == aid), None)
        ids1 = [q.id for q in a1.questions if q.scored]
        ids2 = [q.id for q in a2.questions if q.scored]
        s1 = _share_met(results1, [ids1] * len(results1))
        s2 = _share_met(results2, [ids2] * len(results2))
        ok = (l1 is not None and l2 is not None) or (s1 is not None and s2 is not None)
        out.append(RoundEffect("area", aid, ok, names[0], names[1], l1, l2, s1, s2, "" if ok else "not_assessed"))
    return out
