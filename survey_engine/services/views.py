"""Typed results of the services (issue 12, item 4): what a use case returns, as frozen
dataclasses, so callers read attributes instead of indexing dicts by strings. The API
schemas (web/api/schemas.py) validate from them with `from_attributes=True`; the JSON
shapes stay as they were.

Moved here one use case at a time (docs/architecture.md, "Typed results")."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from survey_engine.indicators.definition import IndicatorDef
from survey_engine.indicators.totals import Figure
from survey_engine.text import Text


@dataclass(frozen=True)
class Snapshot:
    """The scores stored when a response was submitted (its latest submission)."""

    revision: int
    engine_version: str
    questionnaire_hash: str
    created_at: dt.datetime
    created_by: str
    scores: dict[str, Any]  # ScoreResult.to_dict()


@dataclass(frozen=True)
class LiveScores:
    """The engine's result on a response's current answers."""

    response_id: int
    revision: int
    engine_version: str
    scores: dict[str, Any]  # ScoreResult.to_dict()


@dataclass(frozen=True)
class AnswerChange:
    """One change to one answer (a row of the answer history)."""

    question: str
    revision: int
    old_value: Any
    new_value: Any
    old_comment: str
    new_comment: str
    old_evidence: str
    new_evidence: str
    actor: str  # who; "prefill" for answers carried over from the previous round
    at: dt.datetime


@dataclass(frozen=True)
class AnswersFile:
    """A response as an answers file (docs/questionnaire-format.md)."""

    questionnaire: str
    version: str
    answers: dict[str, Any]


@dataclass(frozen=True)
class AnswerState:
    """One question's saved answer within a response state."""

    value: Any  # string, number or list of strings; None = unanswered
    comment: str
    evidence: str
    updated_by: str
    updated_at: dt.datetime
    revision: int  # the response revision at which this answer last changed


@dataclass(frozen=True)
class ResponseState:
    """A response with its answers (in questionnaire order), as the respondent and the
    API see it. Every read and write of services/responses.py returns one; a stale save
    carries the current one in its Conflict (`extra["current"]`)."""

    id: int
    round_id: int
    unit: str  # unit code
    unit_name: str
    status: str  # draft | submitted | reopened
    revision: int  # the next save names it; grows with every successful save
    started_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    prefilled_from: int | None  # the earlier response the answers were carried over from
    answers: dict[str, AnswerState]

    def values(self) -> dict[str, Any]:
        """{question id: value} of the answered questions."""
        return {qid: a.value for qid, a in self.answers.items() if a.value is not None}


@dataclass(frozen=True)
class QuestionnaireRef:
    """A questionnaire version by identity."""

    id: str
    version: str


@dataclass(frozen=True)
class PlanPeriod:
    """A half-year of a plan and the effort planned in it (dropped actions excluded)."""

    period: str
    effort: int


@dataclass(frozen=True)
class PlanActionView:
    """One action of an improvement plan (docs/planning.md)."""

    id: int
    question: str | None  # None: a free-standing action
    title: str
    area: str
    level: int | None
    priority: float | None
    kind: str  # improve | investigate | own
    credit: float | None
    effort: int | None
    period: str | None  # None: the backlog
    owner: str
    status: str  # planned | in_progress | done | dropped
    due_date: str | None  # ISO date
    done_on: str | None  # ISO date
    note: str
    sort_order: int
    updated_at: dt.datetime | None


@dataclass(frozen=True)
class PlanView:
    """An improvement plan with its actions (in period order, then the backlog). A
    stale change carries the current one in its Conflict (`extra["current"]`)."""

    id: int
    title: str
    scope: str  # unit | city
    unit: str | None
    unit_name: str | None
    round_id: int
    round_name: str
    response_id: int | None
    questionnaire: QuestionnaireRef
    method: str | None  # city plans: the roll-up method
    start: str
    periods: list[PlanPeriod]
    capacity: int
    revision: int
    created_by: str
    created_at: dt.datetime
    updated_by: str
    updated_at: dt.datetime
    actions: list[PlanActionView]


@dataclass(frozen=True)
class PlanSummary:
    """A plan in the list of plans: its head and its actions counted by status."""

    id: int
    title: str
    scope: str
    unit: str | None
    unit_name: str | None
    round_id: int
    round_name: str
    start: str
    periods: int
    capacity: int
    revision: int
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    status_counts: dict[str, int]


