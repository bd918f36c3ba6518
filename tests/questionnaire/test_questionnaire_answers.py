"""Answers: value checks per question type and the answers-file document."""
from __future__ import annotations

import json

import pytest

from tests.questionnaire.qhelpers import BASE_PATH
from survey_engine.questionnaire.answers import (check_answers, load_answers,
                                                 parse_answers_document)
from survey_engine.questionnaire.errors import AnswersError
from survey_engine.questionnaire.load import load_questionnaire

Q = load_questionnaire(BASE_PATH)

VALID = {
    "styr-policy": "yes",
    "styr-typer": ["a", "c"],
    "styr-andel": 72.5,
    "styr-kommentar": "fri text",
    "inc-rutin": None,  # unanswered
    "inc-ovning": "na",  # hidden question: accepted anyway
}


def test_valid_answers_have_no_problems():
    assert check_answers(Q, VALID) == []
    assert check_answers(Q, {}) == []
    assert check_answers(Q, {"styr-typer": [], "styr-andel": 0, "inc-text": "x" * 200}) == []


@pytest.mark.parametrize("question, value, words", [
    ("nope", "yes", "no question 'nope'"),
    ("styr-policy", "maybe", "'maybe' is not an option of the scale"),
    ("styr-policy", 1, "must be one of the option values"),
    ("styr-policy", ["yes"], "must be one of the option values"),
    ("styr-typer", "a", "must be a list"),
    ("styr-typer", ["a", "a"], "'a' appears twice"),
    ("styr-typer", ["z"], "'z' is not an option"),
    ("styr-typer", [1], "may only hold option values"),
    ("styr-andel", True, "must be a number"),
    ("styr-andel", "50", "must be a number"),
    ("styr-andel", 100.5, "outside the allowed range 0–100"),
    ("styr-andel", -1, "outside the allowed range 0–100"),
    ("styr-andel", float("nan"), "finite"),
    ("styr-kommentar", 5, "must be a string"),
    ("styr-kommentar", "x" * 4001, "4001 characters long; at most 4000"),
    ("inc-text", "x" * 201, "at most 200"),
])
def test_wrong_values_name_the_question(question, value, words):
    problems = check_answers(Q, {**VALID, question: value}, "a.json")
    assert len(problems) == 1
    assert problems[0].path == question and problems[0].file == "a.json"
    assert words in problems[0].message


def test_document_round_trip_drops_unanswered():
    doc = {"questionnaire": "test-family", "version": "2025.1", "answers": VALID, "exported": "x"}
    answers = parse_answers_document(doc, Q)
    assert answers == {k: v for k, v in VALID.items() if v is not None}


def test_document_wrong_family_version_and_values_all_reported():
    doc = {"questionnaire": "other", "version": "2024.1",
           "answers": {"styr-policy": "maybe", "nope": 1}}
    with pytest.raises(AnswersError) as info:
        parse_answers_document(doc, Q)
    paths = [p.path for p in info.value.problems]
    assert paths == ["questionnaire", "version", "styr-policy", "nope"]


def test_document_shape():
    with pytest.raises(AnswersError, match="JSON object"):
        parse_answers_document([1], Q)
    with pytest.raises(AnswersError, match="'answers' is missing"):
        parse_answers_document({"questionnaire": "test-family", "version": "2025.1"}, Q)
    with pytest.raises(AnswersError, match="must be an object"):
        parse_answers_document({"questionnaire": "test-family", "version": "2025.1", "answers": []}, Q)


def test_load_answers_file(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"questionnaire": "test-family", "version": "2025.1",
                                "answers": {"styr-policy": "no"}}, indent=2))
    assert load_answers(path, Q) == {"styr-policy": "no"}


def test_load_answers_errors_with_lines(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{"questionnaire": "test-family",\n "version": "2025.1",\n "answers": {\n'
                    '  "styr-policy": "yes",\n  "styr-andel": 500\n }}\n')
    with pytest.raises(AnswersError) as info:
        load_answers(path, Q)
    [problem] = info.value.problems
    assert problem.path == "styr-andel" and problem.line == 5

    path.write_text('{"questionnaire": "test-family",\n "version": \n}')
    with pytest.raises(AnswersError) as info:
        load_answers(path, Q)
    assert "not valid JSON" in info.value.problems[0].message and info.value.problems[0].line == 3

    path.write_text('{"questionnaire": "test-family", "version": "2025.1", "answers": '
                    '{"styr-policy": "yes", "styr-policy": "no"}}')
    with pytest.raises(AnswersError, match="appears twice"):
        load_answers(path, Q)

    with pytest.raises(AnswersError, match="does not exist"):
        load_answers(tmp_path / "missing.json", Q)
    (tmp_path / "latin1.json").write_bytes('{"x": "å"}'.encode("latin-1"))
    with pytest.raises(AnswersError, match="not UTF-8"):
        load_answers(tmp_path / "latin1.json", Q)
