"""Tables for measured indicators: published indicator versions, measurements and the
record of each import (docs/indicators.md §1–§2).

Kept beside tables.py so that the app's table_finder picks them up (see piccolo_app.py).
No column ever holds a person identifier: person-row files are reduced to per-unit
numerator and denominator before anything is stored.
"""
from piccolo.columns import Float, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from survey_engine.store.tables import Unit


class IndicatorVersion(Table, tablename="indicator_version"):
    """A published, immutable version of a family of indicator definitions."""

    key = Varchar(length=130, unique=True)  # "family@version"
    family = Varchar(length=100, index=True)
    version = Varchar(length=20)
    title = Varchar(length=500)
    content_hash = Varchar(length=80)
    source_text = Text()
    content = Text()  # JSON text: the definitions as IndicatorDef.to_dict() items
    published_at = Timestamptz(default=TimestamptzNow())
    published_by = Varchar(length=200, default="")


class IndicatorImport(Table, tablename="indicator_import"):
    """One accepted import of measurements (rejected imports store nothing)."""

    indicator = Varchar(length=100, index=True)
    layout = Varchar(length=20)  # aggregate-share | aggregate-value | persons
    period = Varchar(length=10, null=True, default=None)  # the --period of person rows
    row_count = Integer(default=0)  # measurements stored
    unit_count = Integer(default=0)
    periods = Text(default="")  # JSON list of the periods touched
    imported_by = Varchar(length=200, default="")
    imported_at = Timestamptz(default=TimestamptzNow())


class IndicatorMeasurement(Table, tablename="indicator_measurement"):
    """(indicator, unit, period) -> numbers. Importing the same key again replaces it."""

    key = Varchar(length=160, unique=True)  # "<indicator>|<unit id>|<period>"
    indicator = Varchar(length=100, index=True)
    unit = ForeignKey(Unit, null=False, index=True)
    period = Varchar(length=10)
    numerator = Integer(null=True, default=None)  # shares only
    denominator = Integer(null=True, default=None)  # shares only
    value = Float()  # numerator / denominator for shares
    import_id = Integer(null=True, default=None)  # the IndicatorImport that stored it
    imported_by = Varchar(length=200, default="")
    imported_at = Timestamptz(default=TimestamptzNow())
