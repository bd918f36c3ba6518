"""Tables for shared answers (provided controls, docs/shared-answers.md).

Kept beside tables.py so that the app's table_finder picks them up (see piccolo_app.py).
Keep migrations to add-table / add-column.
"""
from piccolo.columns import ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from survey_engine.store.tables import Response, Round, Unit


class ProviderLink(Table, tablename="provider_link"):
    """In one round, `provider` answers the questions picked by `selector` for `served`.

    `selector` is "area:<area id>" or "tag:<tag>" of the round's questionnaire version.
    One row per served unit, so that a unit can be added or removed on its own."""

    key = Varchar(length=400, unique=True)  # "<round id>:<served unit id>:<selector>"
    round = ForeignKey(Round, null=False, index=True)
    provider = ForeignKey(Unit, null=False, index=True)
    served = ForeignKey(Unit, null=False, index=True)
    selector = Varchar(length=250)
    created_at = Timestamptz(default=TimestamptzNow())
    created_by = Varchar(length=200, default="")


class ProvidedOverride(Table, tablename="provided_override"):
    """A served unit answers a provided question itself: its own answer (kept in the
    answer table like any other) wins over the provider's, for the reason given."""

    key = Varchar(length=260, unique=True)  # "<response id>:<question id>"
    response = ForeignKey(Response, null=False, index=True)
    question_id = Varchar(length=200)
    reason = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    created_by = Varchar(length=200, default="")
