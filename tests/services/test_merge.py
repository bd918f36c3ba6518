"""Per-question merge (issue 15): a save conflicts only on its own questions that someone
else changed after the revision it names; two people saving different questions of one
response both succeed."""
import asyncio

import pytest

from survey_engine.errors import Conflict
from survey_engine.services import responses
from survey_engine.services.policy import Principal, Role
from survey_engine.services.access import system_actor
from survey_engine.services.views import ResponseState
from tests.survey_samples import many_questions, setup_round

pytestmark = pytest.mark.db
ADMIN = system_actor("tests")


def who(name: str) -> Principal:
    return Principal(name, Role.ADMIN, via="cli")


async def _response():
    rnd = await setup_round(many_questions(6), units=("a",))
    state, _ = await responses.start_response(rnd.id, "a", actor=who("anna"))
    return state.id


async def test_two_clients_different_questions_at_once_both_stored(db):
    rid = await _response()
    first, second = await asyncio.gather(
        responses.save_answers(rid, 0, {"q000": 1}, comments={"q000": "Annas"}, actor=who("anna")),
        responses.save_answers(rid, 0, {"q001": 2}, actor=who("bertil")),
    )
    assert {first.revision, second.revision} == {1, 2}
    final = await responses.get_response(rid, actor=ADMIN)
    assert responses.values_of(final) == {"q000": 1, "q001": 2}
    assert final.answers["q000"].updated_by == "anna" and final.answers["q001"].updated_by == "bertil"
    assert final.answers["q000"].comment == "Annas"
    # the later reply already holds both (built from what was read and written)
    later = first if first.revision == 2 else second
    assert responses.values_of(later) == {"q000": 1, "q001": 2}


async def test_same_question_from_two_clients_exactly_one_409(db):
    rid = await _response()
    results = await asyncio.gather(
        responses.save_answers(rid, 0, {"q002": 5}, actor=who("anna")),
        responses.save_answers(rid, 0, {"q002": 7}, actor=who("bertil")),
        return_exceptions=True,
    )
    ok = [r for r in results if isinstance(r, ResponseState)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(ok) == 1 and len(conflicts) == 1
    [item] = conflicts[0].extra["conflicts"]
    winner = ok[0].answers["q002"]
    assert item["question"] == "q002" and item["value"] == winner.value
    assert item["updated_by"] == winner.updated_by and item["updated_at"] == winner.updated_at
    assert item["changed_in"] == 1
    final = await responses.get_response(rid, actor=ADMIN)
    assert final.revision == 1 and responses.values_of(final) == {"q002": winner.value}


async def test_409_lists_exactly_the_changed_questions_and_stores_nothing(db):
    rid = await _response()
    await responses.save_answers(rid, 0, {"q000": 1, "q001": 1}, actor=who("anna"))
    with pytest.raises(Conflict) as exc:
        # based on revision 0: q001 changed since (conflict), q003 did not (fine alone)
        await responses.save_answers(rid, 0, {"q001": 9, "q003": 3}, actor=who("bertil"))
    assert [c["question"] for c in exc.value.extra["conflicts"]] == ["q001"]
    assert exc.value.extra["conflicts"][0]["updated_by"] == "anna"
    assert [e["question"] for e in exc.value.errors] == ["q001"]
    final = await responses.get_response(rid, actor=ADMIN)
    assert final.revision == 1 and responses.values_of(final) == {"q000": 1, "q001": 1}
    # the same save based on the revision it was shown succeeds
    state = await responses.save_answers(rid, exc.value.extra["current"].revision, {"q001": 9, "q003": 3},
                                         actor=who("bertil"))
    assert responses.values_of(state) == {"q000": 1, "q001": 9, "q003": 3}
    assert state.answers["q001"].revision == 2 and state.answers["q000"].revision == 1


async def test_untouched_and_equal_values_do_not_conflict(db):
    """A page sends its whole area: a question it shows as it was (not touched by its
    user) keeps the newer value; sending the value now stored is no conflict either."""
    rid = await _response()
    await responses.save_answers(rid, 0, {"q000": 4}, actor=who("anna"))
    state = await responses.save_answers(rid, 0, {"q000": None, "q004": 8}, actor=who("bertil"))
    assert responses.values_of(state) == {"q000": 4, "q004": 8}
    assert state.answers["q000"].updated_by == "anna"
    state = await responses.save_answers(rid, 0, {"q000": 4}, actor=who("cecilia"))
    assert state.answers["q000"].updated_by == "anna"
    history, total = await responses.answer_history(rid, limit=100, actor=ADMIN)
    assert total == 2 and [h.question for h in history] == ["q000", "q004"]


async def test_a_revision_the_response_never_had_is_refused(db):
    rid = await _response()
    with pytest.raises(Conflict) as exc:
        await responses.save_answers(rid, 5, {"q000": 1}, actor=who("anna"))
    assert exc.value.extra["current"].revision == 0
