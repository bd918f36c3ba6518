"""Förvaltningsrapport: one unit's result in one round (pure: data in, report out).

Every figure is the engine's: the unit's `ScoreResult` (snapshot or live, see
`data.py`), `planning.priorities`, `planning.area_follow_up`. The only arithmetic
here is the city median per area over the units' engine figures.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from survey_engine.planning import area_follow_up, priorities
from survey_engine.errors import Invalid, NotFound

from .common import (
    ChartSpec,
    Report,
    answer_rows,
    answer_text,
    area_row,
    area_titles,
    city_medians,
    DEFAULT_MIN_GROUP_SIZE,
    follow_up_rows,
    iso,
    level_names,
    priority_rows,
    questionnaire_info,
    round_info,
    status_text,
    text_of,
)
from .model import SOURCE_SNAPSHOT, ReportData, UnitEntry
from .text import check_lang, strings
from survey_engine.text import Text

TOP_PRIORITIES = 10


def _missing_for_next_level(q, result, lang: str, entry: UnitEntry) -> list[dict[str, Any]]:
    """Per assessed area below its top level: the included questions of the next level
    that are not met (the engine's `met`), with their guidance."""
    titles = area_titles(q, lang)
    out = []
    for area in q.areas:
        score = result.area(area.id)
        if score is None or not score.assessed or score.next_level_progress is None:
            continue  # not assessed, or already at the top level of its questions
        nxt = score.level + 1
        questions = []
        for question in area.questions:
            outcome = result.question(question.id)
            if question.level != nxt or outcome is None or not outcome.included or outcome.met:
                continue
            value = entry.answers.get(question.id)
            questions.append({
                "id": question.id,
                "text": text_of(q, question.text, lang),
                "guidance": text_of(q, question.guidance, lang),
                "answer": answer_text(q, question, value, lang) if value is not None else "",
                "status": outcome.status,
                "credit": outcome.credit,
                "unknown": outcome.unknown,
                "statutory": question.statutory,
            })
        out.append({
            "area": area.id, "title": titles[area.id], "level": score.level, "next_level": nxt,
            "next_level_progress": score.next_level_progress, "questions": questions,
        })
    return out


def build_unit_report(
    data: ReportData,
    unit_code: str,
    lang: str = "sv",
    *,
    today: dt.date | None = None,
    include_drafts_in_median: bool = False,
    top: int = TOP_PRIORITIES,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
) -> Report:
    """The report of unit `unit_code` in `data.current`. Raises NotFound when the unit
    does not take part, Invalid when it has not started answering."""
    from survey_engine.charts import from_score_result, level_bars_chart, level_scale, radar_chart, trend_chart, trend_from_follow_up  # here, not at the top: matplotlib costs a worker about 90 MB and a report is rare
    check_lang(lang)
    s = strings(lang)
    current = data.current
    q = current.questionnaire
    entry = current.unit(unit_code)
    if entry is None:
        raise NotFound(
            Text(f"Enheten {unit_code} deltar inte i omgång {current.id} ({current.name})", f"unit {unit_code} " f"does not take part in round {current.id}"))
    if entry.result is None:
        raise Invalid(
            Text(f"{entry.name} ({unit_code}) har inte börjat svara i omgång {current.id}; det finns inget att " f"rapportera", f"{unit_code} has not started answering in round {current.id}: nothing to report"))
    result = entry.result
    names = level_names(q, lang)
    titles = area_titles(q, lang)

    city_units = current.scored_units(include_drafts_in_median)
    # The report goes to the unit, whose people may not see other units' results: the
    # median is shown only over enough other units (docs/security.md, "Small groups").
    medians = city_medians(q, city_units, viewer=unit_code, min_group_size=min_group_size)
    too_few = any(m["suppressed"] for m in medians.values())
    areas = []
    for a in result.areas:
        row = area_row(a, titles, names)
        m = medians.get(a.id, {})
        row.update(city_median_level=m.get("level"), city_median_percent=m.get("percent"),
                   city_units=m.get("units", 0), city_median_suppressed=m.get("suppressed", False))
        areas.append(row)

    prios = priorities(q, result)

    trend: dict[str, Any] | None = None
    follow_ups = None
    prev = data.previous
    if prev is not None:
        prev_entry = prev.unit(unit_code)
        trend = {"previous_round": round_info(prev, lang), "questionnaire": questionnaire_info(prev.questionnaire, lang),
                 "available": False, "areas": []}
        if prev_entry is not None and prev_entry.result is not None:
            follow_ups = area_follow_up(prev.questionnaire, prev_entry.result, q, result)
            trend.update(
                available=True,
                status=prev_entry.status, status_text=status_text(prev_entry.status, lang),
                source=prev_entry.source,
                overall_before=prev_entry.result.overall.to_dict(),
                areas=follow_up_rows(q, follow_ups, lang),
            )

    overall = result.overall.to_dict()
    overall["level_name"] = names.get(overall["level"], "") if overall["level"] is not None else ""
    if entry.source == SOURCE_SNAPSHOT:
        source_text = s["source_snapshot"].format(revision=entry.snapshot_revision, engine=entry.snapshot_engine)
    elif entry.submitted:
        source_text = s["source_rescored"]
    else:
        source_text = s["source_live"].format(status=status_text(entry.status, lang))
    model: dict[str, Any] = {
        "kind": "unit",
        "lang": lang,
        "title": f"{s['unit_report']}: {entry.name}",
        "generated_on": iso(today),
        "engine_version": data.engine_version,
        "round": round_info(current, lang),
        "questionnaire": questionnaire_info(q, lang),
        "unit": {
            "code": entry.code, "name": entry.name, "weight": entry.weight, "status": entry.status,
            "status_text": status_text(entry.status, lang), "source": entry.source,
            "source_text": source_text, "snapshot_revision": entry.snapshot_revision,
            "snapshot_engine": entry.snapshot_engine, "submitted_at": iso(entry.submitted_at),
        },
        "level_names": {str(k): v for k, v in sorted(names.items())},
        "max_level": q.max_level,
        "overall": overall,
        "areas": areas,
        "city": {
            "units": len(city_units),
            "note": (s["city_median_too_few"].format(n=min_group_size) if too_few else "") + s["city_median_note"].format(
                n=len(city_units), what=s["what_approved" if current.approved_only else  # docs/sign-off.md
                                         "what_submitted_drafts" if include_drafts_in_median else "what_submitted"]),
            "too_few": s["too_few_units"],
        },
        "missing": _missing_for_next_level(q, result, lang, entry),
        "priorities": priority_rows(q, prios[:top], lang),
        "priorities_total": len(prios),
        "trend": trend,
        "answers": answer_rows(q, entry, lang),
        "scores": result.to_dict(),
    }

    max_level, lv_names = level_scale(q, lang)
    points = from_score_result(q, result, lang)
    charts = [
        ChartSpec("radar", lambda: radar_chart(points, max_level=max_level, lang=lang, level_names=lv_names)),
        ChartSpec("level_bars", lambda: level_bars_chart(points, max_level=max_level, lang=lang, level_names=lv_names)),
    ]
    if follow_ups is not None:
        rounds = (prev.name, current.name)
        charts.append(ChartSpec("trend", lambda: trend_chart(
            trend_from_follow_up(q, follow_ups, rounds, lang), max_level=max_level, lang=lang)))
    return Report("unit", lang, model, tuple(charts), q)