@dataclass(frozen=True)
class QuestionnaireIdentity:
    """A published questionnaire version: family id, version and content hash."""

    id: str
    version: str
    hash: str


@dataclass(frozen=True)
class RoundView:
    """A survey round with the codes of its participating units."""

    id: int
    name: str
    questionnaire: QuestionnaireIdentity
    questionnaire_version_id: int  # the questionnaire_version row
    status: str  # draft | open | closed
    opens_on: dt.date | None
    closes_on: dt.date | None
    created_at: dt.datetime
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    units: list[str]


@dataclass(frozen=True)
class UnitView:
    """A unit (förvaltning): code, name, weight in roll-ups and its parent's code."""

    id: int
    code: str
    name: str
    weight: float
    parent: str | None


@dataclass(frozen=True)
class CloseUnit:
    """A participating unit as the close page lists it."""

    code: str
    name: str
    updated_at: dt.datetime | None  # its response's last change; None when not started


@dataclass(frozen=True)
class CloseSummary:
    """What closing a round would leave behind (docs/web-pages.md, "Closing a round")."""

    round: RoundView
    participating: int
    submitted: list[CloseUnit]
    drafts: list[CloseUnit]  # locked unsubmitted on closing
    not_started: list[CloseUnit]


# ---------------------------------------------------------------- audits (services/recommendations.py)

@dataclass(frozen=True)
class LinkedActionView:
    """A plan action linked to a recommendation, with its plan and unit."""

    action_id: int
    title: str
    owner: str
    status: str  # planned | in_progress | done | dropped
    due_date: str | None  # ISO date
    done_on: str | None  # ISO date
    plan_id: int
    plan_title: str
    unit: str | None  # None: the city's plan
    unit_name: str | None


@dataclass(frozen=True)
class RecommendationView:
    """A recommendation of an audit, with its linked actions and the status they give."""

    id: str
    text: Text
    responsible: str
    family: str  # "" when it names no questionnaire family
    questions: list[str]
    areas: list[str]
    indicators: list[str]
    status: str  # ingen-atgard | planerad | pagar | genomford (from the linked actions)
    status_text: Text
    actions: list[LinkedActionView]
    updated_at: dt.datetime
    updated_by: str


@dataclass(frozen=True)
class AuditRef:
    """An audit by identity, as a recommendation's page and the statement name it."""

    id: str
    title: str
    auditor: str
    date: str  # ISO date


@dataclass(frozen=True)
class RecommendationDetail(RecommendationView):
    """One recommendation with the audit it belongs to (its page, and what editing and
    linking return)."""

    audit: AuditRef


@dataclass(frozen=True)
class AuditSummary:
    """An audit in the list of audits, with its number of recommendations."""

    id: str
    title: str
    auditor: str
    date: str  # ISO date
    updated_at: dt.datetime
    updated_by: str
    recommendations: int


@dataclass(frozen=True)
class AuditView:
    """An audit with its recommendations (in the file's order)."""

    id: str
    title: str
    auditor: str
    date: str  # ISO date
    updated_at: dt.datetime
    updated_by: str
    recommendations: list[RecommendationView]

    def ref(self) -> AuditRef:
        return AuditRef(self.id, self.title, self.auditor, self.date)


@dataclass(frozen=True)
class ImportedAudit(AuditView):
    """An audit as recorded from its file: `created` is False when it updated one."""

    created: bool


@dataclass(frozen=True)
class RecommendationChoice:
    """A recommendation in the plan page's link form."""

    audit: str  # the audit's id
    id: str
    label: str  # "audit title: start of the Swedish text"


@dataclass(frozen=True)
class RecommendationRef:
    """A recommendation by identity: its audit's id and its own."""

    audit: str
    id: str


@dataclass(frozen=True)
class LatestTotal:
    """An indicator's latest kommun total and whether it meets the target."""

    period: str
    value: float
    met: bool


@dataclass(frozen=True)
class IndicatorOverview:
    """A recommendation's linked indicator: title, target and latest total. An id that
    is not published has only `id` and `published` False; `latest` is None without a
    measurement or for a reader without indicator.read."""

    id: str
    published: bool
    title: Text | None = None
    kind: str | None = None  # share | count | days
    direction: str | None = None  # up | down
    target: float | None = None
    latest: LatestTotal | None = None


