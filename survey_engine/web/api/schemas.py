"""Hand-written Pydantic models of the JSON API (documented in the OpenAPI schema).

Answer values are `Any` on purpose: the questionnaire decides what is valid (a string,
a number, a list of strings), and the service checks them against it, naming the
question; the models must not coerce `true` into 1 before that check sees it.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from survey_engine import plaintext

AnswerValue = Any


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Input(BaseModel):
    """Every request body: unknown fields refused, and no control characters other than
    tab and line breaks in any text (422 naming the field; survey_engine/plaintext.py).
    Passwords are left to the password check: refusing them here would tell nothing."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any, info: ValidationInfo) -> Any:
        if "password" not in (info.field_name or "") and not isinstance(value, BaseModel):
            found = plaintext.problems(value, "")
            if found:
                where = found[0]["field"]  # inside a dict or list: the key or index
                raise ValueError((f"{where}: " if where else "") + found[0]["message"])
        return value


# ------------------------------------------------------------------ errors

class ErrorItem(_Model):
    field: str | None = Field(None, description="the request field (or file path) at fault")
    question: str | None = Field(None, description="the question id at fault")
    line: int | None = None
    message: str


class ErrorOut(_Model):
    detail: str = Field(description="what was wrong and how to fix it (Swedish / English)",
                        examples=["Omgången är stängd; svaren är låsta / the round is closed: its responses are locked"])
    errors: list[ErrorItem] | None = None
    missing: list[str] | None = Field(None, description="submit: the required questions without an answer")
    code: str | None = Field(None, description="a stable code for some errors (csrf, invalid_credentials, login_throttled, …)")


# ------------------------------------------------------------------ units

class UnitIn(_Input):
    code: str = Field(min_length=1, max_length=40, examples=["GRF"])
    name: str = Field(min_length=1, max_length=300, examples=["Grundskoleförvaltningen"])
    weight: float = Field(1.0, gt=0, description="e.g. the number of employees", examples=[6000])
    parent: str | None = Field(None, description="code of the parent unit", examples=["MALMO"])


class UnitsImportIn(_Input):
    units: list[UnitIn]


class UnitsImportOut(_Model):
    created: int
    updated: int


class UnitOut(_Model):
    id: int
    code: str
    name: str
    weight: float
    parent: str | None = None


class UnitPage(_Model):
    items: list[UnitOut]
    total: int
    limit: int
    offset: int


# ------------------------------------------------------------------ questionnaires

class VersionOut(_Model):
    id: int
    family: str = Field(examples=["mcf-cybersakerhet"])
    version: str = Field(examples=["2026.1"])
    title: str
    hash: str = Field(examples=["sha256:…"])
    published_at: dt.datetime


class VersionDetail(VersionOut):
    content: dict[str, Any] = Field(description="the parsed questionnaire (the model of docs/questionnaire-format.md)")
    source_text: str


class PublishOut(_Model):
    created: bool = Field(description="false when this exact version was already published (a no-op)")
    version: VersionOut


class VersionPage(_Model):
    items: list[VersionOut]
    total: int
    limit: int
    offset: int


# ------------------------------------------------------------------ rounds

class QuestionnaireRef(_Model):
    id: str
    version: str
    hash: str


class RoundIn(_Input):
    name: str = Field(min_length=1, max_length=300, examples=["Cybersäkerhetskollen 2026"])
    questionnaire: str = Field(examples=["mcf-cybersakerhet"])
    version: str = Field(examples=["2026.1"])
    units: list[str] | None = Field(None, description="codes of the units taking part; omitted = every unit")
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None


class DeadlineIn(_Input):
    closes_on: dt.date = Field(description="the round's new last day (not in the past, not before it opens)")


class RoundOut(_Model):
    id: int
    name: str
    questionnaire: QuestionnaireRef
    status: Literal["draft", "open", "closed"]
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None
    created_at: dt.datetime
    opened_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    units: list[str]


class RoundPage(_Model):
    items: list[RoundOut]
    total: int
    limit: int
    offset: int


