"""Plans through the services: generate, edit with revisions, audit, follow-up across
a rename, a `comparable: false` and a removed question, the city roll-up, permissions."""
from __future__ import annotations

import asyncio

import pytest

from survey_engine.services import audit
from survey_engine.errors import PermissionDenied
from survey_engine.planning import make_plan, priorities
from survey_engine.questionnaire.load import parse_questionnaire
from survey_engine.scoring import rollup, score_response
from survey_engine.errors import Conflict, Invalid, NotFound
from survey_engine.services import plans

from tests.plans.plan_samples import (
    ADMIN, ANALYST, ANSWERS_2024, ANSWERS_B_2024, ANSWERS_C_2024, AUDITOR, EXPECTED_EFFECTS, PLANNER, PLANNER2,
    RESPONDENT_A, V2024, setup_rounds,
)



def _by_question(plan):
    return {a.question: a for a in plan.actions}


async def test_generated_plan_matches_the_engine(db):
    ids = await setup_rounds()
    plan = await plans.create_plan(PLANNER, ids["r24"], "A", start="2024H2", periods=4, capacity=5)
    q = parse_questionnaire(V2024)
    expected = make_plan(q, priorities(q, score_response(q, ANSWERS_2024)), "2024H2", 4, 5)
    assert [p.period for p in plan.periods] == ["2024H2", "2025H1", "2025H2", "2026H1"]
    got = {p.period: [a.question for a in plan.actions if a.period == p.period]
           for p in plan.periods}
    assert got == {p.period: list(p.actions) for p in expected.periods}
    assert [a.question for a in plan.actions if a.period is None] == list(expected.backlog)
    assert [p.effort for p in plan.periods] == [p.effort for p in expected.periods]
    prios = {p.question: p for p in expected.priorities}
    for a in plan.actions:
        p = prios[a.question]
        assert (a.area, a.level, a.priority, a.kind, a.credit) == (
            p.area, p.level, p.priority, p.kind, p.credit)
        assert a.status == "planned" and a.owner == "" and a.due_date is None
    assert plan.revision == 0 and plan.scope == "unit" and plan.unit == "A"
    assert plan.created_by == "pia.planner"
    events = await audit.list_events(audit.AuditFilter(action="plan."))
    assert [(e.action, e.object_id, e.unit) for e in events] == [("plan.create", str(plan.id), "A")]


async def test_plan_needs_a_submitted_response_and_valid_inputs(db):
    ids = await setup_rounds()
    with pytest.raises(Invalid) as exc:
        await plans.create_plan(PLANNER, ids["r26"], "C", start="2026H2")
    assert "inskickat" in exc.value.message
    with pytest.raises(Invalid) as exc:
        await plans.create_plan(PLANNER, ids["r24"], "A", start="2026H3", periods=0, capacity=-1)
    assert {e["field"] for e in exc.value.errors} == {"start", "periods", "capacity"}
    with pytest.raises(NotFound):
        await plans.create_plan(PLANNER, ids["r24"], "X", start="2026H2")
    with pytest.raises(Invalid):
        await plans.create_plan(PLANNER, ids["r24"], None, start="2026H2", method="median")


async def test_city_plan_is_made_from_the_weighted_rollup(db):
    ids = await setup_rounds()
    plan = await plans.create_plan(PLANNER, ids["r24"], None, start="2024H2", periods=4, capacity=6)
    q = parse_questionnaire(V2024)
    results = [score_response(q, a) for a in (ANSWERS_2024, ANSWERS_B_2024, ANSWERS_C_2024)]
    city = rollup(q, results, method="weakest", weights=[3.0, 5.0, 2.0])
    expected = make_plan(q, priorities(q, city), "2024H2", 4, 6)
    assert plan.scope == "city" and plan.unit is None and plan.method == "weakest"
    assert {a.question: a.period for a in plan.actions} == {
        **{qid: p.period for p in expected.periods for qid in p.actions}, **{qid: None for qid in expected.backlog}}
    mean = await plans.create_plan(PLANNER, ids["r24"], None, start="2024H2", method="mean")
    city_mean = rollup(q, results, method="mean", weights=[3.0, 5.0, 2.0])
    assert {a.question: a.priority for a in mean.actions} == {
        p.question: p.priority for p in priorities(q, city_mean)}


