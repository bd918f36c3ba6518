"""Plan reports as use cases: load a plan, its follow-up or a round's summary through
the plan service (which checks the actor's permissions), then render it with
`reporting.plans` (pure)."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any, Iterable, Mapping, Sequence

from survey_engine.errors import Invalid
from survey_engine.questionnaire.model import Questionnaire
from survey_engine.reporting.plans import (
    FOLLOW_UP_FORMATS,
    MEDIA_TYPES,
    PLAN_FORMATS,
    questionnaires_of,
    summary_plans,
    render_follow_up_html,
    render_follow_up_xlsx,
    render_plan_pdf,
    render_plan_xlsx,
    render_summary_html,
    render_summary_xlsx,
)
from survey_engine.reporting.text import check_lang
from survey_engine.services import audit, plans
from survey_engine.services.access import system_actor
from survey_engine.services.questionnaires import get_questionnaire
from survey_engine.text import Text


def _check_format(fmt: str, allowed: Sequence[str]) -> None:
    if fmt not in allowed:
        raise Invalid(Text(f"Okänt format {fmt!r}; välj {', '.join(allowed)}", f"unknown format {fmt!r}: use " f"{', '.join(allowed)}"), [{"field": "format", "message": " | ".join(allowed)}])


def _check_lang(lang: str) -> None:
    try:
        check_lang(lang)
    except ValueError:
        raise Invalid(Text(f"Okänt språk {lang!r}; välj sv eller en", f"unknown language {lang!r}: use sv or en"),
                      [{"field": "lang", "message": "sv | en"}]) from None


async def _questionnaires(items: Iterable[Mapping[str, Any]]) -> dict[str, Questionnaire]:
    out: dict[str, Questionnaire] = {}
    for fu in items:
        for side in ("before", "after"):
            ref = fu.get(side) and fu[side]["questionnaire"]
            if ref:
                key = f"{ref['id']}@{ref['version']}"
                if key not in out:
                    out[key] = (await get_questionnaire(ref["id"], ref["version"]))[1]
    return out


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)[:40] or "city"


async def plan_report(actor, plan_id: int, fmt: str = "pdf", lang: str = "sv") -> tuple[bytes, str, str]:
    """(content, media type, file name) of a plan as PDF or XLSX."""
    _check_format(fmt, PLAN_FORMATS)
    _check_lang(lang)
    plan = await plans.get_plan(actor, plan_id)
    q = (await get_questionnaire(plan.questionnaire.id, plan.questionnaire.version))[1]
    model = asdict(plan)  # reporting renders plain values (it sits below services)
    content = render_plan_pdf(model, q, lang) if fmt == "pdf" else render_plan_xlsx(model, q, lang)
    await audit.record(actor if actor is not None else system_actor(), "report.plan", "plan", plan_id,
                       details={"format": fmt})
    return content, MEDIA_TYPES[fmt], f"plan-{plan_id}-{_slug(plan.unit or 'stad')}.{fmt}"


async def follow_up_report(actor, plan_id: int, fmt: str = "html", lang: str = "sv",
                           later_round_id: int | None = None) -> tuple[bytes, str, str]:
    """(content, media type, file name) of one plan's follow-up as HTML or XLSX."""
    _check_format(fmt, FOLLOW_UP_FORMATS)
    _check_lang(lang)
    fu = await plans.follow_up(actor, plan_id, later_round_id)
    qs = await _questionnaires([fu])
    if fmt == "html":
        content = render_follow_up_html(fu, qs, lang).encode("utf-8")
    else:
        q1, q2 = questionnaires_of(fu, qs)
        content = render_follow_up_xlsx(fu, q1, q2, lang)
    return content, MEDIA_TYPES[fmt], f"uppfoljning-plan-{plan_id}.{fmt}"


async def summary_report(actor, round_id: int, fmt: str = "html", lang: str = "sv",
                         later_round_id: int | None = None) -> tuple[bytes, str, str]:
    """(content, media type, file name) of the follow-up of every plan made from the
    round, per förvaltning and in total, as HTML or XLSX."""
    _check_format(fmt, FOLLOW_UP_FORMATS)
    _check_lang(lang)
    summary = await plans.follow_up_summary(actor, round_id, later_round_id)
    qs = await _questionnaires(summary_plans(summary))
    if fmt == "html":
        content = render_summary_html(summary, qs, lang).encode("utf-8")
    else:
        content = render_summary_xlsx(summary, qs, lang)
    return content, MEDIA_TYPES[fmt], f"uppfoljning-omgang-{round_id}.{fmt}"
