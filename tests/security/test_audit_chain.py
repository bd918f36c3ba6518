"""Finding 10 of issue 14: the audit log was a plain table. Each event now carries a
hash chained to the one before; `survey-engine audit verify` names the first broken
link. Logins, logouts, exports, report downloads, backups and restores are events;
old login attempts and expired sessions are pruned."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from litestar.testing import AsyncTestClient

from tests.security.api_support import seed_round
from tests.helpers.auth import make_token
from survey_engine import clock
from survey_engine.services import audit, reports, sessions
from survey_engine.services import users as auth_service
from survey_engine.store.auth_tables import AuditEvent, LoginAttempt, SessionRecord
from survey_engine.web import create_app

pytestmark = pytest.mark.db
API = "/api/v1"
PASSWORD = "korrekt häst batteri häftklammer"


async def _events(n=6):
    for i in range(n):
        await audit.record("tests", "test.event", "thing", i, details={"i": i, "text": "åäö"})


async def test_an_untouched_chain_verifies(db):
    await _events()
    report = await audit.verify_chain()
    assert report.ok and report.checked == 6


async def test_a_changed_row_is_found(db):
    await _events()
    ids = [r["id"] for r in await AuditEvent.select(AuditEvent.id).order_by(AuditEvent.id)]
    await AuditEvent.update({AuditEvent.actor: "someone-else"}).where(AuditEvent.id == ids[3])
    report = await audit.verify_chain()
    assert not report.ok and report.broken_at == ids[3] and report.checked == 3
    assert "changed" in report.problem


async def test_a_changed_row_with_its_hash_recomputed_is_found_at_the_next(db):
    from survey_engine.store.audit_chain import row_hash

    await _events()
    rows = await AuditEvent.select().order_by(AuditEvent.id)
    victim = dict(rows[2], details='{"i": 99}')
    await AuditEvent.update({AuditEvent.details: victim["details"], AuditEvent.hash: row_hash(victim, victim["prev_hash"])}
                            ).where(AuditEvent.id == victim["id"])
    report = await audit.verify_chain()
    assert not report.ok and report.broken_at == rows[3]["id"]


async def test_a_deleted_row_is_found(db):
    await _events()
    ids = [r["id"] for r in await AuditEvent.select(AuditEvent.id).order_by(AuditEvent.id)]
    await AuditEvent.delete().where(AuditEvent.id == ids[2])
    report = await audit.verify_chain()
    assert not report.ok and report.broken_at == ids[3] and "deleted" in report.problem


@pytest.fixture
async def six_events(db):
    await _events()
    return [r["id"] for r in await AuditEvent.select(AuditEvent.id).order_by(AuditEvent.id)]


def test_the_command_reports_the_first_broken_link(six_events):
    import asyncio

    from survey_engine.cli import main

    ids = six_events
    ok = CliRunner().invoke(main, ["audit", "verify"])
    assert ok.exit_code == 0 and "6" in ok.output, ok.output
    asyncio.run(AuditEvent.delete().where(AuditEvent.id == ids[1]).run())
    broken = CliRunner().invoke(main, ["audit", "verify"])
    assert broken.exit_code == 1 and str(ids[2]) in broken.output, broken.output


async def test_logins_logouts_and_downloads_are_events(db):
    seeded = await seed_round(units=("a", "b", "c", "d"))
    await auth_service.create_user("tests", "anna", "analyst", password=PASSWORD)
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as c:
        assert (await c.post(f"{API}/auth/login", json={"username": "anna", "password": "fel fel fel fel"})).status_code == 401
        r = await c.post(f"{API}/auth/login", json={"username": "anna", "password": PASSWORD})
        csrf = r.json()["csrf_token"]
        assert (await c.get(f"{API}/rounds/{seeded['round']}/export")).status_code == 200
        assert (await c.post(f"{API}/auth/logout", headers={"X-CSRF-Token": csrf})).status_code == 200
    await reports.city_report(seeded["round"], "html", include_drafts=True)
    actions = [e.action for e in await audit.list_events(audit.AuditFilter(), limit=100)]
    for action in ("login.failed", "login.success", "export.round", "logout", "report.city"):
        assert action in actions, (action, actions)
    assert (await audit.verify_chain()).ok


async def test_audit_csv_has_one_charset(db):
    admin = await make_token("admin")
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as c:
        r = await c.get(f"{API}/audit/export.csv", headers={"Authorization": f"Bearer {admin}"})
    assert r.status_code == 200
    assert r.headers["content-type"].count("charset") == 1


@pytest.fixture
async def prunable(db):
    old = clock.now() - dt.timedelta(days=40)
    await LoginAttempt.insert(LoginAttempt(at=old, username="x", address="1.2.3.4", success=False, reason="password"),
                              LoginAttempt(at=clock.now(), username="y", address="1.2.3.4", success=False,
                                           reason="password"))
    await sessions.put("sessions:old", "sessions", b"{}", dt.timedelta(seconds=-5))
    await sessions.put("sessions:new", "sessions", b"{}", dt.timedelta(hours=1))


def test_prune_removes_old_attempts_and_expired_sessions(prunable):
    import asyncio

    from survey_engine.cli import main

    r = CliRunner().invoke(main, ["db", "prune"])
    assert r.exit_code == 0, r.output

    async def check():
        assert await LoginAttempt.count() == 1 and await SessionRecord.count() == 1
        assert "retention.prune" in [e.action for e in await audit.list_events(audit.AuditFilter())]

    asyncio.run(check())


def test_backup_and_restore_are_events(tmp_path):
    exe = str(Path(sys.executable).with_name("survey-engine"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SURVEY_ENGINE_SQLITE"] = str(tmp_path / "a.sqlite")
    subprocess.run([exe, "db", "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([exe, "backup", str(tmp_path / "b.jsonl")], env=env, check=True, capture_output=True)
    env2 = dict(env, SURVEY_ENGINE_SQLITE=str(tmp_path / "b.sqlite"))
    subprocess.run([exe, "restore", str(tmp_path / "b.jsonl")], env=env2, check=True, capture_output=True)
    import sqlite3

    for path, action in ((tmp_path / "a.sqlite", "backup.create"), (tmp_path / "b.sqlite", "backup.restore")):
        with sqlite3.connect(path) as conn:
            actions = [r[0] for r in conn.execute("SELECT action FROM auth_audit_event")]
        assert action in actions, (path, actions)
    verify = subprocess.run([exe, "audit", "verify"], env=env2, capture_output=True, text=True)
    assert verify.returncode == 0, verify.stderr
