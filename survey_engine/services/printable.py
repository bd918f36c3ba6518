"""A printable copy of one response (docs/web-pages.md, "Printable answers"): every
question of every area in questionnaire order, with the answer as people read it, the
comment and the evidence; a question hidden by its condition is marked so. The page
`/svar/{id}/utskrift`, the API (`GET /api/v1/responses/{id}/printable`) and the command
line (`survey-engine answers print`) all read it here. A question another unit answers
for this one (docs/shared-answers.md) names that unit ("Besvaras av …"), or says that
the unit answers it itself instead, with the reason, as the page does.

Permission: read rights on the response's unit (`responses.get_response` checks them:
a respondent sees only their own units)."""
from __future__ import annotations

from typing import Any

from survey_engine.errors import Invalid
from survey_engine.questionnaire.model import localized
from survey_engine.reporting.common import answer_for_people
from survey_engine.scoring import score_response
from survey_engine.services import provided, responses
from survey_engine.services.access import Action, Principal, check_unit
from survey_engine.services.questionnaires import questionnaire_by_id
from survey_engine.services.rounds import get_round
from survey_engine.text import UNANSWERED, Text


async def printable_answers(response_id: int, *, actor: Principal, lang: str = "sv") -> dict[str, Any]:
    """The copy as plain data: {response, round, questionnaire, areas: [{id, title,
    questions: [{id, text, answered, answer, visible, comment, evidence, provided}]}]};
    `provided` is None for the unit's own question, else {source: "provided" | "override",
    provider, provider_name, reason (of an override, else None)}."""
    if lang not in ("sv", "en"):
        raise Invalid(Text(f"Okänt språk {lang!r}", f"unknown language {lang!r}"),
                      [{"field": "lang", "message": "sv|en"}])
    state = await responses.get_response(response_id, actor=actor)
    check_unit(actor, Action.RESPONSE_READ, state.unit)
    rnd = await get_round(state.round_id)
    q = await questionnaire_by_id(rnd.questionnaire_version_id)
    values = responses.values_of(state)
    shared = (await provided.provided_for_response(response_id, actor=actor))["questions"]
    hidden = {item["id"] for item in score_response(q, values).to_dict()["questions"] if item["status"] == "hidden"}
    areas = []
    for area in q.areas:
        rows = []
        for question in area.questions:
            saved = state.answers.get(question.id)
            value = values.get(question.id)
            rows.append({"id": question.id, "text": localized(question.text, lang, q.default_language),
                         "answered": value is not None, "answer": answer_for_people(q, question, value, lang),
                         "visible": question.id not in hidden,
                         "comment": saved.comment if saved else "", "evidence": saved.evidence if saved else "",
                         "provided": _source(shared.get(question.id))})
        areas.append({"id": area.id, "title": localized(area.title, lang, q.default_language), "questions": rows})
    return {
        "response": {"id": state.id, "unit": state.unit, "unit_name": state.unit_name or state.unit,
                     "status": state.status, "revision": state.revision},
        "round": {"id": rnd.id, "name": rnd.name, "status": rnd.status},
        "questionnaire": {"id": q.id, "version": q.version, "title": localized(q.title, lang, q.default_language)},
        "lang": lang,
        "areas": areas,
    }


def _source(info: dict[str, Any] | None) -> dict[str, Any] | None:
    """Where a provided question's answer comes from, for the copy."""
    if info is None:
        return None
    return {"source": info["source"], "provider": info["provider"], "provider_name": info["provider_name"],
            "reason": info["reason"]}


_STATUS = {"submitted": ("Inskickad", "Submitted"), "draft": ("Utkast", "Draft"),
           "reopened": ("Öppnad igen", "Reopened")}


def as_text(copy: dict[str, Any]) -> str:
    """The copy as plain text (the command line's default): headings, and per question
    its text, the answer, the comment and the evidence."""
    sv = copy["lang"] != "en"

    def T(s: str, e: str) -> str:  # noqa: N802 - as in the templates
        return s if sv else e

    r = copy["response"]
    status = _STATUS.get(r["status"], (r["status"], r["status"]))[0 if sv else 1]
    lines = [f"{T('Svaren', 'The answers')}: {copy['questionnaire']['title']}",
             f"{copy['round']['name']} · {r['unit_name']} · {status}", ""]
    for area in copy["areas"]:
        lines += [area["title"], "=" * len(area["title"])]
        for row in area["questions"]:
            if not row["visible"]:
                answer = T("Visas inte (villkoret är inte uppfyllt)", "Not shown (its condition is not met)")
            else:
                answer = row["answer"] if row["answered"] else UNANSWERED.get(copy["lang"])
            lines += [f"- {row['text']}", f"  {T('Svar', 'Answer')}: {answer}"]
            source = row.get("provided")
            if source and source["source"] == "override":
                whose = source["provider_name"] + T("s", "'s")
                lines.append(f"  {T('Eget svar i stället för', 'Own answer instead of')} {whose}. "
                             f"{T('Skäl', 'Reason')}: {source['reason']}")
            elif source:
                lines.append(f"  {T('Besvaras av', 'Answered by')} {source['provider_name']}")
            if row["comment"]:
                lines.append(f"  {T('Kommentar', 'Comment')}: {row['comment']}")
            if row["evidence"]:
                lines.append(f"  {T('Underlag', 'Evidence')}: {row['evidence']}")
        lines.append("")
    return "\n".join(lines)
