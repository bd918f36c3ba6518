"""The sign-off table: every decision of an approver (förvaltningschef) on a submitted
response, appended and never changed (rules: docs/sign-off.md).

Kept in its own module beside tables.py so that the app's table_finder picks it up
(store/piccolo_app.py) without touching the response tables. Keep migrations to
add-table / add-column.
"""
from piccolo.columns import ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from survey_engine.store.tables import Response


class ResponseSignoff(Table, tablename="response_signoff"):
    """One decision: `approved` or `returned`, about the response as it stood at
    `revision` (the revision the submission produced). An approval holds only while the
    response is still submitted at that same revision: reopening or submitting again
    moves the revision on, so an older approval no longer matches (services/signoff.py)."""

    response = ForeignKey(Response, null=False, index=True, on_delete=OnDelete.cascade)
    decision = Varchar(length=20)  # approved | returned
    revision = Integer(default=0)
    comment = Text(default="")
    decided_by = Varchar(length=200, default="")
    decided_at = Timestamptz(default=TimestamptzNow())
