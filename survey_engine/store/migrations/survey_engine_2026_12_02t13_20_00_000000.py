from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete
from piccolo.columns.base import OnUpdate
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import Serial
from piccolo.columns.column_types import Text
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.column_types import Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class Response(Table, tablename="response", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


ID = "2026-12-02T13:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "sign-off: the approvers' decisions on submitted responses (issue 17, item 2)"


def _params(**extra):
    params = {
        "default": "",
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }
    params.update(extra)
    return params


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="survey_engine", description=DESCRIPTION)

    manager.add_table(class_name="ResponseSignoff", tablename="response_signoff", schema=None, columns=None)

    def column(name, class_name, cls, params):
        manager.add_column(
            table_class_name="ResponseSignoff",
            tablename="response_signoff",
            column_name=name,
            db_column_name=name,
            column_class_name=class_name,
            column_class=cls,
            params=params,
            schema=None,
        )

    column("response", "ForeignKey", ForeignKey, _params(
        default=None, index=True, references=Response, on_delete=OnDelete.cascade, on_update=OnUpdate.cascade,
        target_column=None))
    column("decision", "Varchar", Varchar, _params(length=20))
    column("revision", "Integer", Integer, _params(default=0))
    column("comment", "Text", Text, _params())
    column("decided_by", "Varchar", Varchar, _params(length=200))
    column("decided_at", "Timestamptz", Timestamptz, _params(default=TimestamptzNow()))
    return manager
