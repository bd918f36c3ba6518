"""The one clock of survey-engine: times are stored in UTC and shown in Swedish time.

Call `clock.now()` (not `datetime.now`) so that a test can move time for the whole app
with one `monkeypatch.setattr(clock, "now", ...)`.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def now() -> dt.datetime:
    """The current time, UTC, timezone-aware."""
    return dt.datetime.now(dt.timezone.utc)


def local(value: dt.datetime) -> dt.datetime:
    """A stored (UTC or naive-UTC) time as Europe/Stockholm time, for people."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(STOCKHOLM)


def today() -> dt.date:
    """Today's date in Sweden (what a report's "Skapad" says), not the server's."""
    return local(now()).date()


def shown(value: dt.datetime | dt.date | str | None, *, with_time: bool = True, seconds: bool = False) -> str:
    """The one way a stored time is written for people (pages, PDF, Excel, CSV for
    people): Swedish time, "2026-12-02 14:05" (with `seconds`, ":07" too). A naive
    time is UTC (what the store holds); an ISO string is read first; a date is written
    as it is; None is "". Machine formats (JSON, the API) keep ISO 8601 in UTC."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        if not with_time:
            return local(value).date().isoformat()
        return local(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
