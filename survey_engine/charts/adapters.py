"""Thin adapters from engine results to chart data.

Duck-typed on purpose, so the charts do not import the engine: a result is anything
with `areas`, each area having `id`, `assessed`, `level`, `percent` and
`target_level` (the attributes of `survey_engine.scoring.ScoreResult` and of a roll-up
result). Plain mappings with the same keys (the JSON of `survey-engine score`, i.e.
`result.to_dict()`) work too. A questionnaire is anything with `areas` (each with `id`
and a `title` that is a dict language -> text, or a plain string) and, optionally,
`levels` (each with `level` and `name`), `target_level`, `default_language`.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from .data import AreaPoint, HeatmapData, TrendData, TrendSeries


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _text(value: Any, lang: str, fallback: str | None) -> str:
    """A localised text: dict lang -> str (lang, then fallback, then first) or a str."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        if lang in value:
            return str(value[lang])
        if fallback and fallback in value:
            return str(value[fallback])
        return str(next(iter(value.values()), ""))
    return str(value)


def _fallback_language(questionnaire: Any) -> str | None:
    languages = _get(questionnaire, "languages") or []
    return languages[0] if languages else None


def _area_titles(questionnaire: Any, lang: str) -> dict[str, str]:
    fallback = _fallback_language(questionnaire)
    return {
        str(_get(a, "id")): _text(_get(a, "title"), lang, fallback) or str(_get(a, "id"))
        for a in (_get(questionnaire, "areas") or [])
    }


def _area_order(questionnaire: Any) -> list[str]:
    return [str(_get(a, "id")) for a in (_get(questionnaire, "areas") or [])]


def _default_target(questionnaire: Any, area_id: str) -> int:
    for a in _get(questionnaire, "areas") or []:
        if str(_get(a, "id")) == area_id and _get(a, "target_level") is not None:
            return int(_get(a, "target_level"))
    target = _get(questionnaire, "target_level")
    if target is not None:
        return int(target)
    return len(_get(questionnaire, "levels") or [])


def level_scale(questionnaire: Any, lang: str = "sv") -> tuple[int, dict[int, str]]:
    """(max_level, {level: name}) of a questionnaire, for the charts' keyword arguments."""
    fallback = _fallback_language(questionnaire)
    names = {
        int(_get(lv, "level")): _text(_get(lv, "name"), lang, fallback)
        for lv in (_get(questionnaire, "levels") or [])
    }
    max_level = max(names) if names else int(_get(questionnaire, "max_level", 0) or 0)
    return max_level, names


def _area_results(result: Any) -> dict[str, Any]:
    return {str(_get(a, "id")): a for a in (_get(result, "areas") or [])}


def from_score_result(questionnaire: Any, result: Any, lang: str = "sv") -> tuple[AreaPoint, ...]:
    """One `AreaPoint` per area of `result`, in the result's (file) order.

    The label is the area's title in `lang` (else the questionnaire's first language,
    else the area id). An area counts as assessed only when `assessed` is true and it
    has a level; the target is the result's `target_level`, else the questionnaire's.
    """
    titles = _area_titles(questionnaire, lang)
    points = []
    for area in _get(result, "areas") or []:
        area_id = str(_get(area, "id"))
        level = _get(area, "level")
        assessed = bool(_get(area, "assessed", level is not None)) and level is not None
        target = _get(area, "target_level")
        percent = _get(area, "percent")
        points.append(
            AreaPoint(
                label=titles.get(area_id, area_id),
                level=int(level) if assessed else None,
                target=int(target) if target is not None else _default_target(questionnaire, area_id),
                percent=float(percent) if assessed and percent is not None else None,
                assessed=assessed,
            )
        )
    return tuple(points)


