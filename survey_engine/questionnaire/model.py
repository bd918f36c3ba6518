"""Typed, immutable model of one questionnaire version (docs/questionnaire-format.md).

The loader (`survey_engine.questionnaire.load`) validates a YAML file and builds these
objects; everything else (scoring, planning, the web) reads only these objects.
Text values are always normalised to a dict language -> string, even where the file
used a plain string for a single-language questionnaire.
"""
from __future__ import annotations

from functools import cached_property
from typing import Annotated, Iterator, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

Text = dict[str, str]
QuestionType = Literal["choice", "multi", "number", "text"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def localized(text: Text | None, lang: str | None = None, fallback: str | None = None) -> str:
    """The text in `lang`, else in `fallback`, else in the first language it has."""
    if not text:
        return ""
    if lang and lang in text:
        return text[lang]
    if fallback and fallback in text:
        return text[fallback]
    return next(iter(text.values()))


class Level(_Frozen):
    level: int
    name: Text
    description: Text | None = None


class Option(_Frozen):
    """An option of a shared answer scale (for `choice` questions)."""

    value: str
    label: Text
    credit: float | None = None  # None exactly when not_applicable
    not_applicable: bool = False
    unknown: bool = False


class Scale(_Frozen):
    name: str
    options: list[Option]

    def option(self, value: str) -> Option | None:
        for opt in self.options:
            if opt.value == value:
                return opt
        return None


class MultiOption(_Frozen):
    """A checkbox of a `multi` question."""

    value: str
    label: Text
    weight: float = 1.0


class Band(_Frozen):
    """A `number` question's band: answers >= min get this credit (first match wins)."""

    min: float
    credit: float


class InCondition(_Frozen):
    kind: Literal["in"] = "in"
    question: str
    values: list[str]


class IncludesCondition(_Frozen):
    kind: Literal["includes"] = "includes"
    question: str
    value: str


class MinCondition(_Frozen):
    kind: Literal["min"] = "min"
    question: str
    min: float


class AllCondition(_Frozen):
    kind: Literal["all"] = "all"
    conditions: list["Condition"]


class AnyCondition(_Frozen):
    kind: Literal["any"] = "any"
    conditions: list["Condition"]


Condition = Annotated[
    Union[InCondition, IncludesCondition, MinCondition, AllCondition, AnyCondition],
    Field(discriminator="kind"),
]
AllCondition.model_rebuild()
AnyCondition.model_rebuild()


class Question(_Frozen):
    id: str
    area: str  # id of the area that holds the question (filled in by the loader)
    type: QuestionType
    text: Text
    guidance: Text | None = None
    level: int | None = None  # None only for `text`
    weight: float = 1.0
    required: bool = True
    references: list[str] = Field(default_factory=list)
    statutory: bool = False
    effort: int = 2
    show_if: Condition | None = None
    previous_ids: list[str] = Field(default_factory=list)
    comparable: bool = True
    # Labels for grouping, e.g. "kommun" (answered once for the whole kommun) or "it-drift"
    # (usually answered by the central IT provider). Never used in scoring.
    tags: list[str] = Field(default_factory=list)
    # choice
    scale: str | None = None
    # multi
    options: list[MultiOption] | None = None
    # number
    min: float | None = None
    max: float | None = None
    unit: str | None = None
    bands: list[Band] | None = None
    # text
    max_length: int | None = None  # 4000 by default for `text`

    @property
    def scored(self) -> bool:
        return self.type != "text"


class Area(_Frozen):
    id: str
    title: Text
    description: Text | None = None
    weight: float = 1.0
    target_level: int | None = None  # None: the questionnaire's target_level applies
    questions: list[Question]


class Questionnaire(_Frozen):
    format: int = 1
    id: str
    version: str
    previous: str | None = None
    title: Text
    description: Text | None = None
    languages: list[str]
    levels: list[Level]
    target_level: int  # resolved: the file's value, else the highest level
    met_threshold: float = 1.0
    scales: dict[str, Scale] = Field(default_factory=dict)
    areas: list[Area]
    hash: str  # "sha256:<hex>" of the canonical content
    source: str | None = None  # file it was loaded from, for messages
    # path ("areas[0].questions[1]") -> 1-based YAML line; set by the loader, not data
    _lines: dict[str, int] = PrivateAttr(default_factory=dict)

    def line_of(self, path: str) -> int | None:
        """The YAML line of `path` (or of its nearest enclosing item), when known."""
        while path:
            if path in self._lines:
                return self._lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return self._lines.get("")

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def max_level(self) -> int:
        return len(self.levels)

    @property
    def version_key(self) -> tuple[int, int]:
        """Versions sort by (year, number): 2026.10 comes after 2026.9."""
        year, number = self.version.split(".")
        return int(year), int(number)

    def questions(self) -> Iterator[Question]:
        """Every question in file order (areas in order, questions in order)."""
        for area in self.areas:
            yield from area.questions

    @cached_property
    def _question_index(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions()}

    @cached_property
    def _area_index(self) -> dict[str, Area]:
        return {a.id: a for a in self.areas}

    def question(self, question_id: str) -> Question | None:
        return self._question_index.get(question_id)

    def area(self, area_id: str) -> Area | None:
        return self._area_index.get(area_id)

    def area_target(self, area: Area) -> int:
        return area.target_level if area.target_level is not None else self.target_level

    def scale_of(self, question: Question) -> Scale | None:
        return self.scales.get(question.scale) if question.scale else None

    def level_name(self, level: int, lang: str | None = None) -> str:
        for lv in self.levels:
            if lv.level == level:
                return localized(lv.name, lang, self.default_language)
        return ""
