"""Answers files and answer values (docs/questionnaire-format.md, "Answers file").

Values by type: `choice` an option value (string), `multi` a list of distinct option
values, `number` a number in [min, max], `text` a string of at most max_length
characters. `null` or an absent key means unanswered. Answers to hidden questions are
accepted (scoring ignores them). Every problem names the question it is about.
"""
from __future__ import annotations

from survey_engine.plaintext import control_character

import json
import math
import re
from pathlib import Path
from typing import Any, Mapping

from survey_engine.questionnaire.errors import AnswersError, Problem, QuestionnaireError
from survey_engine.questionnaire.load import msg, read_text_file
from survey_engine.questionnaire.model import Questionnaire


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "ett tal/a number"
    if isinstance(value, str):
        return "en text/a string"
    if isinstance(value, (list, tuple)):
        return "en lista/a list"
    if isinstance(value, dict):
        return "ett objekt/an object"
    return type(value).__name__


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _fmt(number: float | None) -> str:
    return "" if number is None else f"{number:g}"


def check_value(questionnaire: Questionnaire, question_id: str, value: Any) -> str | None:
    """Why `value` is not a valid answer to the question, or None when it is valid
    (None itself, i.e. unanswered, is always valid)."""
    question = questionnaire.question(question_id)
    if question is None:
        return msg(f"frågan '{question_id}' finns inte i {questionnaire.id} {questionnaire.version}",
                   f"there is no question '{question_id}' in {questionnaire.id} {questionnaire.version}")
    if value is None:
        return None
    qtype = question.type
    if qtype == "choice":
        scale = questionnaire.scale_of(question)
        allowed = [o.value for o in scale.options] if scale else []
        if not isinstance(value, str):
            return msg(f"svaret ska vara ett av alternativen ({', '.join(allowed)}), inte {_kind(value)}",
                       f"the answer must be one of the option values ({', '.join(allowed)})")
        if value not in allowed:
            return msg(f"'{value}' finns inte i skalan; välj ett av {', '.join(allowed)}",
                       f"'{value}' is not an option of the scale; use one of {', '.join(allowed)}")
        return None
    if qtype == "multi":
        allowed = [o.value for o in question.options or []]
        if not isinstance(value, (list, tuple)):
            return msg(f"svaret ska vara en lista med alternativ ({', '.join(allowed)}), inte {_kind(value)}",
                       f"the answer must be a list of option values ({', '.join(allowed)})")
        seen: set[str] = set()
        for item in value:
            if not isinstance(item, str):
                return msg(f"listan får bara innehålla alternativ ({', '.join(allowed)}), inte {_kind(item)}",
                           f"the list may only hold option values ({', '.join(allowed)})")
            if item not in allowed:
                return msg(f"'{item}' är inget alternativ; välj bland {', '.join(allowed)}",
                           f"'{item}' is not an option; use values from {', '.join(allowed)}")
            if item in seen:
                return msg(f"'{item}' står två gånger i listan; ta bort den ena",
                           f"'{item}' appears twice in the list; remove one")
            seen.add(item)
        return None
    if qtype == "number":
        if not _is_number(value):
            return msg(f"svaret ska vara ett tal, inte {_kind(value)}", "the answer must be a number")
        if not math.isfinite(value):
            return msg("svaret ska vara ett ändligt tal", "the answer must be a finite number")
        low, high = question.min, question.max
        if (low is not None and value < low) or (high is not None and value > high):
            return msg(f"{value:g} ligger utanför {_fmt(low)}–{_fmt(high)}",
                       f"{value:g} is outside the allowed range {_fmt(low)}–{_fmt(high)}")
        return None
    # text
    if not isinstance(value, str):
        return msg(f"svaret ska vara en text, inte {_kind(value)}", "the answer must be a string")
    limit = question.max_length or 4000
    if len(value) > limit:
        return msg(f"texten är {len(value)} tecken; högst {limit} är tillåtet",
                   f"the text is {len(value)} characters long; at most {limit} are allowed")
    code = control_character(value)
    if code:
        return msg(f"texten innehåller ett otillåtet styrtecken ({code}); bara tabb och radbrytning är tillåtna",
                   f"the text contains a control character ({code}); only tab and line breaks are allowed")
    return None


def check_answers(questionnaire: Questionnaire, answers: Mapping[str, Any],
                  source: str = "<answers>") -> list[Problem]:
    """Every problem with the answer values; each Problem.path is the question id."""
    problems = []
    for question_id, value in answers.items():
        problem = check_value(questionnaire, str(question_id), value)
        if problem is not None:
            problems.append(Problem(source, str(question_id), problem))
    return problems


