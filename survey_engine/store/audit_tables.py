"""Tables for audits (granskningar), their recommendations and the links to plan actions,
questions, areas and indicators (docs/indicators.md §4).

Kept beside tables.py so that the app's table_finder picks them up (see piccolo_app.py).
Links to questions, areas and indicators are ids kept as JSON lists: they name things
in versioned data files (a questionnaire family, an indicator family), not rows. The
link to plan actions is a real many-to-many table, since actions are rows.
"""
from piccolo.columns import Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from survey_engine.store.tables import PlanAction


class Audit(Table, tablename="audit_review"):
    """An audit report (granskning): who audited, when, and what it is called."""

    key = Varchar(length=100, unique=True)  # the audit's id from its file, e.g. it-sakerhet-2024
    title = Varchar(length=500)
    auditor = Varchar(length=300)
    audit_date = Date()
    content_hash = Varchar(length=80, default="")
    source_text = Text(default="")  # the imported YAML, as read
    created_by = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_by = Varchar(length=200, default="")
    updated_at = Timestamptz(default=TimestamptzNow())


class Recommendation(Table, tablename="audit_recommendation"):
    """One recommendation of an audit. `questions`, `areas` and `indicators` are JSON
    lists of ids (Text columns holding JSON text, as Answer.value)."""

    key = Varchar(length=210, unique=True)  # "<audit key>:<recommendation id>"
    audit = ForeignKey(Audit, null=False, index=True, on_delete=OnDelete.cascade)
    rec_id = Varchar(length=100)
    text_sv = Text()
    text_en = Text(default="")
    responsible = Varchar(length=300, default="")
    family = Varchar(length=100, default="")
    questions = Text(default="[]")
    areas = Text(default="[]")
    indicators = Text(default="[]")
    sort_order = Integer(default=0)
    updated_by = Varchar(length=200, default="")
    updated_at = Timestamptz(default=TimestamptzNow())


class RecommendationAction(Table, tablename="audit_recommendation_action"):
    """A plan action answers a recommendation (many to many)."""

    key = Varchar(length=60, unique=True)  # "<recommendation id>:<action id>"
    recommendation = ForeignKey(Recommendation, null=False, index=True, on_delete=OnDelete.cascade)
    action = ForeignKey(PlanAction, null=False, index=True, on_delete=OnDelete.cascade)
    created_by = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())
