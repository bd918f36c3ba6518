"""Backup and restore carry the evidence files byte for byte (docs/evidence.md,
"Backup"), whether the installation keeps them in the database or in a folder, also
when the backup moves them from one to the other; a missing folder file stops the
backup with its name instead of leaving it out."""
from __future__ import annotations

import hashlib
import io

import pytest

from tests.helpers.auth import ensure_units
from tests.helpers.evidence_files import docx_bytes, jpeg_bytes, pdf_bytes, png_bytes
from survey_engine.errors import NotFound
from survey_engine.services import evidence, responses
from survey_engine.services.access import system_actor
from survey_engine.store import backup
from survey_engine.store.evidence_tables import EvidenceFile
from tests.survey_samples import V2024, setup_round

KEY = b"k" * 40
SYSTEM = system_actor("tests")
FILES = [("policy", "Policy.pdf", pdf_bytes), ("policy", "Bild å.png", png_bytes), ("risk", "Riskanalys.docx", docx_bytes),
         ("mal", "foto.jpg", jpeg_bytes), ("ansvar", "rutin.txt", lambda: "Ansvar för loggar\n".encode()),
         ("risk", "stor.pdf", lambda: b"%PDF-1.4\n" + bytes(range(256)) * 8000)]


async def _with_files() -> dict[int, bytes]:
    rnd = await setup_round(V2024, ("a",))
    await ensure_units("a")
    state, _ = await responses.start_response(rnd.id, "a", actor=SYSTEM)
    stored = {}
    for question, name, make in FILES:
        data = make()
        item = await evidence.add_file(state.id, question, name, data, actor=SYSTEM)
        stored[item["id"]] = data
    return stored


async def _round_trip(reset_database) -> None:
    out = io.StringIO()
    counts = await backup.write_backup(out, key=KEY)
    assert counts["evidence_file"] == len(FILES)
    await reset_database()
    assert await EvidenceFile.count() == 0
    header, rows = backup.read_backup(iter(out.getvalue().splitlines(True)), key=KEY)
    await backup.restore_backup(header, rows, force=True)


async def _check(stored: dict[int, bytes]) -> None:
    for evidence_id, data in stored.items():
        info, got = await evidence.get_file(evidence_id, actor=SYSTEM)
        assert got == data and info["sha256"] == hashlib.sha256(data).hexdigest()


async def test_database_storage_round_trips_byte_for_byte(db, reset_database):
    stored = await _with_files()
    await _round_trip(reset_database)
    await _check(stored)
    names = {r["name"] for r in await EvidenceFile.select(EvidenceFile.name)}
    assert names == {name for _, name, _ in FILES}


async def test_folder_storage_round_trips_byte_for_byte(db, reset_database, tmp_path, monkeypatch):
    monkeypatch.setenv("SURVEY_ENGINE_EVIDENCE_DIR", str(tmp_path / "from"))
    stored = await _with_files()
    out = io.StringIO()
    await backup.write_backup(out, key=KEY)
    await reset_database()
    monkeypatch.setenv("SURVEY_ENGINE_EVIDENCE_DIR", str(tmp_path / "to"))  # a new server's folder
    header, rows = backup.read_backup(iter(out.getvalue().splitlines(True)), key=KEY)
    await backup.restore_backup(header, rows, force=True)
    await _check(stored)
    assert len([p for p in (tmp_path / "to").rglob("*") if p.is_file()]) == len(FILES)
    assert {r["storage"] for r in await EvidenceFile.select(EvidenceFile.storage)} == {"dir"}


async def test_folder_to_database(db, reset_database, tmp_path, monkeypatch):
    monkeypatch.setenv("SURVEY_ENGINE_EVIDENCE_DIR", str(tmp_path))
    stored = await _with_files()
    out = io.StringIO()
    await backup.write_backup(out, key=KEY)
    await reset_database()
    monkeypatch.delenv("SURVEY_ENGINE_EVIDENCE_DIR")
    header, rows = backup.read_backup(iter(out.getvalue().splitlines(True)), key=KEY)
    await backup.restore_backup(header, rows, force=True)
    await _check(stored)
    assert {r["storage"] for r in await EvidenceFile.select(EvidenceFile.storage)} == {"db"}


async def test_a_missing_folder_file_stops_the_backup(db, tmp_path, monkeypatch):
    monkeypatch.setenv("SURVEY_ENGINE_EVIDENCE_DIR", str(tmp_path))
    await _with_files()
    victim = sorted(p for p in tmp_path.rglob("*") if p.is_file())[0]
    victim.unlink()
    with pytest.raises(backup.BackupError, match="evidence file"):
        await backup.write_backup(io.StringIO(), key=KEY)


