"""Piccolo tables. Keep migrations to add-table / add-column: SQLite cannot alter columns."""
from piccolo.columns import JSON, Text, Timestamptz, Varchar
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
