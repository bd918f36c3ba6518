"""Finding 2 of issue 14: backups held live sessions in plain text (file mode 0644), and
a tampered backup (a respondent made admin, a history row deleted, counts fixed)
restored without complaint. Now: no sessions, 0600, per-table SHA-256 digests signed
with BACKUP_SIGNING_KEY, and restore refuses any mismatch."""
from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.security.api_support import seed_round
from survey_engine.services import users as auth_service
from survey_engine.store import backup
from survey_engine.store.auth_tables import SessionRecord, User
from survey_engine.services import sessions
from tests.helpers.auth import ensure_units

pytestmark = pytest.mark.db
SURVEY_ENGINE = str(Path(sys.executable).with_name("survey-engine"))
KEY = b"k" * 40


async def _data():
    await seed_round(units=("a", "b"))
    await ensure_units("a")
    await auth_service.create_user("tests", "resp", "respondent", units=["a"], password="en lång fras med ord")
    await sessions.put("sessions:abc123", "sessions", b'{"uid": 1, "csrf": "secret"}', None)
    assert await SessionRecord.count() == 1


async def _backup_text(key=KEY) -> str:
    out = io.StringIO()
    await backup.write_backup(out, key=key)
    return out.getvalue()


async def test_backup_holds_no_sessions(db):
    await _data()
    text = await _backup_text()
    assert "auth_session" not in text and "abc123" not in text and "secret" not in text
    header, rows = backup.read_backup(iter(text.splitlines(True)), key=KEY)
    assert "auth_session" not in rows


def _tamper_role(text: str) -> str:
    """Make the respondent an admin, the way an attacker editing the file would."""
    lines = text.splitlines(True)
    for i, line in enumerate(lines):
        item = json.loads(line)
        if item.get("t") == "auth_user" and "resp" in item["r"]:
            lines[i] = line.replace('"respondent"', '"admin"')
            return "".join(lines)
    raise AssertionError("no respondent row")


def _delete_history_row_and_fix_counts(text: str) -> str:
    lines = text.splitlines(True)
    idx = next(i for i, l in enumerate(lines) if json.loads(l).get("t") == "answer_history")
    del lines[idx]
    trailer = json.loads(lines[-1])
    trailer["rows"]["answer_history"] -= 1
    lines[-1] = json.dumps(trailer) + "\n"
    return "".join(lines)


def _recompute_digests_without_key(text: str) -> str:
    """An attacker who changes a row and recomputes the digests, but has no key."""
    import hashlib

    text = _tamper_role(text)
    lines = text.splitlines(True)
    trailer = json.loads(lines[-1])
    digests = {}
    for line in lines[1:-1]:
        t = json.loads(line)["t"]
        digests.setdefault(t, hashlib.sha256()).update(line.rstrip("\n").encode() + b"\n")
    for name in trailer["digests"]:
        trailer["digests"][name] = digests[name].hexdigest() if name in digests else hashlib.sha256().hexdigest()
    lines[-1] = json.dumps(trailer) + "\n"
    return "".join(lines)


@pytest.mark.parametrize("tamper,message", [
    (_tamper_role, "auth_user: the SHA-256 digest"),
    (_delete_history_row_and_fix_counts, "signature"),
    (_recompute_digests_without_key, "signature"),
])
async def test_restore_refuses_a_tampered_backup(db, tamper, message):
    await _data()
    bad = tamper(await _backup_text())
    with pytest.raises(backup.BackupError, match=message):
        backup.read_backup(iter(bad.splitlines(True)), key=KEY)


async def test_a_row_changed_with_the_signature_recomputed_for_old_digests_is_refused(db):
    """The signature alone is not enough: each table's digest is checked too."""
    await _data()
    text = await _backup_text()
    bad = _tamper_role(text)
    lines = bad.splitlines(True)
    # re-sign the unchanged digests with the right key: the digest of auth_user no longer matches
    trailer = json.loads(lines[-1])
    trailer["signature"] = backup._signature(KEY, trailer)
    lines[-1] = json.dumps(trailer) + "\n"
    with pytest.raises(backup.BackupError, match="auth_user"):
        backup.read_backup(iter(lines), key=KEY)


async def test_another_key_is_refused_and_unsigned_is_refused(db):
    await _data()
    text = await _backup_text()
    with pytest.raises(backup.BackupError, match="signature"):
        backup.read_backup(iter(text.splitlines(True)), key=b"x" * 40)
    lines = text.splitlines(True)
    trailer = json.loads(lines[-1])
    del trailer["signature"], trailer["digests"]
    lines[-1] = json.dumps(trailer) + "\n"
    with pytest.raises(backup.BackupError, match="not signed"):
        backup.read_backup(iter(lines), key=KEY)


async def test_restore_of_an_intact_backup_works(db, reset_database):
    await _data()
    text = await _backup_text()
    header, rows = backup.read_backup(iter(text.splitlines(True)), key=KEY)
    await reset_database()
    await backup.restore_backup(header, rows)
    assert await User.select(User.role).where(User.username == "resp").first() == {"role": "respondent"}
    assert await SessionRecord.count() == 0


def test_the_command_writes_0600_and_needs_the_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env["SURVEY_ENGINE_SQLITE"] = str(tmp_path / "db.sqlite")
    subprocess.run([SURVEY_ENGINE, "db", "migrate"], env=env, capture_output=True, text=True, check=True)
    out = tmp_path / "backup.jsonl"
    proc = subprocess.run([SURVEY_ENGINE, "backup", str(out)], env={**env, "BACKUP_SIGNING_KEY": "k" * 40},
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    no_key = {k: v for k, v in env.items() if k != "BACKUP_SIGNING_KEY"}
    proc = subprocess.run([SURVEY_ENGINE, "backup", str(tmp_path / "b2.jsonl")], env=no_key,
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "BACKUP_SIGNING_KEY" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "b2.jsonl").exists()
    proc = subprocess.run([SURVEY_ENGINE, "restore", "--force", str(out)], env={**env, "BACKUP_SIGNING_KEY": "z" * 40},
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "signature" in proc.stderr
