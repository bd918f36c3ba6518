"""docs/scoring.md's worked example, and the per-question table, as tests."""
from __future__ import annotations

import pytest

from survey_engine.scoring import ENGINE_VERSION, score_response
from survey_engine.scoring.reference import reference_score
from survey_engine.scoring.synthetic import make_questionnaire


@pytest.fixture(scope="module")
def example():
    return make_questionnaire(
        [{"id": "a", "weight": 1, "target_level": 3, "questions": [
            {"id": "a1", "level": 1, "weight": 1},
            {"id": "a2", "level": 1, "weight": 2},
            {"id": "a3", "level": 2, "weight": 1},
            {"id": "a4", "level": 3, "weight": 1},
        ]}],
        levels=3,
    )


@pytest.mark.parametrize("scorer", [score_response, reference_score])
def test_worked_example_partly(example, scorer):
    r = scorer(example, {"a1": "ja", "a2": "ja", "a3": "delvis", "a4": "ja"})
    a = r.area("a")
    assert a.assessed is True
    assert a.percent == pytest.approx(90.0)
    assert a.level == 1
    assert a.gap == 2
    assert a.next_level_progress == 0.0
    assert a.target_level == 3
    assert r.question("a3").met is False and r.question("a3").credit == 0.5
    assert r.overall.level == 1 and r.overall.percent == pytest.approx(90.0)
    assert r.overall.completeness == 1.0 and r.overall.unknown_count == 0


@pytest.mark.parametrize("scorer", [score_response, reference_score])
def test_worked_example_not_applicable(example, scorer):
    r = scorer(example, {"a1": "ja", "a2": "ja", "a3": "na", "a4": "ja"})
    a = r.area("a")
    assert a.percent == 100.0
    assert a.level == 3 and a.gap == 0 and a.next_level_progress is None
    q3 = r.question("a3")
    assert (q3.status, q3.included, q3.credit, q3.met) == ("not_applicable", False, None, None)


def test_engine_version_is_a_string():
    assert isinstance(ENGINE_VERSION, str) and ENGINE_VERSION


def test_to_dict_shape(example):
    d = score_response(example, {"a1": "ja", "a2": "vet-ej"}).to_dict()
    assert list(d) == ["questionnaire", "overall", "areas", "questions"]
    assert d["questionnaire"] == {"id": "test", "version": "2026.1", "hash": example.hash}
    assert d["overall"] == {"level": 0, "percent": 100.0 * 1 / 5, "completeness": 0.5, "unknown_count": 1}
    assert d["areas"] == [{"id": "a", "assessed": True, "level": 0, "percent": 20.0, "target_level": 3,
                           "gap": 3, "next_level_progress": 1 / 3}]
    assert d["questions"][0] == {"id": "a1", "area": "a", "status": "answered", "included": True,
                                 "credit": 1.0, "met": True, "unknown": False}
    assert d["questions"][1] == {"id": "a2", "area": "a", "status": "answered", "included": True,
                                 "credit": 0.0, "met": False, "unknown": True}
    assert d["questions"][2] == {"id": "a3", "area": "a", "status": "missing", "included": True,
                                 "credit": 0.0, "met": False, "unknown": False}


