from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-02T02:30:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Per-question merge (issue 15): fill answer.revision from the answer history"

# The revision of the newest history row of each answer (0 for an answer without one).
BACKFILL = """
UPDATE answer SET revision = COALESCE((
    SELECT MAX(h.revision) FROM answer_history h
    WHERE h.response = answer.response AND h.question_id = answer.question_id
), 0)
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="survey_engine", description=DESCRIPTION)

    async def backfill():
        await engine_finder().run_ddl(BACKFILL)

    manager.add_raw(backfill)
    return manager
