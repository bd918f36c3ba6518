"""Issue 14: sessions end when credentials change, and the audit log becomes a hash chain.

- auth_user.credentials_changed_at: sessions that began before it are refused
  (password change, disable, role change, "log out everywhere");
- auth_audit_event.prev_hash / hash: the chain (store/audit_chain.py); existing events
  are chained in id order here;
- every existing session row is deleted: ids are stored hashed from now on, so the old
  rows could never be found again (people simply log in again).
"""
from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T02:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "session invalidation, hashed session ids, audit hash chain"


def _params(**extra):
    return {
        "primary_key": False, "unique": False, "index": False, "index_method": IndexMethod.btree,
        "choices": None, "db_column_name": None, "secret": False, **extra,
    }


async def _sessions_out_and_chain_in():
    from survey_engine.store.audit_chain import row_hash
    from survey_engine.store.auth_tables import AuditEvent, SessionRecord

    await SessionRecord.delete(force=True)
    prev = ""
    last = 0
    while True:
        rows = await AuditEvent.select(
            AuditEvent.id, AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.object_type,
            AuditEvent.object_id, AuditEvent.unit, AuditEvent.details,
        ).where(AuditEvent.id > last).order_by(AuditEvent.id).limit(1000)
        if not rows:
            break
        for row in rows:
            h = row_hash(row, prev)
            await AuditEvent.update({AuditEvent.prev_hash: prev, AuditEvent.hash: h}).where(AuditEvent.id == row["id"])
            prev, last = h, row["id"]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="auth", description=DESCRIPTION)
    manager.add_column(
        table_class_name="User", tablename="auth_user", column_name="credentials_changed_at",
        db_column_name="credentials_changed_at", column_class_name="Timestamptz", column_class=Timestamptz,
        params=_params(default=None, null=True), schema=None,
    )
    for name in ("prev_hash", "hash"):
        manager.add_column(
            table_class_name="AuditEvent", tablename="auth_audit_event", column_name=name,
            db_column_name=name, column_class_name="Varchar", column_class=Varchar,
            params=_params(default="", null=False, length=64), schema=None,
        )
    manager.add_raw(_sessions_out_and_chain_in)
    return manager
