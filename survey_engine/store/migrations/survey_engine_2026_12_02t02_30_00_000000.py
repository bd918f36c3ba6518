from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T02:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "Per-question merge (issue 15): answer.revision, the response revision at which the "
    "answer last changed (filled from the history by the next migration)"
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="survey_engine", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Answer",
        tablename="answer",
        column_name="revision",
        db_column_name="revision",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 0,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
