"""Continuity between two versions of a questionnaire family (spec: "Continuity between
versions"), used for trends, follow-up and `survey-engine questionnaire diff`.

Question Q of the new version continues question P of the old version when Q has P's id
and Q is not marked `comparable: false`, or when P's id is listed in Q's `previous_ids`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from survey_engine.questionnaire.errors import Problem
from survey_engine.questionnaire.model import Question, Questionnaire


def continuity_map(new: Questionnaire, old: Questionnaire) -> dict[str, list[str]]:
    """New question id -> ids of the old version's questions it continues (same id first,
    then `previous_ids` in file order). Questions that continue nothing are left out."""
    result: dict[str, list[str]] = {}
    for question in new.questions():
        continued: list[str] = []
        if question.comparable and old.question(question.id) is not None:
            continued.append(question.id)
        for old_id in question.previous_ids:
            if old.question(old_id) is not None and old_id not in continued:
                continued.append(old_id)
        if continued:
            result[question.id] = continued
    return result


def successor_map(new: Questionnaire, old: Questionnaire) -> dict[str, str]:
    """Old question id -> the new question that continues it. If an old question was
    split into several new ones, the first in file order is its successor."""
    result: dict[str, str] = {}
    for new_id, old_ids in continuity_map(new, old).items():
        for old_id in old_ids:
            result.setdefault(old_id, new_id)
    return result


def check_continuity(new: Questionnaire, old: Questionnaire) -> list[Problem]:
    """Every id in a question's `previous_ids` must exist in the old version."""
    problems: list[Problem] = []
    for ai, area in enumerate(new.areas):
        for qi, question in enumerate(area.questions):
            for index, old_id in enumerate(question.previous_ids):
                if old.question(old_id) is None:
                    path = f"areas[{ai}].questions[{qi}].previous_ids[{index}]"
                    problems.append(Problem(
                        new.source or "<text>", path,
                        f"frågan '{question.id}' fortsätter '{old_id}', men den finns inte i version "
                        f"{old.version}; rätta id:t eller ta bort det / question '{question.id}' lists "
                        f"'{old_id}' in previous_ids, but version {old.version} has no such question; "
                        f"fix or remove the id",
                        new.line_of(path)))
    return problems


@dataclass(frozen=True)
class Renamed:
    id: str  # the new question
    previous_ids: tuple[str, ...]  # the old questions it continues under another id


@dataclass(frozen=True)
class Changed:
    id: str  # a question kept under the same id (and comparable)
    fields: tuple[str, ...]  # what differs, e.g. ("level", "text")


@dataclass
class QuestionnaireDiff:
    old: Questionnaire
    new: Questionnaire
    added: list[str] = field(default_factory=list)  # new questions that continue nothing
    removed: list[str] = field(default_factory=list)  # old questions nothing continues
    continued: list[str] = field(default_factory=list)  # same id, comparable
    renamed: list[Renamed] = field(default_factory=list)  # via previous_ids
    not_comparable: list[str] = field(default_factory=list)  # same id, comparable: false
    changed: list[Changed] = field(default_factory=list)  # continued, but some content differs

    @property
    def successive(self) -> bool:
        """True when `new` names `old` as its `previous` version."""
        return self.new.id == self.old.id and self.new.previous == self.old.version

    def to_dict(self) -> dict:
        def ident(q: Questionnaire) -> dict:
            return {"id": q.id, "version": q.version, "hash": q.hash}

        return {
            "old": ident(self.old),
            "new": ident(self.new),
            "successive": self.successive,
            "added": list(self.added),
            "removed": list(self.removed),
            "continued": list(self.continued),
            "renamed": [{"id": r.id, "previous_ids": list(r.previous_ids)} for r in self.renamed],
            "not_comparable": list(self.not_comparable),
            "changed": [{"id": c.id, "fields": list(c.fields)} for c in self.changed],
        }


# What a reader of a diff cares about when a question keeps its id.
_COMPARED_FIELDS = ("area", "type", "text", "level", "weight", "required", "statutory", "effort",
                    "show_if", "scale", "options", "min", "max", "unit", "bands", "max_length",
                    "tags")


def _changed_fields(new_q: Question, old_q: Question, new: Questionnaire, old: Questionnaire) -> tuple:
    fields = [name for name in _COMPARED_FIELDS if getattr(new_q, name) != getattr(old_q, name)]
    if new_q.scale and new_q.scale == old_q.scale and new.scale_of(new_q) != old.scale_of(old_q):
        fields.append("scale_options")
    return tuple(fields)


def diff(old: Questionnaire, new: Questionnaire) -> QuestionnaireDiff:
    """What changed between two versions, question by question."""
    result = QuestionnaireDiff(old=old, new=new)
    continued_old: set[str] = set()
    for question in new.questions():
        old_same = old.question(question.id)
        if old_same is not None:
            if question.comparable:
                result.continued.append(question.id)
                continued_old.add(question.id)
                fields = _changed_fields(question, old_same, new, old)
                if fields:
                    result.changed.append(Changed(question.id, fields))
            else:
                result.not_comparable.append(question.id)
        renamed_from = tuple(pid for pid in question.previous_ids
                             if pid != question.id and old.question(pid) is not None)
        if renamed_from:
            result.renamed.append(Renamed(question.id, renamed_from))
            continued_old.update(renamed_from)
        if old_same is None and not renamed_from:
            result.added.append(question.id)
    not_comparable = set(result.not_comparable)
    result.removed = [q.id for q in old.questions()
                      if q.id not in continued_old and q.id not in not_comparable]
    return result