def _pairs(items: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    if isinstance(items, Mapping):
        return [(str(k), v) for k, v in items.items()]
    return [(str(k), v) for k, v in items]


def heatmap_from_results(
    questionnaire: Any,
    units: Mapping[str, Any] | Iterable[tuple[str, Any]],
    lang: str = "sv",
) -> HeatmapData:
    """Heat-map data from (unit name, result) pairs; columns in the questionnaire's order.

    A unit whose result lacks an area, or has it not assessed, gets None in that cell.
    """
    order = _area_order(questionnaire)
    titles = _area_titles(questionnaire, lang)
    pairs = _pairs(units)
    rows = []
    for _, result in pairs:
        by_id = _area_results(result)
        row = []
        for area_id in order:
            area = by_id.get(area_id)
            level = _get(area, "level") if area is not None else None
            assessed = area is not None and bool(_get(area, "assessed", level is not None))
            row.append(int(level) if assessed and level is not None else None)
        rows.append(tuple(row))
    return HeatmapData(
        units=tuple(name for name, _ in pairs),
        areas=tuple(titles[a] for a in order),
        levels=tuple(rows),
    )


def trend_from_results(
    questionnaire: Any,
    rounds: Sequence[tuple[str, Any]],
    lang: str = "sv",
    *,
    measure: str = "level",
    comparable_share: Mapping[str, float | None] | None = None,
    comparable: Mapping[str, Sequence[bool]] | None = None,
) -> TrendData:
    """Trend data from (round name, result) pairs in time order.

    Areas are the current `questionnaire`'s (titles in `lang`), matched by id in each
    round's result. `comparable_share` maps area id -> share 0..1 (e.g. the
    `comparable_share` of the planning module's area follow-up); `comparable` maps
    area id -> one flag per round (False: not comparable with the round before).
    Areas without flags count as comparable throughout.
    """
    if measure not in ("level", "percent"):
        raise ValueError(f"measure must be 'level' or 'percent', not {measure!r}")
    titles = _area_titles(questionnaire, lang)
    by_round = [_area_results(result) for _, result in rounds]
    series = []
    for area_id in _area_order(questionnaire):
        values: list[float | None] = []
        for areas in by_round:
            area = areas.get(area_id)
            value = _get(area, measure) if area is not None else None
            assessed = area is not None and bool(_get(area, "assessed", value is not None))
            values.append(float(value) if assessed and value is not None else None)
        flags = tuple(bool(f) for f in (comparable or {}).get(area_id, ()))
        series.append(
            TrendSeries(
                label=titles[area_id],
                values=tuple(values),
                comparable=flags,
                comparable_share=(comparable_share or {}).get(area_id),
            )
        )
    return TrendData(
        rounds=tuple(name for name, _ in rounds), series=tuple(series), measure=measure
    )


def trend_from_follow_up(
    questionnaire: Any,
    follow_ups: Iterable[Any],
    rounds: tuple[str, str],
    lang: str = "sv",
    *,
    measure: str = "level",
    comparable_at: float = 1.0,
) -> TrendData:
    """Two-round trend data from the planning module's area follow-ups.

    Each follow-up has `area`, `level_before`, `level_after`, `percent_before`,
    `percent_after` and `comparable_share` (Σ w of the new version's questions that
    continue an old one / Σ w of all, per docs/planning.md). The later point is drawn as
    comparable only when the share is known and at least `comparable_at` (default 1.0:
    every question of the area continues one from the previous version); the share
    itself is always shown on the chart.
    """
    if measure not in ("level", "percent"):
        raise ValueError(f"measure must be 'level' or 'percent', not {measure!r}")
    titles = _area_titles(questionnaire, lang)
    series = []
    for item in follow_ups:
        area_id = str(_get(item, "area"))
        before = _get(item, f"{measure}_before")
        after = _get(item, f"{measure}_after")
        share = _get(item, "comparable_share")
        comparable_after = share is not None and float(share) >= comparable_at - 1e-9
        series.append(
            TrendSeries(
                label=titles.get(area_id, area_id),
                values=(
                    float(before) if before is not None else None,
                    float(after) if after is not None else None,
                ),
                comparable=(True, comparable_after),
                comparable_share=float(share) if share is not None else None,
            )
        )
    return TrendData(rounds=tuple(rounds), series=tuple(series), measure=measure)