async def test_edits_need_the_current_revision_and_are_audited(db):
    ids = await setup_rounds()
    plan = await plans.create_plan(PLANNER, ids["r24"], "A", start="2024H2", periods=4, capacity=5)
    action = _by_question(plan)["s-risk"]
    plan = await plans.update_action(PLANNER, plan.id, action.id, 0, {
        "period": "2026H1", "owner": "IT-chefen", "status": "in_progress", "due_date": "2026-06-30",
        "note": "Upphandling pågår"})
    moved = _by_question(plan)["s-risk"]
    assert (moved.period, moved.owner, moved.status, moved.due_date, moved.note) == (
        "2026H1", "IT-chefen", "in_progress", "2026-06-30", "Upphandling pågår")
    assert plan.revision == 1 and plan.updated_by == "pia.planner"

    # A second planner with the old revision is refused with the current plan.
    with pytest.raises(Conflict) as exc:
        await plans.update_action(PLANNER2, plan.id, action.id, 0, {"owner": "Someone else"})
    assert exc.value.status_code == 409
    assert exc.value.extra["current"].revision == 1
    assert _by_question(exc.value.extra["current"])["s-risk"].owner == "IT-chefen"

    plan = await plans.add_action(PLANNER2, plan.id, 1, {"title": "Utbilda cheferna", "area": "styr",
                                                             "level": 1, "period": "2025H1", "owner": "HR"})
    own = [a for a in plan.actions if a.question is None]
    assert len(own) == 1 and own[0].kind == "own" and own[0].title == "Utbilda cheferna"
    plan = await plans.update_action(PLANNER2, plan.id, own[0].id, 2, {"status": "dropped", "period": None})
    assert [a for a in plan.actions if a.question is None][0].status == "dropped"
    plan = await plans.update_plan(PLANNER, plan.id, 3, title="Ny rubrik", periods=5)
    assert plan.title == "Ny rubrik" and len(plan.periods) == 5 and plan.revision == 4

    events = await audit.list_events(audit.AuditFilter(action="plan."), limit=50)
    actions = [e.action for e in reversed(events)]
    assert actions == ["plan.create", "plan.action.update", "plan.action.add", "plan.action.update", "plan.update"]
    first_update = [e for e in events if e.action == "plan.action.update"][-1]
    assert first_update.actor == "pia.planner" and first_update.unit == "A"
    assert first_update.details["changes"]["period"][1] == "2026H1"
    assert first_update.details["changes"]["owner"] == ["", "IT-chefen"]


async def test_bad_edits_name_the_field(db):
    ids = await setup_rounds()
    plan = await plans.create_plan(PLANNER, ids["r24"], "A", start="2024H2")
    a = plan.actions[0]
    with pytest.raises(Invalid) as exc:
        await plans.update_action(PLANNER, plan.id, a.id, 0, {
            "period": "2030H1", "status": "finished", "due_date": "31/12", "area": "drift", "colour": "red"})
    assert {e["field"] for e in exc.value.errors} == {"period", "status", "due_date", "area", "colour"}
    with pytest.raises(Invalid):
        await plans.update_action(PLANNER, plan.id, a.id, None, {"owner": "x"})
    with pytest.raises(Invalid):
        await plans.add_action(PLANNER, plan.id, 0, {"title": ""})
    with pytest.raises(Conflict):
        await plans.add_action(PLANNER, plan.id, 0, {}, question="s-policy")
    with pytest.raises(NotFound):
        await plans.update_action(PLANNER, plan.id, 999999, 0, {"owner": "x"})
    # nothing of the refused edits landed
    again = await plans.get_plan(PLANNER, plan.id)
    assert again.revision == 0 and again.actions == plan.actions


