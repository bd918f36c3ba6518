"""Figures of parent units and of the kommun from unit measurements (docs/indicators.md
§2.2), and the `show` series of §3. Pure: plain data in, plain data out.

A share is always Σ numerator / Σ denominator over the measurements used, never the
mean of unit shares; a count is Σ value; days are the plain mean of the values.
Each unit's figure uses the most detailed data available: its own imported
measurement only when none of its descendants has one in that period (§2.2).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from survey_engine.indicators.periods import period_key


@dataclass(frozen=True)
class Figure:
    """A measured or computed figure. For shares numerator/denominator are set."""

    value: float
    numerator: int | None = None
    denominator: int | None = None
    units: int = 1  # how many measurements it is made of

    def to_dict(self) -> dict:
        if self.numerator is None:
            return {"value": self.value}
        return {"numerator": self.numerator, "denominator": self.denominator, "value": self.value}


@dataclass(frozen=True)
class Measured:
    """One stored measurement."""

    unit: str
    period: str
    value: float
    numerator: int | None = None
    denominator: int | None = None

    @property
    def figure(self) -> Figure:
        return Figure(self.value, self.numerator, self.denominator)


def combine(kind: str, figures: Iterable[Figure]) -> Figure | None:
    """One figure from several (None from none): share Σn/Σd, count Σ, days plain mean."""
    figures = list(figures)
    if not figures:
        return None
    if kind == "share":
        num = sum(f.numerator or 0 for f in figures)
        den = sum(f.denominator or 0 for f in figures)
        return Figure(num / den if den else 0.0, num, den, len(figures))
    values = [f.value for f in figures]
    if kind == "count":
        return Figure(float(sum(values)), units=len(values))
    return Figure(sum(values) / len(values), units=len(values))


class UnitTree:
    """Units by code with their parent codes (None for a top unit)."""

    def __init__(self, parents: Mapping[str, str | None]):
        self.parents = dict(parents)
        self.children: dict[str | None, list[str]] = {}
        for code, parent in self.parents.items():
            if parent is not None and parent not in self.parents:
                parent = None
            self.children.setdefault(parent, []).append(code)
        for kids in self.children.values():
            kids.sort()

    @property
    def tops(self) -> list[str]:
        return list(self.children.get(None, []))

    def descendants(self, code: str) -> list[str]:
        out, stack, seen = [], list(self.children.get(code, [])), {code}
        while stack:
            c = stack.pop()
            if c in seen:  # a cycle in bad data must not loop forever
                continue
            seen.add(c)
            out.append(c)
            stack.extend(self.children.get(c, []))
        return out

    def _used(self, code: str, measured: Mapping[str, Figure], seen: set[str]) -> list[Figure]:
        """The measurements that make up `code`'s figure (most detailed data first)."""
        if code in seen:
            return []
        seen = seen | {code}
        below: list[Figure] = []
        for child in self.children.get(code, []):
            below.extend(self._used(child, measured, seen))
        if below:
            return below
        own = measured.get(code)
        return [own] if own is not None else []

    def figure(self, kind: str, code: str, measured: Mapping[str, Figure]) -> Figure | None:
        """The figure of unit `code` for one period, from that period's measurements."""
        return combine(kind, self._used(code, measured, set()))

    def total(self, kind: str, measured: Mapping[str, Figure]) -> Figure | None:
        """The figure of the top of the tree (all top units together, §2.2)."""
        used: list[Figure] = []
        for top in self.tops:
            used.extend(self._used(top, measured, set()))
        return combine(kind, used)


def by_period(rows: Iterable[Measured]) -> dict[str, dict[str, Figure]]:
    """period -> unit -> figure, periods ascending."""
    out: dict[str, dict[str, Figure]] = {}
    for r in rows:
        out.setdefault(r.period, {})[r.unit] = r.figure
    return {p: out[p] for p in sorted(out, key=period_key)}


def series(kind: str, rows: Iterable[Measured], tree: UnitTree) -> list[dict]:
    """The `series` of `indicators show --format json` (docs/indicators.md §3)."""
    out = []
    for period, measured in by_period(rows).items():
        total = tree.total(kind, measured)
        out.append({
            "period": period,
            "units": {code: measured[code].to_dict() for code in sorted(measured)},
            "total": total.to_dict() if total is not None else None,
        })
    return out
