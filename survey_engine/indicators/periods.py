"""Periods of measured indicators: `YYYY-MM` (month), `YYYY-Qn` (quarter), `YYYY` (year).

Rules in docs/indicators.md §2 (the `valid_months` window) and D11 (inside a
date range). Pure functions of text and dates.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

PERIOD_KINDS = ("month", "quarter", "year")
_FORMS = {
    "month": re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^([0-9]{4})-Q([1-4])$"),
    "year": re.compile(r"^([0-9]{4})$"),
}
EXAMPLE = {"month": "2026-03", "quarter": "2026-Q1", "year": "2026"}
FORM_SV = {"month": "månad ÅÅÅÅ-MM", "quarter": "kvartal ÅÅÅÅ-Qn", "year": "år ÅÅÅÅ"}
FORM_EN = {"month": "month YYYY-MM", "quarter": "quarter YYYY-Qn", "year": "year YYYY"}


@dataclass(frozen=True, order=True)
class Period:
    first_day: dt.date
    last_day: dt.date
    label: str
    kind: str

    def __str__(self) -> str:
        return self.label


def _last_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: str, kind: str) -> Period | None:
    """The period named `text` if it has the form of `kind`, else None."""
    if not isinstance(text, str) or kind not in _FORMS:
        return None
    m = _FORMS[kind].match(text.strip())
    if m is None:
        return None
    year = int(m.group(1))
    if year < 1900 or year > 2200:
        return None
    if kind == "month":
        month = int(m.group(2))
        return Period(dt.date(year, month, 1), _last_of_month(year, month), text.strip(), kind)
    if kind == "quarter":
        q = int(m.group(2))
        return Period(dt.date(year, 3 * q - 2, 1), _last_of_month(year, 3 * q), text.strip(), kind)
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), text.strip(), kind)


def period_key(label: str) -> tuple:
    """Sort key for period labels of one indicator (ascending in time)."""
    for kind in PERIOD_KINDS:
        p = parse_period(label, kind)
        if p is not None:
            return (p.first_day, p.last_day)
    return (dt.date.max, dt.date.max)


def months_back(last_day: dt.date, months: int) -> dt.date:
    """The last day of the month `months` months before the month of `last_day` (§2.1):
    2026-02-28 back 24 months is 2024-02-29."""
    index = last_day.year * 12 + (last_day.month - 1) - months
    return _last_of_month(index // 12, index % 12 + 1)


def counts_as_completed(completed: dt.date | None, period: Period, valid_months: int | None) -> bool:
    """Does a completion date count for `period` (docs/indicators.md §2.1)?"""
    if completed is None or completed > period.last_day:
        return False
    if valid_months is None:
        return True
    return completed > months_back(period.last_day, valid_months)


def inside(period: Period, start: dt.date, end: dt.date) -> bool:
    """A period lies in [start, end] when it lies there wholly (D11)."""
    return period.first_day >= start and period.last_day <= end


def period_of_date(day: dt.date, kind: str) -> Period:
    """The period of `kind` that holds `day`."""
    if kind == "month":
        label = f"{day.year:04d}-{day.month:02d}"
    elif kind == "quarter":
        label = f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    else:
        label = f"{day.year:04d}"
    period = parse_period(label, kind)
    assert period is not None
    return period
