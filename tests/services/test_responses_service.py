"""Responses through the services: saving, revisions, history, submit, close, pre-fill."""
import asyncio

import pytest

from survey_engine.questionnaire.load import parse_questionnaire
from survey_engine.scoring import ENGINE_VERSION, score_response
from survey_engine.errors import Conflict, Invalid, Locked, NotFound
from survey_engine.services import questionnaires, responses, rounds
from tests.survey_samples import FULL_2024, V2024, V2026, many_questions, setup_round
from survey_engine.services.policy import Principal, Role
from survey_engine.services.access import system_actor
from survey_engine.services.views import ResponseState

ADMIN = system_actor("tests")


def who(name: str) -> Principal:
    """A trusted administrator named `name` (the service tests are not about permissions)."""
    return Principal(name, Role.ADMIN, via="cli")




async def test_publish_is_idempotent_and_refuses_changed_content(db):
    first, created = await questionnaires.publish_questionnaire(V2024, actor=who("t"))
    assert created and first["hash"] == parse_questionnaire(V2024).hash
    again, created = await questionnaires.publish_questionnaire(V2024 + "\n# a comment\n", actor=who("t"))
    assert not created and again["id"] == first["id"]
    with pytest.raises(Conflict) as exc:
        await questionnaires.publish_questionnaire(V2024.replace("Policy", "Policyn"), actor=who("t"))
    assert "bump the version" in exc.value.message


async def test_publish_invalid_lists_problems(db):
    with pytest.raises(Invalid) as exc:
        await questionnaires.publish_questionnaire("format: 1\nid: X\n", actor=who("t"))
    assert exc.value.errors and all("message" in e for e in exc.value.errors)


async def test_save_history_submit_close(db):
    rnd = await setup_round()
    state, created = await responses.start_response(rnd.id, "a", actor=who("anna"))
    assert created and state.revision == 0 and state.answers == {}
    state = await responses.save_answers(state.id, 0, {"policy": "ja", "antal": 50},
                                         comments={"policy": "finns sedan 2019"}, actor=who("anna"))
    assert state.revision == 1
    assert state.answers["policy"].value == "ja"
    assert state.answers["policy"].comment == "finns sedan 2019"
    state = await responses.save_answers(state.id, 1, {"policy": "delvis", "antal": None}, actor=who("bertil"))
    assert "antal" not in responses.values_of(state)
    history, total = await responses.answer_history(state.id, actor=ADMIN)
    assert total == 4
    assert [(h.question, h.old_value, h.new_value, h.actor) for h in history] == [
        ("policy", None, "ja", "anna"), ("antal", None, 50, "anna"),
        ("policy", "ja", "delvis", "bertil"), ("antal", 50, None, "bertil"),
    ]
    assert all(h.at is not None for h in history)

    with pytest.raises(Invalid) as exc:
        await responses.submit_response(state.id, actor=who("anna"))
    assert set(exc.value.extra["missing"]) == {"ansvar", "risk", "mal", "antal", "typer"}

    state = await responses.save_answers(state.id, 2, FULL_2024, actor=who("anna"))
    state = await responses.submit_response(state.id, actor=who("anna"))
    assert state.status == "submitted" and state.submitted_at is not None
    snap = await responses.latest_snapshot(state.id, actor=ADMIN)
    q = parse_questionnaire(V2024)
    assert snap.scores == score_response(q, FULL_2024).to_dict()
    assert snap.engine_version == ENGINE_VERSION and snap.questionnaire_hash == q.hash

    with pytest.raises(Conflict):
        await responses.save_answers(state.id, state.revision, {"policy": "nej"}, actor=who("anna"))
    state = await responses.reopen_response(state.id, actor=who("admin"))
    assert state.status == "reopened"
    state = await responses.save_answers(state.id, state.revision, {"policy": "nej"}, actor=who("anna"))

    await rounds.close_round(rnd.id, actor=who("admin"))
    with pytest.raises(Locked):
        await responses.save_answers(state.id, state.revision, {"policy": "ja"}, actor=who("anna"))
    with pytest.raises(Locked):
        await responses.reopen_response(state.id, actor=who("admin"))
    final = await responses.get_response(state.id, actor=ADMIN)
    assert final.answers["policy"].value == "nej"


async def test_invalid_values_name_the_questions(db):
    rnd = await setup_round()
    state, _ = await responses.start_response(rnd.id, "a", actor=who("anna"))
    with pytest.raises(Invalid) as exc:
        await responses.save_answers(state.id, 0, {"policy": "kanske", "antal": 500, "okand": "ja"}, actor=who("anna"))
    assert {e["question"] for e in exc.value.errors} == {"policy", "antal", "okand"}
    assert (await responses.get_response(state.id, actor=ADMIN)).revision == 0