# ---------------------------------------------------------------- the follow-up statement (services/statement.py)

@dataclass(frozen=True)
class VerdictCounts:
    """How many recommendations got each verdict (spec §5)."""

    effekt: int
    ingen_effekt: int
    ej_matbar: int


@dataclass(frozen=True)
class StatementView:
    """The follow-up statement for one audit and one period. Its head is typed; its
    `document` is the statement file's model: every figure and sentence per
    recommendation, which reporting/statement.py writes as DOCX, PDF or HTML and which
    `format=json` is. A file format, so plain JSON data (as the round export)."""

    audit: AuditRef
    start: dt.date
    end: dt.date
    language: str  # sv | en
    generated_at: dt.datetime
    summary: VerdictCounts
    document: dict[str, Any]


# ---------------------------------------------------------------- reminders (services/reminders.py)

@dataclass(frozen=True)
class ReminderItem:
    """An e-mail queued by a reminder run (or that a dry run would queue), without its text."""

    kind: str  # opened | deadline | digest
    round_id: int | None  # None: the weekly digest
    unit: str | None
    recipient: str
    language: str
    subject: str


@dataclass(frozen=True)
class ReminderRun:
    """What `send_due` did: queued the reminders that were due, then sent the outbox.
    `retry_later` messages stay queued with their error; `failed` ones were given up."""

    dry_run: bool  # False
    queued: int
    queued_items: list[ReminderItem]
    sent: int
    retry_later: int
    failed: int
    errors: list[str]


@dataclass(frozen=True)
class ReminderDryRun:
    """What `send_due` would queue, with nothing stored or sent (the counts are 0)."""

    dry_run: bool  # True
    would_queue: list[ReminderItem]
    queued_before: int  # messages already waiting in the outbox
    sent: int
    retry_later: int
    failed: int
    errors: list[str]


@dataclass(frozen=True)
class UnitReminder:
    """One unit reminded by hand: to how many addresses, and what the delivery did."""

    unit: str
    recipients: int
    sent: int
    retry_later: int
    failed: int
    errors: list[str]


@dataclass(frozen=True)
class MailNotice:
    """A notice e-mailed on an event (a response returned or submitted): to how many
    addresses, and what the delivery did. `deferred`: messages queued to be sent after
    the web response (services/mailer.py, `deferring`); the other counts are then 0."""

    recipients: int
    sent: int
    retry_later: int
    failed: int
    errors: list[str]
    deferred: int = 0


@dataclass(frozen=True)
class LastReminder:
    """When a unit was last reminded by hand, and whether the next must wait."""

    last: dt.datetime
    blocked: bool  # less than an hour ago


@dataclass(frozen=True)
class ReminderState:
    """The round overview's reminders: each reminded unit's last reminder (by unit
    code) and the round's count of e-mails with problems."""

    units: dict[str, LastReminder]
    problems: int


# ---------------------------------------------------------------- the outbox (services/mailer.py)

@dataclass(frozen=True)
class DeliveryCounts:
    """What one delivery run did with the queued messages it tried."""

    sent: int
    retry_later: int  # left queued with the error, tried again on the next run
    failed: int  # given up after too many attempts
    errors: list[str]  # each distinct error once


@dataclass(frozen=True)
class OutboxMessageView:
    """A message of the outbox, without its text (the lists)."""

    id: int
    kind: str  # opened | deadline | digest | manual | returned | submitted
    round_id: int | None
    unit_code: str | None
    recipient: str
    language: str
    subject: str
    status: str  # queued | sent | failed
    attempts: int
    last_error: str  # "" when the last attempt did not fail
    created_at: dt.datetime
    created_by: str
    last_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None


@dataclass(frozen=True)
class OutboxMessageText(OutboxMessageView):
    """A message of the outbox with its text."""

    body: str


@dataclass(frozen=True)
class RetryResult:
    """A message tried again by hand: the delivery's counts and the message now."""

    sent: int
    retry_later: int
    failed: int
    errors: list[str]
    message: OutboxMessageText


@dataclass(frozen=True)
class OutboxCounts:
    """The outbox's messages by status, and the queued ones waiting after an error."""

    queued: int
    sent: int
    failed: int
    waiting_with_error: int


