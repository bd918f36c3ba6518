"""Words for plan action statuses and follow-up effects, in Swedish and English."""
from __future__ import annotations

STATUS_TEXT = {
    "planned": ("planerad", "planned"),
    "in_progress": ("pågår", "in progress"),
    "done": ("klar", "done"),
    "dropped": ("struken", "dropped"),
}
EFFECT_TEXT = {
    "met": ("uppfyllt", "met"),
    "improved": ("förbättrat", "improved"),
    "unchanged": ("oförändrat", "unchanged"),
    "worse": ("sämre", "worse"),
    "not_comparable": ("ej jämförbart", "not comparable"),
    None: ("ej mätt", "not measured"),
}


def status_text(status: str, lang: str) -> str:
    sv, en = STATUS_TEXT.get(status, (status, status))
    return en if lang == "en" else sv


def effect_text(effect: str | None, lang: str) -> str:
    sv, en = EFFECT_TEXT.get(effect, (str(effect), str(effect)))
    return en if lang == "en" else sv