async def test_concurrent_edits_lose_nothing(db):
    """Ten planners change ten different actions at once, all from revision 0: one
    wins, every other gets 409 with the current plan; each retries from that state
    until it lands. In the end every change is there."""
    ids = await setup_rounds()
    plan = await plans.create_plan(PLANNER, ids["r24"], None, start="2024H2", periods=4, capacity=20)
    targets = plan.actions[:8]
    assert len(targets) == 8

    conflicts = 0

    async def edit(i, action):
        nonlocal conflicts
        revision = 0
        for _ in range(50):
            try:
                return await plans.update_action(PLANNER if i % 2 else PLANNER2, plan.id, action.id,
                                                 revision, {"owner": f"ägare {i}"})
            except Conflict as exc:
                conflicts += 1
                revision = exc.extra["current"].revision
        raise AssertionError("never landed")

    await asyncio.gather(*(edit(i, a) for i, a in enumerate(targets)))
    final = await plans.get_plan(ADMIN, plan.id)
    owners = {a.id: a.owner for a in final.actions}
    assert all(owners[a.id] == f"ägare {i}" for i, a in enumerate(targets))
    assert final.revision == 8
    assert conflicts >= 1  # they really did collide


async def test_follow_up_across_versions(db):
    ids = await setup_rounds()
    plan = await plans.create_plan(PLANNER, ids["r24"], "A", start="2024H2", periods=4, capacity=20)
    by_q = _by_question(plan)
    assert set(by_q) == set(EXPECTED_EFFECTS)
    statuses = {"s-policy": "done", "s-ansvar": "done", "d-logg": "done", "s-risk": "in_progress",
                "d-ovning": "dropped"}
    revision = 0
    for qid, status in statuses.items():
        revision = (await plans.update_action(PLANNER, plan.id, by_q[qid].id, revision,
                                              {"status": status})).revision
    fu = await plans.follow_up(RESPONDENT_A, plan.id)
    assert fu["after"]["round_id"] == ids["r26"] and fu["before"]["round_id"] == ids["r24"]
    effects = {a["question"]: a["effect"] for a in fu["actions"]}
    assert effects == EXPECTED_EFFECTS
    flagged = {a["question"] for a in fu["actions"] if a["flagged"]}
    assert flagged == {"s-ansvar", "d-logg"}  # done, but unchanged / worse; s-policy is met
    successor = {a["question"]: a["successor"] for a in fu["actions"]}
    assert successor["s-mal"] == "s-malen" and successor["s-gammal"] is None and successor["d-backup"] is None
    areas = {a["area"]: a for a in fu["areas"]}
    assert areas["styr"]["comparable_share"] == pytest.approx(4 / 5)
    assert areas["drift"]["comparable_share"] == pytest.approx(2 / 3)
    assert areas["styr"]["level_before"] == 0 and areas["styr"]["level_after"] == 0
    assert areas["styr"]["percent_before"] == pytest.approx(100 * 1.0 / 5)
    assert areas["styr"]["percent_after"] == pytest.approx(100 * 2.0 / 5)
    counts = fu["counts"]
    assert counts["status"] == {"planned": 3, "in_progress": 1, "done": 3, "dropped": 1}
    assert counts["flagged"] == 2 and counts["effect"]["not_comparable"] == 2
    assert counts["matrix"]["done"]["met"] == 1


async def test_follow_up_without_a_later_response_and_an_own_action(db):
    ids = await setup_rounds()
    plan = await plans.create_plan(PLANNER, ids["r24"], "C", start="2024H2")
    plan = await plans.add_action(PLANNER, plan.id, 0, {"title": "Egen", "status": "done"})
    fu = await plans.follow_up(ANALYST, plan.id)
    assert fu["after"] is None
    assert all(a["effect"] is None and not a["flagged"] for a in fu["actions"])
    assert fu["counts"]["effect"]["not_measured"] == len(plan.actions)
    with pytest.raises(Invalid):
        await plans.follow_up(ANALYST, plan.id, later_round_id=ids["r24"])