# ---------------------------------------------------------------- indicators (services/indicators.py)
# Their JSON (API, `indicators lagging --json`) is built by `to_dict()`, not by a
# schema: a figure leaves `numerator` and `denominator` out when it has none
# (`Figure.to_dict()`, docs/indicators.md §3), and that shape is kept.


@dataclass(frozen=True)
class IndicatorVersionView:
    """A published version of indicator definitions (docs/indicators.md §1)."""

    id: int
    family: str
    version: str
    title: str  # the Swedish title, as stored
    hash: str
    published_at: dt.datetime
    indicators: list[str]  # the ids it defines, in the file's order


@dataclass(frozen=True)
class IndicatorFamilyRef:
    """The definitions version that defines an indicator now (its family's latest)."""

    family: str
    version: str
    title: str


@dataclass(frozen=True)
class ImportSummary:
    """An accepted measurement import: what was stored (counts only; person
    identifiers never leave the CSV reader)."""

    import_id: int
    indicator: str
    layout: str  # aggregate-share | aggregate-value | persons
    rows: int  # measurements stored
    units: int
    periods: list[str]  # ascending
    replaced: int  # measurements of the same unit and period that it replaced
    persons: int  # person rows read (a count)


@dataclass(frozen=True)
class ImportRecord:
    """A past import of an indicator's measurements (the import page's list)."""

    id: int
    indicator: str
    layout: str
    period: str | None  # the period given for person rows
    row_count: int
    unit_count: int
    periods: list[str]
    imported_by: str
    imported_at: dt.datetime


@dataclass(frozen=True)
class Contact:
    """A respondent of a unit: whom to ask about the unit's figure."""

    username: str
    name: str  # the display name, or the user name without one
    email: str  # "" when unknown


@dataclass(frozen=True)
class LaggingUnit:
    """A unit below the target in a period: its figure (measured, or computed from its
    sub-units), how far below the target, and its respondents."""

    code: str
    name: str
    parent: str | None
    figure: Figure
    gap: float | None
    contacts: tuple[Contact, ...]

    @property
    def value(self) -> float:
        return self.figure.value

    @property
    def numerator(self) -> int | None:
        return self.figure.numerator

    @property
    def denominator(self) -> int | None:
        return self.figure.denominator

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "parent": self.parent, **self.figure.to_dict(),
                "gap": self.gap, "contacts": [asdict(c) for c in self.contacts]}


@dataclass(frozen=True)
class LaggingList:
    """The units below an indicator's target in one period (None: no measurements),
    worst first, with the kommun total of that period."""

    indicator: IndicatorDef
    period: str | None
    total: Figure | None
    units: tuple[LaggingUnit, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"indicator": self.indicator.to_dict(), "period": self.period,
                "total": self.total.to_dict() if self.total else None, "units": [u.to_dict() for u in self.units]}


@dataclass(frozen=True)
class LaggingAction:
    """The action put into a lagging unit's plan, and the plan after it."""

    plan_id: int
    action_id: int | None
    plan: PlanView


@dataclass(frozen=True)
class ShowPeriod:
    """One period of an indicator's `show`: the measured figure of every unit (by code,
    sorted) and the kommun total (None when nothing adds up to one)."""

    period: str
    units: dict[str, Figure]
    total: Figure | None

    def to_dict(self) -> dict[str, Any]:
        return {"period": self.period, "units": {c: f.to_dict() for c, f in self.units.items()},
                "total": self.total.to_dict() if self.total is not None else None}


@dataclass(frozen=True)
class IndicatorShow:
    """An indicator's measurements and kommun totals per period, ascending. `to_dict()`
    is the JSON of `indicators show --format json` (docs/indicators.md §3), a format:
    a figure leaves `numerator` and `denominator` out when it has none."""

    indicator: str
    kind: str
    direction: str
    target: float
    series: tuple[ShowPeriod, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "kind": self.kind, "direction": self.direction, "target": self.target,
                "series": [s.to_dict() for s in self.series]}


@dataclass(frozen=True)
class UnitFigure:
    """A unit's figure for an indicator in the latest period where it has one (measured,
    or computed from its sub-units), with the indicator's kind and source."""

    indicator: str
    period: str
    figure: Figure
    source: Text
    kind: str
