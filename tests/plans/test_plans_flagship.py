"""A plan on the flagship questionnaire (mcf-cybersakerhet 2024.1), followed up with a
2026.1 response: the effects are checked against the spec's table, computed here from
the questionnaire files themselves (ids, `previous_ids`, `comparable`) and the engine's
scores, including renamed and non-comparable questions."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.plans.plan_samples import ADMIN, PLANNER
from survey_engine.services.demo import UNITS, answers_for
from survey_engine.questionnaire.load import load_questionnaire
from survey_engine.scoring import score_response
from survey_engine.services import plans, questionnaires, responses, rounds, units
from survey_engine.services.units import UnitInput



def expected_effect(qid, q24, r24, q26, r26):
    """docs/planning.md's follow-up table, written out on the questionnaire data."""
    successor = None
    for question in q26.questions():  # file order: the first continuing question wins
        if (question.id == qid and question.comparable) or qid in question.previous_ids:
            successor = question.id
            break
    if successor is None:
        return "not_comparable"
    after = r26.question(successor)
    if not after.included:
        return "not_comparable"
    if after.met:
        return "met"
    before = r24.question(qid)
    if after.credit > before.credit:
        return "improved"
    return "unchanged" if after.credit == before.credit else "worse"


async def _submit(round_id, code, answers):
    state, _ = await responses.start_response(round_id, code, actor=ADMIN, prefill=False)
    state = await responses.save_answers(state.id, state.revision, answers, actor=ADMIN)
    await responses.submit_response(state.id, actor=ADMIN, revision=state.revision)


async def test_flagship_plan_followed_up_across_versions(db, questionnaires_dir):
    folder = questionnaires_dir / "mcf-cybersakerhet"
    q24 = load_questionnaire(folder / "2024.1.yaml")
    q26 = load_questionnaire(folder / "2026.1.yaml")
    for path in (folder / "2024.1.yaml", folder / "2026.1.yaml"):
        await questionnaires.publish_questionnaire(path.read_text(encoding="utf-8"), actor=ADMIN, source=str(path))
    unit = next(u for u in UNITS if u.code == "ASF")
    await units.import_units([UnitInput(unit.code, unit.name, 1.0)], actor=ADMIN)
    a24, _, _ = answers_for(q24, unit, 2024, unit.maturity)
    a26, _, _ = answers_for(q26, unit, 2026, unit.maturity + 0.8)
    r1 = await rounds.create_round("F 2024", "mcf-cybersakerhet", "2024.1", [unit.code], dt.date(2024, 3, 1),
                                   None, actor=ADMIN)
    await rounds.open_round(r1.id, actor=ADMIN)
    await _submit(r1.id, unit.code, a24)
    await rounds.close_round(r1.id, actor=ADMIN)
    r2 = await rounds.create_round("F 2026", "mcf-cybersakerhet", "2026.1", [unit.code], dt.date(2026, 3, 1),
                                   None, actor=ADMIN)
    await rounds.open_round(r2.id, actor=ADMIN)
    await _submit(r2.id, unit.code, a26)

    plan = await plans.create_plan(PLANNER, r1.id, unit.code, start="2024H2", periods=4, capacity=200)
    fu = await plans.follow_up(PLANNER, plan.id)
    s24, s26 = score_response(q24, a24), score_response(q26, a26)
    got = {a["question"]: a["effect"] for a in fu["actions"]}
    want = {qid: expected_effect(qid, q24, s24, q26, s26) for qid in got}
    assert got == want

    renamed = {pid for q in q26.questions() for pid in q.previous_ids}
    changed = {q.id for q in q26.questions() if not q.comparable}
    removed = {q.id for q in q24.questions()} - {q.id for q in q26.questions()} - renamed
    assert got.keys() & renamed, "the plan should hold a question renamed in 2026.1"
    assert got.keys() & changed, "the plan should hold a question marked comparable: false"
    assert all(got[q] == "not_comparable" for q in got.keys() & (changed | removed))
    assert {"met", "not_comparable"} <= set(got.values()) and len(set(got.values())) >= 3

    # each area in both rounds, and the comparable share from the 2026.1 file; an area
    # that 2024.1 does not have (fysisk) has no "before" and nothing comparable
    areas = {a["area"]: a for a in fu["areas"]}
    assert [a.id for a in q26.areas if q24.area(a.id) is None] == ["fysisk"]
    for area in q26.areas:
        scored = [q for q in area.questions if q.scored]
        continuing = [q for q in scored if (q.comparable and q24.question(q.id)) or
                      any(q24.question(p) for p in q.previous_ids)]
        share = sum(q.weight for q in continuing) / sum(q.weight for q in scored)
        assert areas[area.id]["comparable_share"] == pytest.approx(share)
        assert areas[area.id]["level_after"] == s26.area(area.id).level
        before = s24.area(area.id)
        if before is None:
            assert share == 0 and areas[area.id]["percent_before"] is None
        else:
            assert areas[area.id]["percent_before"] == pytest.approx(before.percent)