async def test_city_follow_up_and_summary(db):
    ids = await setup_rounds()
    city = await plans.create_plan(PLANNER, ids["r24"], None, start="2024H2", capacity=20)
    a = await plans.create_plan(PLANNER, ids["r24"], "A", start="2024H2", capacity=20)
    b = await plans.create_plan(PLANNER, ids["r24"], "B", start="2024H2", capacity=20)
    c = await plans.create_plan(PLANNER, ids["r24"], "C", start="2024H2", capacity=20)
    b_action = b.actions[0]
    await plans.update_action(PLANNER, b.id, b_action.id, 0, {"status": "done"})
    summary = await plans.follow_up_summary(AUDITOR, ids["r24"])
    assert [u["plan"]["unit"] for u in summary["units"]] == ["A", "B", "C"]
    assert summary["city"]["plan"]["id"] == city.id
    # the city plan is followed up with the roll-up of 2026's submitted responses (A and B)
    assert summary["city"]["after"]["units"] == ["A", "B"]
    assert summary["total"]["actions"] == len(a.actions) + len(b.actions) + len(c.actions)
    assert summary["total"]["status"]["done"] == 1
    effects_a = {x["question"]: x["effect"] for x in summary["units"][0]["actions"]}
    assert effects_a == EXPECTED_EFFECTS
    assert summary["units"][2]["after"] is None  # C has not submitted in 2026
    # a respondent sees only their own unit's plan, not the city's
    own = await plans.follow_up_summary(RESPONDENT_A, ids["r24"])
    assert [u["plan"]["unit"] for u in own["units"]] == ["A"] and own["city"] is None


async def test_permissions(db):
    ids = await setup_rounds()
    plan = await plans.create_plan(PLANNER, ids["r24"], "B", start="2024H2")
    city = await plans.create_plan(ADMIN, ids["r24"], None, start="2024H2")
    for reader in (ANALYST, AUDITOR, PLANNER, ADMIN):
        assert (await plans.get_plan(reader, plan.id)).id == plan.id
    with pytest.raises(PermissionDenied):
        await plans.get_plan(RESPONDENT_A, plan.id)
    with pytest.raises(PermissionDenied):
        await plans.get_plan(RESPONDENT_A, city.id)
    for writer in (ANALYST, AUDITOR, RESPONDENT_A):
        with pytest.raises(PermissionDenied):
            await plans.update_action(writer, plan.id, plan.actions[0].id, 0, {"owner": "x"})
        with pytest.raises(PermissionDenied):
            await plans.create_plan(writer, ids["r24"], "A", start="2024H2")
    mine = await plans.create_plan(PLANNER, ids["r24"], "A", start="2024H2")
    assert [p.id for p in await plans.list_plans(RESPONDENT_A)] == [mine.id]
    assert len(await plans.list_plans(AUDITOR)) == 3
    assert [p.id for p in await plans.list_plans(ANALYST, scope="city")] == [city.id]


async def test_batch_update_is_all_or_nothing(db):
    ids = await setup_rounds()
    plan = await plans.create_plan(PLANNER, ids["r24"], "A", start="2024H2", capacity=20)
    first, second = plan.actions[0], plan.actions[1]
    with pytest.raises(Invalid) as exc:
        await plans.update_actions(PLANNER, plan.id, 0, {first.id: {"owner": "Ok"},
                                                            second.id: {"status": "klar"}})
    assert exc.value.errors[0]["field"] == f"{second.id}.status"
    assert (await plans.get_plan(PLANNER, plan.id)).revision == 0
    plan = await plans.update_actions(PLANNER, plan.id, 0, {first.id: {"owner": "Ok"},
                                                               second.id: {"status": "done"}})
    by_id = {a.id: a for a in plan.actions}
    assert plan.revision == 1 and by_id[first.id].owner == "Ok" and by_id[second.id].status == "done"
    events = await audit.list_events(audit.AuditFilter(action="plan.action.update"))
    assert sorted(e.details["action_id"] for e in events) == sorted([first.id, second.id])
