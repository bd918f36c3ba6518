"""Language of the web pages: Swedish by default, English by a switch.

`?lang=en` (or `?lang=sv`) on any page chooses the language and stores it in the
`lang` cookie for the pages after it. Templates write their text in both languages
inline, `T("Spara", "Save")`, so a page's two versions sit next to each other and
cannot drift apart; the words that several pages share (statuses, roles) are here.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from litestar.connection import ASGIConnection

from survey_engine import clock as clock_module
from survey_engine.text import UNANSWERED

LANGUAGES = ("sv", "en")
DEFAULT = "sv"
COOKIE = "lang"

WORDS: dict[str, tuple[str, str]] = {
    # response / round statuses
    "not_started": ("Ej påbörjad", "Not started"),
    "draft": ("Utkast", "Draft"),
    "submitted": ("Inskickad", "Submitted"),
    "reopened": ("Öppnad igen", "Reopened"),
    "open": ("Öppen", "Open"),
    "closed": ("Stängd", "Closed"),
    # roles
    "admin": ("Administratör", "Administrator"),
    "analyst": ("Analytiker", "Analyst"),
    "planner": ("Planerare", "Planner"),
    "respondent": ("Respondent", "Respondent"),
    "auditor": ("Revisor", "Auditor"),
    "approver": ("Godkännare", "Approver"),
    # sign-off (docs/sign-off.md)
    "approved": ("Godkänd", "Approved"),
    "awaiting_approval": ("Väntar på godkännande", "Awaiting approval"),
    "returned": ("Återsänd", "Returned"),
}


def choose(connection: ASGIConnection) -> tuple[str, bool]:
    """(language, chosen now): the `lang` query parameter wins over the cookie."""
    asked = connection.query_params.get("lang")
    if asked in LANGUAGES:
        return asked, True
    saved = connection.cookies.get(COOKIE)
    return (saved if saved in LANGUAGES else DEFAULT), False


def translator(lang: str) -> Callable[[str, str], str]:
    def T(sv: str, en: str) -> str:  # noqa: N802 - short on purpose, used in every template
        return en if lang == "en" else sv

    return T


def word(key: str | None, lang: str) -> str:
    if key is None:
        return ""
    pair = WORDS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def number(value: float | None, lang: str, decimals: int = 0) -> str:
    """A number as people write it: decimal comma and a thin space in Swedish."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\u202f").replace(".", ",")


def percent(value: float | None, lang: str, decimals: int = 0) -> str:
    """`value` already in 0..100."""
    if value is None:
        return "–"
    return f"{number(value, lang, decimals)}\u00a0%"


def share(value: float | None, lang: str) -> str:
    """`value` in 0..1 shown as a percent."""
    return percent(None if value is None else value * 100.0, lang)


def when(value: Any, lang: str, with_time: bool = True) -> str:
    """A date or timestamp for people (Swedish time, no seconds); '–' for none."""
    return clock_module.shown(value, with_time=with_time) or "–"


def clock(value: Any) -> str:
    """Only the time of day in Swedish time, e.g. for "Sparat 10:42"."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime):
        return clock_module.local(value).strftime("%H:%M")
    return ""


def helpers(lang: str) -> dict[str, Any]:
    """Template globals for one request's language."""
    return {
        "lang": lang,
        "T": translator(lang),
        "word": lambda key: word(key, lang),
        "num": lambda v, d=0: number(v, lang, d),
        "pct": lambda v, d=0: percent(v, lang, d),
        "share": lambda v: share(v, lang),
        "when": lambda v, t=True: when(v, lang, t),
        "clock": clock,
        "unanswered": UNANSWERED.get(lang),  # the one wording for a question without an answer
    }
