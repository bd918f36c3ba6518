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