def test_question_table():
    """Every row of docs/scoring.md's per-question table."""
    q = make_questionnaire([{"id": "x", "questions": [
        {"id": "gate", "level": 1},
        {"id": "note", "type": "text", "required": True},
        {"id": "hid", "level": 1, "show_if": {"kind": "in", "question": "gate", "values": ["nej"]}},
        {"id": "opt", "level": 2, "required": False},
        {"id": "req", "level": 2},
        {"id": "multi", "type": "multi", "level": 2, "options": [
            {"value": "a", "label": {"sv": "a", "en": "a"}, "weight": 1},
            {"value": "b", "label": {"sv": "b", "en": "b"}, "weight": 3}]},
        {"id": "num", "type": "number", "level": 3, "min": 0, "max": 100,
         "bands": [{"min": 90, "credit": 1.0}, {"min": 50, "credit": 0.5}, {"min": 0, "credit": 0.0}]},
        {"id": "empty", "type": "multi", "level": 3, "options": [
            {"value": "a", "label": {"sv": "a", "en": "a"}}, {"value": "b", "label": {"sv": "b", "en": "b"}}]},
    ]}])
    r = score_response(q, {"gate": "ja", "note": "text", "hid": "ja", "multi": ["b"], "num": 50, "empty": []})
    rows = {x.id: (x.status, x.included, x.credit, x.met) for x in r.questions}
    assert rows == {
        "gate": ("answered", True, 1.0, True),
        "note": ("unscored", False, None, None),
        "hid": ("hidden", False, None, None),
        "opt": ("missing", False, None, None),
        "req": ("missing", True, 0.0, False),
        "multi": ("answered", True, 0.75, False),
        "num": ("answered", True, 0.5, False),
        "empty": ("answered", True, 0.0, False),
    }
    # required visible: gate, note, req, multi, num, empty (hid hidden, opt optional);
    # status answered: gate, multi, num, empty. The answered required text question
    # `note` has status `unscored`, so as docs/scoring.md is written it never counts as done.
    assert r.overall.completeness == 4 / 6
    assert r == reference_score(q, {"gate": "ja", "note": "text", "hid": "ja", "multi": ["b"], "num": 50, "empty": []})


def test_hidden_chain_and_condition_on_unanswered():
    """A question hidden because its parent is hidden; a condition on an unanswered
    question is false."""
    q = make_questionnaire([{"id": "x", "questions": [
        {"id": "p", "level": 1},
        {"id": "c", "level": 1, "show_if": {"kind": "in", "question": "p", "values": ["ja"]}},
        {"id": "gc", "level": 1, "show_if": {"kind": "in", "question": "c", "values": ["ja"]}},
        {"id": "u", "level": 1, "required": False},
        {"id": "dep", "level": 1, "show_if": {"kind": "any", "conditions": [
            {"kind": "in", "question": "u", "values": ["ja", "nej", "delvis", "vet-ej", "na"]}]}},
    ]}])
    r = score_response(q, {"p": "nej", "c": "ja", "gc": "ja", "dep": "ja"})
    assert [x.status for x in r.questions] == ["answered", "hidden", "hidden", "missing", "hidden"]
    r2 = score_response(q, {"p": "ja", "c": "ja", "gc": "ja", "u": "na", "dep": "ja"})
    assert [x.status for x in r2.questions] == ["answered"] * 3 + ["not_applicable", "answered"]


def test_compiled_plans_are_cached_by_hash_and_checked_by_content(example):
    from survey_engine.scoring import compile_questionnaire

    assert compile_questionnaire(example) is compile_questionnaire(example)
    same = example.model_copy(deep=True)
    assert compile_questionnaire(same) is compile_questionnaire(example)
    # a hand-built model that reuses the hash of different content gets its own plan
    other = make_questionnaire([{"id": "a", "questions": [{"id": "a1", "level": 1, "weight": 3}]}])
    impostor = other.model_copy(update={"hash": example.hash})
    assert score_response(impostor, {"a1": "delvis"}).area("a").percent == 50.0
    assert score_response(example, {"a1": "ja", "a2": "ja", "a3": "delvis", "a4": "ja"}).area("a").percent == 90.0


def test_multi_credit_does_not_depend_on_answer_order():
    q = make_questionnaire([{"id": "x", "questions": [
        {"id": "m", "type": "multi", "level": 1, "options": [
            {"value": v, "label": {"sv": v, "en": v}, "weight": w}
            for v, w in (("a", 0.1), ("b", 0.2), ("c", 0.3), ("d", 0.7))]}]}])
    credits = {score_response(q, {"m": order}).question("m").credit
               for order in (["a", "b", "c"], ["c", "b", "a"], ["b", "c", "a"])}
    assert len(credits) == 1
    assert credits.pop() == reference_score(q, {"m": ["c", "a", "b"]}).question("m").credit


def test_unvalidated_answers_raise_a_clear_error(example):
    with pytest.raises(ValueError, match="check_answers"):
        score_response(example, {"a1": "kanske"})


def test_generated_source_is_kept_on_the_plan(example):
    from survey_engine.scoring import compile_questionnaire

    source = compile_questionnaire(example).source
    assert source.startswith("def score(answers):") and "get('a4')" in source
