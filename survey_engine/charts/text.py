"""Fixed strings of the charts, per language, and number formatting for display.

Swedish is the default; English with lang="en". Unknown languages fall back to Swedish.
Only fixed strings live here: area, unit and round labels come in as given.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DEFAULT_LANG = "sv"

STRINGS: dict[str, dict[str, str]] = {
    "sv": {
        "level": "Nivå",
        "level_n": "Nivå {n}",
        "no_level": "Ingen nivå",
        "target": "Målnivå",
        "reached": "Uppnådd nivå",
        "not_assessed": "ej bedömt",
        "not_assessed_cap": "Ej bedömt",
        "percent": "Andel uppfyllt (%)",
        "no_data": "Inga data att visa",
        "no_units": "Inga förvaltningar",
        "units": "Förvaltningar",
        "areas": "Områden",
        "count_units": "Antal förvaltningar",
        "round": "Omgång",
        "comparable_share": "jämförbar andel {share}",
        "comparable_unknown": "jämförbarhet okänd",
        "comparable": "jämförbar med föregående omgång",
        "not_comparable": "ej jämförbar med föregående omgång",
        "submitted": "Inlämnade",
        "draft": "Påbörjade",
        "not_started": "Ej påbörjade",
        "responses": "Antal svar",
        "response_share": "{share} inlämnade",
        # titles
        "radar_title": "Nivå per område mot målnivå",
        "bars_title": "Uppnådd nivå per område",
        "heatmap_title": "Nivå per förvaltning och område",
        "distribution_title": "Fördelning av nivåer per område",
        "trend_title_level": "Nivå per område över omgångar",
        "trend_title_percent": "Andel uppfyllt per område över omgångar",
        "response_title": "Svarsfrekvens",
        # alt texts
        "alt_radar": "Radardiagram: nivå per område (skala 0–{max}) mot målnivå {target}.",
        "alt_radar_mixed": "Radardiagram: nivå per område (skala 0–{max}) mot respektive målnivå.",
        "alt_area_level": "{label}: nivå {level} (mål {target}{percent})",
        "alt_area_not_assessed": "{label}: ej bedömt (mål {target})",
        "alt_percent": ", {percent} uppfyllt",
        "alt_bars": (
            "Liggande stapeldiagram: uppnådd nivå per område (skala 0–{max}), "
            "målnivån markerad med en romb och andel uppfyllt skriven vid stapeln."
        ),
        "alt_heatmap": (
            "Värmekarta: nivå per förvaltning (rader) och område (kolumner), "
            "{units} förvaltningar och {areas} områden."
        ),
        "alt_heatmap_row": "{unit}: {cells}",
        "alt_heatmap_cell": "{area} {level}",
        "alt_distribution": (
            "Staplat liggande stapeldiagram: antal förvaltningar på varje nivå per område."
        ),
        "alt_distribution_row": "{area}: {parts}",
        "alt_count_at_level": "{count} på nivå {level}",
        "alt_count_not_assessed": "{count} ej bedömda",
        "alt_count_not_assessed_one": "1 ej bedömd",
        "alt_trend_level": "Linjediagram per område: nivå i omgångarna {rounds}.",
        "alt_trend_percent": "Linjediagram per område: andel uppfyllt i omgångarna {rounds}.",
        "alt_trend_row": "{label} ({share}): {values}",
        "alt_trend_point": "{round} {value}",
        "alt_trend_point_nc": "{round} {value} (ej jämförbar)",
        "alt_response": "Staplat liggande stapeldiagram: svarsstatus per rad.",
        "alt_response_row": (
            "{label}: {submitted} inlämnade, {draft} påbörjade, {not_started} ej påbörjade "
            "av {total} ({share} inlämnade)"
        ),
        "alt_no_data": "Inga data att visa.",
        "dash": "–",
    },
    "en": {
        "level": "Level",
        "level_n": "Level {n}",
        "no_level": "No level",
        "target": "Target level",
        "reached": "Level reached",
        "not_assessed": "not assessed",
        "not_assessed_cap": "Not assessed",
        "percent": "Share fulfilled (%)",
        "no_data": "No data to show",
        "no_units": "No departments",
        "units": "Departments",
        "areas": "Areas",
        "count_units": "Number of departments",
        "round": "Round",
        "comparable_share": "comparable share {share}",
        "comparable_unknown": "comparability unknown",
        "comparable": "comparable with the previous round",
        "not_comparable": "not comparable with the previous round",
        "submitted": "Submitted",
        "draft": "In progress",
        "not_started": "Not started",
        "responses": "Number of responses",
        "response_share": "{share} submitted",
        "radar_title": "Level per area against target",
        "bars_title": "Level reached per area",
        "heatmap_title": "Level per department and area",
        "distribution_title": "Distribution of levels per area",
        "trend_title_level": "Level per area across rounds",
        "trend_title_percent": "Share fulfilled per area across rounds",
        "response_title": "Response rate",
        "alt_radar": "Radar chart: level per area (scale 0–{max}) against target level {target}.",
        "alt_radar_mixed": "Radar chart: level per area (scale 0–{max}) against each area's target.",
        "alt_area_level": "{label}: level {level} (target {target}{percent})",
        "alt_area_not_assessed": "{label}: not assessed (target {target})",
        "alt_percent": ", {percent} fulfilled",
        "alt_bars": (
            "Horizontal bar chart: level reached per area (scale 0–{max}), the target "
            "marked with a diamond and the share fulfilled written by the bar."
        ),
        "alt_heatmap": (
            "Heat map: level per department (rows) and area (columns), "
            "{units} departments and {areas} areas."
        ),
        "alt_heatmap_row": "{unit}: {cells}",
        "alt_heatmap_cell": "{area} {level}",
        "alt_distribution": (
            "Stacked horizontal bar chart: number of departments at each level per area."
        ),
        "alt_distribution_row": "{area}: {parts}",
        "alt_count_at_level": "{count} at level {level}",
        "alt_count_not_assessed": "{count} not assessed",
        "alt_count_not_assessed_one": "1 not assessed",
        "alt_trend_level": "Line chart per area: level in the rounds {rounds}.",
        "alt_trend_percent": "Line chart per area: share fulfilled in the rounds {rounds}.",
        "alt_trend_row": "{label} ({share}): {values}",
        "alt_trend_point": "{round} {value}",
        "alt_trend_point_nc": "{round} {value} (not comparable)",
        "alt_response": "Stacked horizontal bar chart: response status per row.",
        "alt_response_row": (
            "{label}: {submitted} submitted, {draft} in progress, {not_started} not started "
            "of {total} ({share} submitted)"
        ),
        "alt_no_data": "No data to show.",
        "dash": "–",
    },
}


def strings(lang: str | None) -> dict[str, str]:
    """The fixed strings for `lang` (Swedish when the language is unknown)."""
    return STRINGS.get(lang or DEFAULT_LANG, STRINGS[DEFAULT_LANG])


def format_number(value: float, lang: str | None, decimals: int = 0) -> str:
    """Half-up rounding for display; Swedish uses a decimal comma."""
    quantum = Decimal(1).scaleb(-decimals)
    text = str(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))
    if text.startswith("-") and Decimal(text) == 0:
        text = text[1:]
    if (lang or DEFAULT_LANG) == "sv":
        text = text.replace(".", ",")
    return text


def format_percent(value: float, lang: str | None, decimals: int = 0) -> str:
    """A percent (0..100) for display: "80 %" in Swedish, "80%" in English."""
    number = format_number(value, lang, decimals)
    return f"{number} %" if (lang or DEFAULT_LANG) == "sv" else f"{number}%"


def format_share(share: float, lang: str | None, decimals: int = 0) -> str:
    """A share 0..1 shown as a percent."""
    return format_percent(100.0 * share, lang, decimals)
