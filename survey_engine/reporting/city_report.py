"""Stadsrapport for kommunstyrelsen: the whole round (pure: data in, report out).

The city's single organisation answer is the engine's `rollup` over the units'
results (methods `weakest` and `mean`, unit weights = the units' weights); trends use
`planning.area_follow_up` between the previous round's roll-up and this one's;
city-wide priorities are `planning.priorities` of the mean roll-up.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from survey_engine.planning import area_follow_up, priorities
from survey_engine.scoring import rollup
from survey_engine.errors import Invalid

from .common import (
    ChartSpec,
    Report,
    answer_rows,
    area_row,
    area_titles,
    follow_up_rows,
    iso,
    level_names,
    priority_rows,
    questionnaire_info,
    round_info,
    status_text,
)
from .model import ReportData, RoundData, UnitEntry
from .text import check_lang, strings
from survey_engine.text import Text

METHODS = ("weakest", "mean")
TOP_PRIORITIES = 15


def response_counts(r: RoundData) -> dict[str, Any]:
    submitted = sum(1 for u in r.units if u.submitted)
    not_started = sum(1 for u in r.units if not u.started)
    draft = len(r.units) - submitted - not_started
    n = len(r.units)
    return {"participating": n, "submitted": submitted, "draft": draft, "not_started": not_started,
            "response_rate": submitted / n if n else 0.0}


def city_rollups(r: RoundData, units: tuple[UnitEntry, ...]) -> dict[str, Any]:
    """{method: RollupResult} over `units`, unit weights = the units' weights."""
    results = [u.result for u in units]
    weights = [u.weight for u in units]
    return {m: rollup(r.questionnaire, results, method=m, weights=weights) for m in METHODS}


