"""Backup and restore carry the evidence files byte for byte (docs/evidence.md,
"Backup"), whether the installation keeps them in the database or in a folder, also
when the backup moves them from one to the other; a missing folder file stops the
backup with its name instead of leaving it out."""
from __future__ import annotations

import hashlib
import io

import pytest

from helpers.auth import ensure_units
from helpers.evidence_files import docx_bytes, jpeg_bytes, pdf_bytes, png_bytes
from survey_engine.services import evidence, responses
from survey_engine.services.access import system_actor
from survey_engine.store import backup
from survey_engine.store.evidence_tables import EvidenceFile
from survey_samples import V2024, setup_round

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