def parse_answers_document(data: Any, questionnaire: Questionnaire, source: str = "<answers>",
                           lines: Mapping[str, int] | None = None) -> dict[str, Any]:
    """Check an answers document `{"questionnaire", "version", "answers"}` against the
    questionnaire and return {question_id: value} without the unanswered (null) entries.
    Other top-level keys (e.g. export metadata) are ignored. Raises AnswersError."""
    lines = lines or {}
    if not isinstance(data, dict):
        raise AnswersError([Problem(source, "", msg(
            "svarsfilen ska vara ett JSON-objekt med questionnaire, version och answers",
            "the answers file must be a JSON object with questionnaire, version and answers"))])
    problems: list[Problem] = []
    family = data.get("questionnaire")
    if family is None:
        problems.append(Problem(source, "questionnaire", msg(
            f"nyckeln questionnaire saknas; ange \"{questionnaire.id}\"",
            f"the key 'questionnaire' is missing; set it to \"{questionnaire.id}\"")))
    elif family != questionnaire.id:
        problems.append(Problem(source, "questionnaire", msg(
            f"svaren gäller enkäten '{family}', inte '{questionnaire.id}'",
            f"the answers are for questionnaire '{family}', not '{questionnaire.id}'"),
            lines.get("questionnaire")))
    version = data.get("version")
    if version is None:
        problems.append(Problem(source, "version", msg(
            f"nyckeln version saknas; ange \"{questionnaire.version}\"",
            f"the key 'version' is missing; set it to \"{questionnaire.version}\"")))
    elif version != questionnaire.version:
        problems.append(Problem(source, "version", msg(
            f"svaren gäller version {version!r}, men enkäten är version {questionnaire.version}",
            f"the answers are for version {version!r}, but the questionnaire is version "
            f"{questionnaire.version}"), lines.get("version")))
    answers = data.get("answers")
    if answers is None:
        problems.append(Problem(source, "answers", msg("nyckeln answers saknas",
                                                      "the key 'answers' is missing")))
        answers = {}
    elif not isinstance(answers, dict):
        problems.append(Problem(source, "answers", msg(
            "answers ska vara ett objekt {frågans id: svar}",
            "'answers' must be an object {question id: answer}"), lines.get("answers")))
        answers = {}
    for problem in check_answers(questionnaire, answers, source):
        problems.append(Problem(problem.file, problem.path, problem.message, lines.get(problem.path)))
    if problems:
        raise AnswersError(problems)
    return {key: value for key, value in answers.items() if value is not None}


class _DuplicateKey(Exception):
    def __init__(self, key: str):
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _answer_lines(text: str, data: Any) -> dict[str, int]:
    """Best-effort line of each top-level key and of each answer's key, for messages."""
    lines: dict[str, int] = {}
    for key in ("questionnaire", "version", "answers"):
        match = re.search(r'"%s"\s*:' % re.escape(key), text)
        if match:
            lines[key] = text.count("\n", 0, match.start()) + 1
    start = text.find('"answers"')
    answers = data.get("answers") if isinstance(data, dict) else None
    if start >= 0 and isinstance(answers, dict):
        for key in answers:
            match = re.compile(r'%s\s*:' % re.escape(json.dumps(key))).search(text, start)
            if match:
                lines[key] = text.count("\n", 0, match.start()) + 1
    return lines


def parse_answers_text(text: str, questionnaire: Questionnaire, source: str = "<answers>") -> dict[str, Any]:
    """Parse the JSON text of an answers file and check it (see parse_answers_document)."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise AnswersError([Problem(source, "", msg(f"filen är inte giltig JSON: {exc.msg}",
                                                    f"the file is not valid JSON: {exc.msg}"),
                                    exc.lineno)]) from None
    except _DuplicateKey as dup:
        raise AnswersError([Problem(source, dup.key, msg(
            f"nyckeln '{dup.key}' förekommer två gånger; ta bort den ena",
            f"the key '{dup.key}' appears twice; remove one"))]) from None
    except RecursionError:
        raise AnswersError([Problem(source, "", msg("filen är för djupt nästlad",
                                                    "the file is nested too deeply"))]) from None
    return parse_answers_document(data, questionnaire, source, _answer_lines(text, data))


def load_answers(path: str | Path, questionnaire: Questionnaire) -> dict[str, Any]:
    """Read and check an answers file. Raises AnswersError (also for a missing or
    unreadable file and for invalid JSON, with the line)."""
    try:
        text = read_text_file(path)
    except QuestionnaireError as exc:
        raise AnswersError(exc.problems) from None
    return parse_answers_text(text, questionnaire, str(path))