def build_city_report(
    data: ReportData,
    lang: str = "sv",
    *,
    today: dt.date | None = None,
    include_drafts: bool = False,
    top: int = TOP_PRIORITIES,
) -> Report:
    """The city report of `data.current`. Raises Invalid when no unit has a result to
    combine (no submitted response, or none at all with `include_drafts`)."""
    from survey_engine.charts import ResponseRateData, distribution_chart, distribution_from_heatmap, from_score_result, heatmap_chart, heatmap_from_results, level_scale, radar_chart, response_rate_chart, trend_chart, trend_from_follow_up  # here, not at the top: matplotlib costs a worker about 90 MB and a report is rare
    check_lang(lang)
    s = strings(lang)
    current = data.current
    q = current.questionnaire
    names = level_names(q, lang)
    titles = area_titles(q, lang)
    scored = current.scored_units(include_drafts)
    if not scored:
        what = "svar" if include_drafts else "inskickade svar (prova --include-drafts)"
        what_en = "responses" if include_drafts else "submitted responses (try --include-drafts)"
        if current.approved_only:  # docs/sign-off.md
            what, what_en = "godkända svar", "approved responses"
        raise Invalid(Text(f"Omgång {current.id} ({current.name}) har inga {what} att sammanställa", f"round " f"{current.id} has no {what_en} to report on"))
    rollups = city_rollups(current, scored)
    what = s["what_submitted_drafts" if include_drafts else "what_submitted"]
    if current.approved_only:
        what = s["what_approved"]

    def rollup_model(res) -> dict[str, Any]:
        overall = res.overall.to_dict()
        overall["level_name"] = names.get(overall["level"], "") if overall["level"] is not None else ""
        return {"overall": overall, "areas": [area_row(a, titles, names) for a in res.areas],
                "scores": res.to_dict()}

    scored_codes = {u.code for u in scored}
    unit_rows = []
    for u in current.units:
        row = {"code": u.code, "name": u.name, "weight": u.weight, "status": u.status,
               "status_text": status_text(u.status, lang), "source": u.source,
               "in_city_figures": u.code in scored_codes, "level": None, "percent": None, "completeness": None,
               "areas": [], "answers": []}
        if u.result is not None:
            row.update(level=u.result.overall.level, percent=u.result.overall.percent,
                       completeness=u.result.overall.completeness,
                       areas=[area_row(a, titles, names) for a in u.result.areas],
                       answers=answer_rows(q, u, lang))
        unit_rows.append(row)

    def label(u: UnitEntry) -> str:
        return u.name if u.submitted else f"{u.name} ({status_text(u.status, lang)})"

    max_level, lv_names = level_scale(q, lang)
    heat = heatmap_from_results(q, [(label(u), u.result) for u in scored], lang)
    dist = distribution_from_heatmap(heat, max_level=max_level)
    distribution = [
        {"area": a.id, "title": titles[a.id], "counts": list(dist.counts[j]),
         "not_assessed": dist.not_assessed_of(j)}
        for j, a in enumerate(q.areas)
    ]

    mean = rollups["mean"]
    gaps = sorted(
        (area_row(a, titles, names) for a in mean.areas if a.assessed),
        key=lambda a: (-a["gap"], a["percent"], a["id"]),
    )
    gaps = [g for g in gaps if g["gap"] > 0]
    prios = priorities(q, mean)

    no_level = []
    for u in scored:
        if u.result.overall.level in (0, None):
            zero = sum(1 for a in u.result.areas if a.assessed and a.level == 0)
            no_level.append({"code": u.code, "name": u.name, "status": u.status,
                             "status_text": status_text(u.status, lang), "level": u.result.overall.level,
                             "percent": u.result.overall.percent, "areas_at_zero": zero})

    trend: dict[str, Any] | None = None
    follow: dict[str, list] = {}
    prev = data.previous
    prev_counts = None
    if prev is not None:
        prev_counts = response_counts(prev)
        prev_scored = prev.scored_units(include_drafts)
        trend = {"previous_round": round_info(prev, lang),
                 "questionnaire": questionnaire_info(prev.questionnaire, lang),
                 "available": bool(prev_scored), "units": len(prev_scored)}
        if prev_scored:
            prev_rollups = city_rollups(prev, prev_scored)
            for m in METHODS:
                follow[m] = area_follow_up(prev.questionnaire, prev_rollups[m], q, rollups[m])
                trend[m] = {"overall_before": prev_rollups[m].overall.to_dict(),
                            "overall_after": rollups[m].overall.to_dict(),
                            "areas": follow_up_rows(q, follow[m], lang)}

    counts = response_counts(current)
    model: dict[str, Any] = {
        "kind": "city",
        "lang": lang,
        "title": f"{s['city_report']}: {current.name}",
        "generated_on": iso(today),
        "engine_version": data.engine_version,
        "round": round_info(current, lang),
        "questionnaire": questionnaire_info(q, lang),
        "include_drafts": include_drafts and not current.approved_only,
        "approved_only": current.approved_only,
        "level_names": {str(k): v for k, v in sorted(names.items())},
        "max_level": q.max_level,
        "response": {**counts, "previous": prev_counts},
        "rollup": {
            "units": [u.code for u in scored],
            "weights": [u.weight for u in scored],
            "note": s["rollup_note"].format(n=len(scored), what=what),
            **{m: rollup_model(rollups[m]) for m in METHODS},
        },
        "units": unit_rows,
        "distribution": distribution,
        "gaps": gaps,
        "priorities": priority_rows(q, prios[:top], lang),
        "priorities_total": len(prios),
        "no_level": no_level,
        "trend": trend,
    }

    rate_rows = ([(prev.name, prev_counts)] if prev_counts else []) + [(current.name, counts)]
    rate = ResponseRateData(
        labels=tuple(n for n, _ in rate_rows),
        submitted=tuple(c["submitted"] for _, c in rate_rows),
        draft=tuple(c["draft"] for _, c in rate_rows),
        not_started=tuple(c["not_started"] for _, c in rate_rows),
    )
    points = {m: from_score_result(q, rollups[m], lang) for m in METHODS}
    charts = [
        ChartSpec("response_rate", lambda: response_rate_chart(rate, lang=lang)),
        ChartSpec("radar_weakest", lambda: radar_chart(
            points["weakest"], max_level=max_level, lang=lang, level_names=lv_names,
            title=f"{s['rollup']} ({s['method_weakest'].lower()})")),
        ChartSpec("radar_mean", lambda: radar_chart(
            points["mean"], max_level=max_level, lang=lang, level_names=lv_names,
            title=f"{s['rollup']} ({s['method_mean'].lower()})")),
        ChartSpec("heatmap", lambda: heatmap_chart(heat, max_level=max_level, lang=lang, level_names=lv_names)),
        ChartSpec("distribution", lambda: distribution_chart(dist, max_level=max_level, lang=lang, level_names=lv_names)),
    ]
    if follow:
        rounds = (prev.name, current.name)
        charts.append(ChartSpec("trend", lambda: trend_chart(
            trend_from_follow_up(q, follow["mean"], rounds, lang), max_level=max_level, lang=lang,
            title=f"{s['trend']} ({s['method_mean'].lower()})")))
    return Report("city", lang, model, tuple(charts), q)
