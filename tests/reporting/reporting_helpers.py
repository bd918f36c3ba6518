"""Reading figures back out of a report's HTML."""
from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any


class _Values(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, Any] = {}
        self.texts: dict[str, str] = {}
        self._open: list[tuple[str, str, int]] = []  # (key, tag, depth) being read
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        self._depth += 1
        a = dict(attrs)
        if "data-key" in a:
            key = a["data-key"]
            assert key not in self.values, f"data-key {key} appears twice"
            self.values[key] = json.loads(a["data-value"])
            self.texts[key] = ""
            self._open.append((key, tag, self._depth))

    def handle_endtag(self, tag):
        if self._open and self._open[-1][1] == tag and self._open[-1][2] == self._depth:
            key = self._open.pop()[0]
            self.texts[key] = " ".join(self.texts[key].split())
        self._depth -= 1

    def handle_data(self, data):
        for key, _, _ in self._open:
            self.texts[key] += data


def data_values(html: str) -> dict[str, Any]:
    """{data-key: value} of every element with a data-key (values parsed as JSON), in
    document order."""
    parser = _Values()
    parser.feed(html)
    return parser.values


def data_texts(html: str) -> dict[str, str]:
    """{data-key: the text shown in that element, whitespace collapsed}."""
    parser = _Values()
    parser.feed(html)
    return parser.texts


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.names: set[str] = set()
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.names.update(name for name, _ in attrs)


def attribute_names(html: str) -> set[str]:
    """Every attribute name used on any element of the document."""
    parser = _Attributes()
    parser.feed(html)
    return parser.names


def tag_names(html: str) -> set[str]:
    parser = _Attributes()
    parser.feed(html)
    return parser.tags


def service_actor():
    """The actor to pass to the services' writing functions: a trusted system principal
    where the services take one, else a plain name (older service signatures)."""
    try:
        from survey_engine.services.access import system_actor
    except ImportError:
        return "tests"
    return system_actor("tests")


async def engine_inputs(round_id: int):
    """(questionnaire, participants [{code, name, weight}], {code: status},
    {code: answers}) of a round, read straight from the tables: the tests' own path to
    the data, independent of the reporting package and of the services' signatures."""
    from survey_engine.services.common import load_value
    from survey_engine.services.questionnaires import questionnaire_by_id
    from survey_engine.store.tables import Answer, Response, Round, RoundUnit

    rnd = await Round.select(Round.questionnaire).where(Round.id == round_id).first()
    q = await questionnaire_by_id(rnd["questionnaire"])
    units = await RoundUnit.select(
        RoundUnit.unit.code.as_alias("code"), RoundUnit.unit.name.as_alias("name"),
        RoundUnit.unit.weight.as_alias("weight"),
    ).where(RoundUnit.round == round_id).order_by(RoundUnit.id)
    status, answers = {}, {}
    for r in await Response.select(Response.id, Response.status, Response.unit.code.as_alias("code")).where(
            Response.round == round_id):
        status[r["code"]] = r["status"]
        rows = await Answer.select(Answer.question_id, Answer.value).where(Answer.response == r["id"])
        answers[r["code"]] = {a["question_id"]: load_value(a["value"]) for a in rows if a["value"] is not None}
    return q, units, status, answers


async def notes_of(round_id: int) -> list[str]:
    """Every comment and evidence note of a round's answers."""
    from survey_engine.store.tables import Answer

    rows = await Answer.select(Answer.comment, Answer.evidence).where(Answer.response.round == round_id)
    return [t for r in rows for t in (r["comment"], r["evidence"]) if t]