# ---------------------------------------------------------------- restore --force and the folder

def _folder_files(folder) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


async def test_a_forced_restore_removes_the_replaced_datas_folder_files(db, tmp_path, monkeypatch):
    folder = tmp_path / "ev"
    monkeypatch.setenv("SURVEY_ENGINE_EVIDENCE_DIR", str(folder))
    stored = await _with_files()
    out = io.StringIO()
    await backup.write_backup(out, key=KEY)
    # after the backup: one more upload (not in the backup), and files that are not ours
    state_id = (await EvidenceFile.select(EvidenceFile.response).first())["response"]
    later = await evidence.add_file(state_id, "policy", "Senare.pdf", pdf_bytes(), actor=SYSTEM)
    (folder / "LÄS MIG.txt").write_text("inte vår", encoding="utf-8")
    (folder / "ab").mkdir(exist_ok=True)
    (folder / "ab" / "anteckning.txt").write_text("inte heller", encoding="utf-8")
    before = _folder_files(folder)
    assert len(before) == len(FILES) + 3
    header, rows = backup.read_backup(iter(out.getvalue().splitlines(True)), key=KEY)
    report: dict = {}
    await backup.restore_backup(header, rows, force=True, report=report)  # over the live data
    await _check(stored)
    keys = {r["blob_key"] for r in await EvidenceFile.select(EvidenceFile.blob_key)}
    after = _folder_files(folder)
    # exactly the restored rows' files, plus what is not named like ours
    assert after == {f"{k[:2]}/{k}" for k in keys} | {"LÄS MIG.txt", "ab/anteckning.txt"}
    assert not (before & after) - {"LÄS MIG.txt", "ab/anteckning.txt"}  # every old file is gone
    assert report == {"evidence_files_removed": len(FILES) + 1, "evidence_files_not_removed": []}
    with pytest.raises(NotFound):  # the later upload is not in the backup
        await evidence.get_file(later["id"], actor=SYSTEM)


async def test_a_failed_forced_restore_keeps_the_old_files(db, tmp_path, monkeypatch):
    folder = tmp_path / "ev"
    monkeypatch.setenv("SURVEY_ENGINE_EVIDENCE_DIR", str(folder))
    stored = await _with_files()
    out = io.StringIO()
    await backup.write_backup(out, key=KEY)
    before = _folder_files(folder)
    header, rows = backup.read_backup(iter(out.getvalue().splitlines(True)), key=KEY)
    real_write, calls = backup.evidence_blobs.write, []

    def failing_write(where, key, data):
        calls.append(key)
        if len(calls) == 3:
            raise backup.evidence_blobs.BlobError("disk full")
        real_write(where, key, data)

    monkeypatch.setattr(backup.evidence_blobs, "write", failing_write)
    with pytest.raises(backup.evidence_blobs.BlobError):
        await backup.restore_backup(header, rows, force=True)
    assert _folder_files(folder) == before  # nothing removed, the restore's own files taken back
    await _check(stored)  # the old data still reads


def test_sweep_leaves_files_written_meanwhile(tmp_path):
    import os
    import time

    from survey_engine.store import evidence_blobs
    old, new = evidence_blobs.new_key(), evidence_blobs.new_key()
    evidence_blobs.write(tmp_path, old, b"gammal")
    os.utime(tmp_path / old[:2] / old, (time.time() - 60, time.time() - 60))
    started = time.time() - 30
    evidence_blobs.write(tmp_path, new, b"ny")  # after the restore began: kept
    assert evidence_blobs.sweep(tmp_path, set(), started) == (1, [])
    assert _folder_files(tmp_path) == {f"{new[:2]}/{new}"}
    assert evidence_blobs.sweep(tmp_path / "saknas", set(), time.time()) == (0, [])


def test_the_restore_command_says_how_many_old_files_it_removed(db, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from survey_engine.cli import main
    from survey_engine.cli.common import run_db

    folder = tmp_path / "ev"
    monkeypatch.setenv("SURVEY_ENGINE_EVIDENCE_DIR", str(folder))
    monkeypatch.setenv("BACKUP_SIGNING_KEY", KEY.decode())
    run_db(_with_files)
    target = tmp_path / "kopia.jsonl"
    done = CliRunner().invoke(main, ["backup", str(target)])
    assert done.exit_code == 0, done.output
    done = CliRunner().invoke(main, ["restore", "--force", str(target)])
    assert done.exit_code == 0, done.output
    assert f"{len(FILES)} filer från den ersatta databasen" in done.output
    assert len(_folder_files(folder)) == len(FILES)