async def test_same_revision_twice_one_wins(db):
    rnd = await setup_round()
    state, _ = await responses.start_response(rnd.id, "a", actor=who("anna"))
    results = await asyncio.gather(
        responses.save_answers(state.id, 0, {"policy": "ja"}, actor=who("anna")),
        responses.save_answers(state.id, 0, {"policy": "nej"}, actor=who("bertil")),
        return_exceptions=True,
    )
    ok = [r for r in results if isinstance(r, ResponseState)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(ok) == 1 and len(conflicts) == 1
    current = conflicts[0].extra["current"]
    assert current.revision == 1
    assert current.answers["policy"].value == ok[0].answers["policy"].value


async def test_hundred_concurrent_autosaves_lose_nothing(db):
    """100 autosaves at once: 10 units, each with 10 writers on its own response. A
    writer that meets a 409 reloads the revision and saves again, as the browser does."""
    units = tuple(f"u{n}" for n in range(10))
    rnd = await setup_round(many_questions(10), units=units)
    ids = {u: (await responses.start_response(rnd.id, u, actor=who("anna")))[0].id for u in units}

    async def autosave(unit: str, i: int) -> None:
        revision = 0
        while True:
            try:
                await responses.save_answers(ids[unit], revision, {f"q{i:03d}": i}, actor=who(f"{unit}-user{i}"))
                return
            except Conflict as exc:
                revision = exc.extra["current"].revision

    await asyncio.gather(*(autosave(u, i) for u in units for i in range(10)))
    for unit in units:
        final = await responses.get_response(ids[unit], actor=ADMIN)
        assert final.revision == 10
        assert responses.values_of(final) == {f"q{i:03d}": i for i in range(10)}
        history, total = await responses.answer_history(ids[unit], limit=1000, actor=ADMIN)
        assert total == 10 and sorted(h.revision for h in history) == list(range(1, 11))
        assert {h.actor for h in history} == {f"{unit}-user{i}" for i in range(10)}


async def test_prefill_carries_exactly_the_continued_questions(db):
    old_round = await setup_round(V2024, name="2024")
    old, _ = await responses.start_response(old_round.id, "a", actor=who("anna"))
    await responses.save_answers(old.id, 0, FULL_2024, evidence={"policy": "https://intra/policy"}, actor=who("anna"))
    await rounds.close_round(old_round.id, actor=who("admin"))

    new_round = await setup_round(V2026, name="2026")
    new, created = await responses.start_response(new_round.id, "a", actor=who("bertil"))
    assert created and new.prefilled_from == old.id
    # policy: same id; roller: renamed from ansvar; typer, kommentar: same id.
    # risk: comparable false; mal: "delvis" not in the new scale; antal: 72 > new max 50.
    assert responses.values_of(new) == {"policy": "ja", "roller": "delvis", "typer": ["a", "c"], "kommentar": "bra"}
    assert new.answers["policy"].evidence == "https://intra/policy"
    history, total = await responses.answer_history(new.id, actor=ADMIN)
    assert total == 4 and {h.actor for h in history} == {"prefill"}

    # unit b never answered before: nothing to carry
    other, _ = await responses.start_response(new_round.id, "b", actor=who("bertil"))
    assert other.answers == {} and other.prefilled_from is None
    # without prefill
    await rounds.create_round("x", "liten", "2026.1", ["a"], actor=who("t"))


async def test_unknown_ids_are_not_found(db):
    with pytest.raises(NotFound):
        await responses.get_response(12345, actor=ADMIN)
    with pytest.raises(NotFound):
        await rounds.open_round(999, actor=who("t"))


async def test_prefill_across_a_skipped_version_follows_the_chain(db):
    """A unit that answered 2024.1 and skipped 2025.1 gets its answers carried into
    2026.1 through both continuity steps (policy -> styrdok in 2025.1 -> dokument in 2026.1)."""
    v2025 = (V2024.replace('version: "2024.1"', 'version: "2025.1"\nprevious: "2024.1"')
             .replace("{id: policy,", "{id: styrdok, previous_ids: [policy],"))
    v2026 = (V2024.replace('version: "2024.1"', 'version: "2026.1"\nprevious: "2025.1"')
             .replace("{id: policy,", "{id: dokument, previous_ids: [styrdok],")
             .replace("{id: risk,", "{id: risk, comparable: false,"))
    old_round = await setup_round(V2024, units=("a",), name="2024")
    old, _ = await responses.start_response(old_round.id, "a", actor=who("anna"))
    await responses.save_answers(old.id, 0, FULL_2024, actor=who("anna"))
    await questionnaires.publish_questionnaire(v2025, actor=who("t"))  # published, never used by this unit
    new_round = await setup_round(v2026, units=("a",), name="2026")
    new, _ = await responses.start_response(new_round.id, "a", actor=who("anna"))
    expected = {k: v for k, v in FULL_2024.items() if k not in ("policy", "risk")} | {"dokument": "ja"}
    assert responses.values_of(new) == expected
