"""Piccolo tables. Keep migrations to add-table / add-column: SQLite cannot alter columns.

Uniqueness across several columns (one response per round and unit, one answer per
response and question) is kept by a `key` column with a unique constraint, so that
both databases enforce it the same way.
"""
from piccolo.columns import (
    JSON,
    Date,
    Float,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table


class QuestionnaireVersion(Table, tablename="questionnaire_version"):
    """A published, immutable questionnaire version: its source text and canonical hash."""

    # "family@version": unique, so two publishers cannot race the same version in.
    key = Varchar(length=130, unique=True)
    family = Varchar(length=100, index=True)
    version = Varchar(length=20)
    title = Varchar(length=500)
    content_hash = Varchar(length=80)
    source_text = Text()
    content = JSON()
    published_at = Timestamptz()


class Unit(Table, tablename="unit"):
    """An organisation that answers: a kommun or one of its förvaltningar."""

    code = Varchar(length=40, unique=True)
    name = Varchar(length=300)
    # e.g. the number of employees; used as the unit weight in roll-ups
    weight = Float(default=1.0)
    parent = ForeignKey(LazyTableReference("Unit", module_path=__name__), null=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Round(Table, tablename="survey_round"):
    """A survey round on one frozen questionnaire version: draft -> open -> closed."""

    name = Varchar(length=300)
    questionnaire = ForeignKey(QuestionnaireVersion, null=False)
    status = Varchar(length=20, default="draft", index=True)
    opens_on = Date(null=True, default=None)
    closes_on = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    opened_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    created_by = Varchar(length=200, default="")


class RoundUnit(Table, tablename="round_unit"):
    """A unit taking part in a round."""

    key = Varchar(length=60, unique=True)  # "<round id>:<unit id>"
    round = ForeignKey(Round, null=False)
    unit = ForeignKey(Unit, null=False)


class Response(Table, tablename="response"):
    """One unit's response in one round; `revision` grows with every successful save."""

    key = Varchar(length=60, unique=True)  # "<round id>:<unit id>"
    round = ForeignKey(Round, null=False, index=True)
    unit = ForeignKey(Unit, null=False)
    status = Varchar(length=20, default="draft")
    revision = Integer(default=0)
    prefilled_from = Integer(null=True, default=None)  # id of the earlier response
    started_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    submitted_at = Timestamptz(null=True, default=None)
    started_by = Varchar(length=200, default="")


class Answer(Table, tablename="answer"):
    """The current answer to one question of a response (value stored as JSON)."""

    key = Varchar(length=260, unique=True)  # "<response id>:<question id>"
    response = ForeignKey(Response, null=False, index=True)
    question_id = Varchar(length=200)
    # JSON text, NULL = unanswered. A Text column, not JSON: SQLite gives a JSON
    # column NUMERIC affinity and would turn the text "72" into the integer 72.
    value = Text(null=True, default=None)
    comment = Text(default="")
    evidence = Text(default="")
    updated_by = Varchar(length=200, default="")
    updated_at = Timestamptz(default=TimestamptzNow())
    # The response revision at which this answer last changed: a save based on an
    # earlier revision conflicts on this question only (per-question merge, docs/benchmarks.md).
    revision = Integer(default=0)


class AnswerHistory(Table, tablename="answer_history"):
    """Append-only log of every change to an answer: never updated, never deleted."""

    response = ForeignKey(Response, null=False, index=True)
    question_id = Varchar(length=200)
    revision = Integer(default=0)  # the response revision this change produced
    old_value = Text(null=True, default=None)  # JSON text, as Answer.value
    new_value = Text(null=True, default=None)
    old_comment = Text(default="")
    new_comment = Text(default="")
    old_evidence = Text(default="")
    new_evidence = Text(default="")
    actor = Varchar(length=200, default="")
    changed_at = Timestamptz(default=TimestamptzNow())


class ScoreSnapshot(Table, tablename="score_snapshot"):
    """The scores stored at submission, with the engine's and questionnaire's identity."""

    response = ForeignKey(Response, null=False, index=True)
    revision = Integer(default=0)
    engine_version = Varchar(length=40)
    questionnaire_hash = Varchar(length=80)
    result = JSON()
    created_at = Timestamptz(default=TimestamptzNow())
    created_by = Varchar(length=200, default="")


class Plan(Table, tablename="improvement_plan"):
    """A saved improvement plan: a förvaltning's (unit set) or the city roll-up's
    (unit NULL), made from one round. `revision` grows with every change, so two
    planners editing at once cannot overwrite each other silently."""

    title = Varchar(length=300, default="")
    unit = ForeignKey(Unit, null=True, index=True)  # NULL: the city roll-up
    round = ForeignKey(Round, null=False, index=True)
    response = ForeignKey(Response, null=True)  # the source response (unit plans)
    questionnaire = ForeignKey(QuestionnaireVersion, null=False)
    rollup_method = Varchar(length=20, default="")  # city plans: weakest | mean
    start_period = Varchar(length=10)
    periods = Integer(default=4)
    capacity = Integer(default=10)
    revision = Integer(default=0)
    created_by = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_by = Varchar(length=200, default="")
    updated_at = Timestamptz(default=TimestamptzNow())


class PlanAction(Table, tablename="improvement_plan_action"):
    """One action of a plan: a question of the plan's questionnaire version, or a
    free-standing action of the planners' own (question_id NULL, own title)."""

    plan = ForeignKey(Plan, null=False, index=True)
    question_id = Varchar(length=200, null=True, default=None)
    title = Varchar(length=500, default="")
    area = Varchar(length=200, default="")
    level = Integer(null=True, default=None)
    priority = Float(null=True, default=None)
    kind = Varchar(length=20, default="improve")  # improve | investigate | own
    credit = Float(null=True, default=None)  # the credit when the plan was made
    effort = Integer(null=True, default=None)
    period = Varchar(length=10, null=True, default=None)  # NULL: the backlog
    owner = Varchar(length=200, default="")
    status = Varchar(length=20, default="planned")
    due_date = Date(null=True, default=None)
    # the day the action was marked done (docs/indicators.md D10): set when the status
    # becomes done, editable, cleared when it leaves done; the statement reads it
    done_on = Date(null=True, default=None)
    note = Text(default="")
    sort_order = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
