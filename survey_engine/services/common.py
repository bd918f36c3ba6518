"""Small helpers shared by the services."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any
from survey_engine.text import Text
from survey_engine.errors import Invalid



def dump(value: Any) -> str | None:
    """A Python value as JSON text for a JSON column; None stays SQL NULL.

    Always serialise ourselves: Piccolo would store a plain string such as "yes"
    as raw (invalid) JSON text."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def load(value: Any) -> Any:
    """A JSON column's value as Python (tolerates rows read without load_json)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def load_value(text: str | None) -> Any:
    """An answer value back from its JSON text (NULL = unanswered)."""
    return None if text is None else json.loads(text)


def iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def page_args(limit: int, offset: int) -> tuple[int, int]:
    if limit < 1 or limit > 1000:
        raise Invalid(Text("limit måste vara 1–1000", "limit must be 1-1000"), [{"field": "limit", "message": "1-1000"}])
    if offset < 0:
        raise Invalid(Text("offset får inte vara negativ", "offset must not be negative"), [{"field": "offset", "message": ">= 0"}])
    return limit, offset