class UnitProgress(_Model):
    unit: str
    name: str
    weight: float
    response_id: int | None
    status: Literal["not_started", "draft", "submitted", "reopened"]
    draft: bool = Field(description="started but not submitted: its level is scored on the answers so far and "
                                    "left out of the city figures")
    revision: int | None
    answered: int
    completeness: float = Field(description="share of the visible required questions answered (0–1)")
    level: int | None = Field(description="a submitted response's level from its score snapshot; a draft's scored now")
    percent: float | None
    last_activity: dt.datetime | None
    submitted_at: dt.datetime | None
    stage: Literal["not_started", "draft", "submitted", "approved"] = Field(
        "not_started", description="sign-off stage (docs/sign-off.md): a reopened or returned response is a draft; "
        "approved = submitted and approved by the unit's approver as it stands")
    approved: bool = Field(False, description="approved by an approver as it stands")


class OverviewOut(_Model):
    round: RoundOut
    participating: int
    started: int
    submitted: int
    approved: int = Field(0, description="submitted and approved (sign-off)")
    response_rate: float = Field(description="submitted / participating (0–1)")
    units: list[UnitProgress]


# ------------------------------------------------------------------ responses

class StartIn(_Input):
    unit: str = Field(examples=["GRF"])
    prefill: bool = Field(True, description="carry over the continued answers of the unit's previous round")


class AnswerOut(_Model):
    value: AnswerValue = Field(None, description="string, number or list of strings; null = unanswered")
    comment: str = ""
    evidence: str = Field("", description="evidence note or link")
    updated_by: str
    updated_at: dt.datetime
    revision: int = Field(0, description="the response revision at which this answer last changed")


class ResponseOut(_Model):
    id: int
    round_id: int
    unit: str
    unit_name: str
    status: Literal["draft", "submitted", "reopened"]
    revision: int = Field(description="send it back with the next save; grows with every successful save")
    started_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None = None
    prefilled_from: int | None = Field(None, description="id of the earlier response the answers were carried over from")
    answers: dict[str, AnswerOut]


class ResponsePage(_Model):
    items: list[ResponseOut]
    total: int
    limit: int
    offset: int


class ConflictItem(_Model):
    question: str
    value: AnswerValue = None
    comment: str = ""
    evidence: str = ""
    updated_by: str = Field(description="who changed it last")
    updated_at: dt.datetime
    changed_in: int = Field(description="the response revision of that change (after the one you sent)")


class ConflictOut(ErrorOut):
    current: ResponseOut | None = Field(None, description="the response as it is now (stale revision)")
    conflicts: list[ConflictItem] | None = Field(
        None, description="per-question merge: exactly the questions of your save that someone else changed "
        "after your revision, with their current values and who changed them when")


class SaveIn(_Input):
    revision: int = Field(description="the revision the client's copy is based on", examples=[3])
    answers: dict[str, AnswerValue] = Field(default_factory=dict, examples=[{"ledn-policy": "ja", "utb-andel": 72.5}])
    comments: dict[str, str | None] = Field(default_factory=dict)
    evidence: dict[str, str | None] = Field(default_factory=dict)


class SubmitIn(_Input):
    revision: int | None = Field(None, description="refuse the submit if the response changed since this revision")


class HistoryEntry(_Model):
    question: str
    revision: int
    old_value: AnswerValue = None
    new_value: AnswerValue = None
    old_comment: str
    new_comment: str
    old_evidence: str
    new_evidence: str
    actor: str = Field(description="who made the change ('prefill' for carried-over answers)")
    at: dt.datetime


class HistoryPage(_Model):
    items: list[HistoryEntry]
    total: int
    limit: int
    offset: int


class ScoresOut(_Model):
    response_id: int
    revision: int
    engine_version: str
    scores: dict[str, Any] = Field(description="the engine's result: the JSON object of `survey-engine score`")


class SnapshotOut(_Model):
    revision: int
    engine_version: str
    questionnaire_hash: str
    created_at: dt.datetime
    created_by: str
    scores: dict[str, Any]


class AnswersFile(BaseModel):
    """The answers file of docs/questionnaire-format.md."""

    model_config = ConfigDict(extra="allow")
    questionnaire: str = Field(examples=["mcf-cybersakerhet"])
    version: str = Field(examples=["2026.1"])
    answers: dict[str, AnswerValue] = Field(examples=[{"ledn-policy": "ja", "utb-andel": 72.5}])
