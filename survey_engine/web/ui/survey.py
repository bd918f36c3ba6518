"""Pure helpers of the survey pages: question views, reading an area's form, showing
values, and what is missing for the next level. No I/O here (easy to test)."""
from __future__ import annotations

import math
from typing import Any, Mapping

from survey_engine.questionnaire.model import Area, Question, Questionnaire, localized
from survey_engine.reporting.common import answer_for_people
from survey_engine.web.ui.common import form_list, form_text

NONE_OF_THESE = "__none__"  # the "none of these" box of a multi question: answer []


def field(kind: str, question_id: str) -> str:
    """Form field names: a:<id> answer, c:<id> comment, e:<id> evidence."""
    return f"{kind}:{question_id}"


def dom_id(question_id: str) -> str:
    return "q-" + question_id.replace(".", "_")


def text(value: Mapping[str, str] | None, lang: str, q: Questionnaire) -> str:
    return localized(value, lang, q.default_language)


def condition_json(cond: Any) -> Any:
    """A show_if condition as plain JSON for the page's script (same shape as the model)."""
    if cond is None:
        return None
    return cond.model_dump(mode="json")


def options_of(q: Questionnaire, question: Question, lang: str) -> list[dict[str, Any]]:
    if question.type == "choice":
        scale = q.scale_of(question)
        return [
            {"value": o.value, "label": text(o.label, lang, q), "unknown": o.unknown, "na": o.not_applicable}
            for o in (scale.options if scale else [])
        ]
    if question.type == "multi":
        return [{"value": o.value, "label": text(o.label, lang, q)} for o in question.options or []]
    return []


def display_value(q: Questionnaire, question: Question, value: Any, lang: str) -> str:
    """An answer as people read it (labels, not codes): the same words as the printable
    copy and the reports (`reporting.common.answer_for_people`)."""
    return answer_for_people(q, question, value, lang)


def format_number(value: Any, lang: str = "en") -> str:
    """A stored number as typed: no trailing ".0", a decimal comma on Swedish pages
    (`parse_number` reads both; docs/web-pages.md, "Swedish throughout")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text.replace(".", ",") if lang == "sv" else text


def input_value(question: Question, value: Any, lang: str = "en") -> Any:
    """The value as the form control shows it."""
    if value is None:
        return "" if question.type in ("number", "text") else None
    if question.type == "number":
        return format_number(value, lang)
    return value


def parse_number(raw: str) -> float | int | None:
    raw = raw.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not raw:
        return None
    number = float(raw)
    if not math.isfinite(number):
        raise ValueError(raw)
    return int(number) if number.is_integer() else number


def read_area_form(q: Questionnaire, area: Area, form: Any, lang: str) -> tuple[
        dict[str, Any], dict[str, str], dict[str, str], dict[str, Any], dict[str, str]]:
    """The answers, comments and evidence of one area's form.

    Returns (answers, comments, evidence, raw, errors): `answers` has every question of
    the area (None = unanswered, so clearing a choice clears it), `raw` the values as
    typed (to show them again), `errors` the fields that could not be read."""

    answers: dict[str, Any] = {}
    comments: dict[str, str] = {}
    evidence: dict[str, str] = {}
    raw: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in area.questions:
        name = field("a", question.id)
        if question.type == "multi":
            values = form_list(form, name)
            chosen = [v for v in values if v != NONE_OF_THESE]
            known = {o.value for o in question.options or []}
            ordered = [o.value for o in question.options or [] if o.value in chosen]
            if any(v not in known for v in chosen):
                errors[question.id] = ("Okänt alternativ." if lang == "sv" else "Unknown option.")
            answers[question.id] = ordered if chosen else ([] if NONE_OF_THESE in values else None)
            raw[question.id] = answers[question.id]
        elif question.type == "number":
            typed = form_text(form, name)
            raw[question.id] = typed
            try:
                answers[question.id] = parse_number(typed)
            except ValueError:
                errors[question.id] = ("Skriv ett tal, till exempel 42 eller 7,5." if lang == "sv"
                                       else "Write a number, for example 42 or 7.5.")
        elif question.type == "text":
            typed = form_text(form, name)
            raw[question.id] = typed
            answers[question.id] = typed if typed.strip() else None
        else:
            chosen = form_text(form, name)
            raw[question.id] = chosen or None
            answers[question.id] = chosen or None
        comments[question.id] = form_text(form, field("c", question.id)).strip()
        evidence[question.id] = form_text(form, field("e", question.id)).strip()
    return answers, comments, evidence, raw, errors


def area_progress(q: Questionnaire, result: dict[str, Any], values: Mapping[str, Any]) -> dict[str, tuple[int, int]]:
    """area id -> (done, to do) over the visible required questions."""
    out = {a.id: [0, 0] for a in q.areas}
    for item in result["questions"]:
        question = q.question(item["id"])
        if question is None or not question.required or item["status"] == "hidden":
            continue
        out[question.area][1] += 1
        if item["status"] in ("answered", "not_applicable") or (
                item["status"] == "unscored" and values.get(item["id"]) not in (None, "")):
            out[question.area][0] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


def visibility(result: dict[str, Any]) -> dict[str, bool]:
    return {item["id"]: item["status"] != "hidden" for item in result["questions"]}


def provided_view(info: Mapping[str, Any], q: Questionnaire, lang: str) -> dict[str, dict[str, Any]]:
    """question id -> what the survey page shows about a provided question, from
    services.provided.provided_for_response (docs/shared-answers.md)."""
    out = {}
    for qid, p in info["questions"].items():
        question = q.question(qid)
        if question is None:
            continue
        out[qid] = {**p, "shown": display_value(q, question, p["provider_value"], lang),
                    "answered": p["provider_value"] is not None, "options": options_of(q, question, lang),
                    "dom": dom_id(qid), "typed": None}
    return out


def provided_locked(view: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """The provided questions the unit has not overridden: the area form leaves them out."""
    return {qid for qid, p in view.items() if p["source"] == "provided"}


def next_level_gaps(q: Questionnaire, result: dict[str, Any], lang: str) -> dict[str, list[dict[str, Any]]]:
    """Per area: the questions at its level + 1 that are not met (the area's next level
    needs every one of them), with their guidance."""
    areas = {a["id"]: a for a in result["areas"]}
    out: dict[str, list[dict[str, Any]]] = {}
    for item in result["questions"]:
        area = areas.get(item["area"])
        if area is None or not area["assessed"] or not item["included"] or item["met"]:
            continue
        question = q.question(item["id"])
        if question is None or question.level != (area["level"] or 0) + 1:
            continue
        out.setdefault(item["area"], []).append({
            "id": question.id,
            "text": text(question.text, lang, q),
            "guidance": text(question.guidance, lang, q) if question.guidance else "",
            "status": item["status"],
            "credit": item["credit"],
        })
    return out
