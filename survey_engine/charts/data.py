"""Plain input types for the charts.

The charts never read the engine's classes: they take these small frozen dataclasses
(built by hand, or from engine results by `survey_engine.charts.adapters`). Labels
(area titles, unit names, round names) arrive already in the reader's language and are
drawn as given. A level of `None` (or `assessed=False`) means "not assessed".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from matplotlib.figure import Figure


@dataclass(frozen=True)
class Chart:
    """A finished chart: the figure, a description in words and the title shown on it."""

    figure: Figure
    alt_text: str
    title: str
    kind: str = ""  # "radar", "level_bars", "heatmap", "distribution", "trend", "response_rate"


@dataclass(frozen=True)
class AreaPoint:
    """One area of one result: the level reached against the area's target."""

    label: str
    level: int | None
    target: int
    percent: float | None = None
    assessed: bool = True

    @property
    def is_assessed(self) -> bool:
        return self.assessed and self.level is not None


@dataclass(frozen=True)
class HeatmapData:
    """Levels of units (rows, e.g. förvaltningar) in areas (columns).

    `levels[i][j]` is unit i's level in area j, or None when not assessed.
    """

    units: tuple[str, ...]
    areas: tuple[str, ...]
    levels: tuple[tuple[int | None, ...], ...]

    def __post_init__(self) -> None:
        if len(self.levels) != len(self.units):
            raise ValueError(f"levels has {len(self.levels)} rows for {len(self.units)} units")
        for i, row in enumerate(self.levels):
            if len(row) != len(self.areas):
                raise ValueError(
                    f"row {i} ({self.units[i]!r}) has {len(row)} levels for {len(self.areas)} areas"
                )


@dataclass(frozen=True)
class DistributionData:
    """How many units reached each level, per area.

    `counts[j][L]` is the number of units at level L (0..max_level) in area j;
    `not_assessed[j]` the number of units where area j was not assessed.
    """

    areas: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    not_assessed: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if len(self.counts) != len(self.areas):
            raise ValueError(f"counts has {len(self.counts)} rows for {len(self.areas)} areas")
        widths = {len(row) for row in self.counts}
        if len(widths) > 1:
            raise ValueError("every area needs a count for every level 0..max_level")
        if self.not_assessed and len(self.not_assessed) != len(self.areas):
            raise ValueError("not_assessed needs one count per area")
        if any(c < 0 for row in self.counts for c in row) or any(c < 0 for c in self.not_assessed):
            raise ValueError("counts cannot be negative")

    @property
    def max_level(self) -> int | None:
        """Highest level the counts cover (None when there are no areas)."""
        return len(self.counts[0]) - 1 if self.counts else None

    def not_assessed_of(self, index: int) -> int:
        return self.not_assessed[index] if self.not_assessed else 0


@dataclass(frozen=True)
class TrendSeries:
    """One area over the rounds of a `TrendData`.

    `values[k]` is the level or percent in round k (None: not assessed or no answer);
    `comparable[k]` is False when round k's figure cannot be compared with the round
    before (the questions changed); `comparable_share` is the share 0..1 of the area's
    questions that are comparable between the last two rounds (None: unknown).
    """

    label: str
    values: tuple[float | None, ...]
    comparable: tuple[bool, ...] = ()
    comparable_share: float | None = None

    def is_comparable(self, index: int) -> bool:
        return self.comparable[index] if self.comparable else True


@dataclass(frozen=True)
class TrendData:
    rounds: tuple[str, ...]
    series: tuple[TrendSeries, ...]
    measure: Literal["level", "percent"] = "level"

    def __post_init__(self) -> None:
        if self.measure not in ("level", "percent"):
            raise ValueError(f"measure must be 'level' or 'percent', not {self.measure!r}")
        for s in self.series:
            if len(s.values) != len(self.rounds):
                raise ValueError(
                    f"series {s.label!r} has {len(s.values)} values for {len(self.rounds)} rounds"
                )
            if s.comparable and len(s.comparable) != len(self.rounds):
                raise ValueError(f"series {s.label!r}: comparable needs one flag per round")


@dataclass(frozen=True)
class ResponseRateData:
    """Response status per row (a round or a unit): counts of responses."""

    labels: tuple[str, ...]
    submitted: tuple[int, ...]
    draft: tuple[int, ...]
    not_started: tuple[int, ...]

    def __post_init__(self) -> None:
        n = len(self.labels)
        for name in ("submitted", "draft", "not_started"):
            values = getattr(self, name)
            if len(values) != n:
                raise ValueError(f"{name} has {len(values)} counts for {n} labels")
            if any(v < 0 for v in values):
                raise ValueError(f"{name} counts cannot be negative")

    def total(self, index: int) -> int:
        return self.submitted[index] + self.draft[index] + self.not_started[index]


__all__ = [
    "AreaPoint",
    "Chart",
    "DistributionData",
    "HeatmapData",
    "ResponseRateData",
    "TrendData",
    "TrendSeries",
]
