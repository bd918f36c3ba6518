"""Evidence files through the service (docs/evidence.md): types found from the content,
names cleaned, limits, permissions of the answer, storage in the database or a folder,
checksums, audit events, and nothing half-stored."""
from __future__ import annotations

import hashlib

import pytest

from tests.helpers.auth import ensure_units
from tests.helpers.evidence_files import (
    docx_bytes, exe_bytes, jpeg_bytes, odt_bytes, pdf_bytes, png_bytes, xlsx_bytes,
)
from survey_engine.errors import (
    Conflict, Invalid, Locked, PermissionDenied, StoredFileDamaged, TooLarge, UnsupportedType,
)
from survey_engine.services import audit, evidence, responses, rounds
from survey_engine.services.access import system_actor
from survey_engine.services.policy import Principal, Role
from survey_engine.store.evidence_tables import EvidenceFile
from tests.survey_samples import V2024, setup_round

ADMIN = system_actor("tests")


# ---------------------------------------------------------------- pure rules

@pytest.mark.parametrize("make, kind", [
    (pdf_bytes, "pdf"), (png_bytes, "png"), (jpeg_bytes, "jpeg"), (docx_bytes, "docx"), (xlsx_bytes, "xlsx"),
    (odt_bytes, "odt"), (lambda: "Rutin för säkerhetskopior\r\n\tsteg 1\n".encode(), "txt"),
])
def test_detect_finds_every_accepted_type_from_the_content(make, kind):
    assert evidence.detect(make(), "x") == kind


@pytest.mark.parametrize("data, why", [
    (exe_bytes(), "Windows-program"),
    (b"", "tom"),
    (b"hej\x00d\x1b[31m", "tillåten typ"),
    ("åäö".encode("latin-1"), "tillåten typ"),
    (docx_bytes(macros=True), "makron"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "äldre Office"),
    (b"PK\x03\x04 broken", "trasig"),
])
def test_detect_refuses_other_content_with_the_reason(data, why):
    with pytest.raises(UnsupportedType) as exc:
        evidence.detect(data, "rapport.pdf")
    assert exc.value.status_code == 415
    assert "rapport.pdf" in exc.value.text.sv and why in exc.value.text.sv
    assert "PDF" in exc.value.text.en and "upload it again" in exc.value.text.en


@pytest.mark.parametrize("raw, kind, expected", [
    ("C:\\Users\\x\\Årsrapport över säkerhet.pdf", "pdf", "Årsrapport över säkerhet.pdf"),
    ("../../etc/passwd", "txt", "passwd.txt"),
    ("bild\u202egnp.exe", "png", "bildgnp.exe.png"),
    ("a\x00b\nc.docx", "docx", "ab c.docx"),
    ("...", "pdf", "fil.pdf"),
    ("foto.JPG", "jpeg", "foto.jpg"),
    ('x<>:"|?*.txt', "txt", "x_______.txt"),
    ("rapport.txt", "pdf", "rapport.txt.pdf"),
])
def test_clean_name(raw, kind, expected):
    assert evidence.clean_name(raw, kind) == expected


def test_clean_name_limits_the_length_and_keeps_the_extension():
    name = evidence.clean_name("å" * 500 + ".pdf", "pdf")
    assert len(name) == evidence.MAX_NAME and name.endswith("å.pdf")


def test_content_disposition_has_an_ascii_name_and_the_exact_utf8_name():
    header = evidence.content_disposition('Åtgärd "plan" ö.pdf')
    assert header == ("attachment; filename=\"Atgard _plan_ o.pdf\"; "
                      "filename*=UTF-8''%C3%85tg%C3%A4rd%20%22plan%22%20%C3%B6.pdf")


# ---------------------------------------------------------------- with the database

@pytest.fixture
async def world(db):
    rnd = await setup_round(V2024, ("a", "b"))
    a, _ = await responses.start_response(rnd.id, "a", actor=ADMIN)
    b, _ = await responses.start_response(rnd.id, "b", actor=ADMIN)
    await ensure_units("a", "b")
    return {"round": rnd.id, "a": a.id, "b": b.id,
            "resp_a": Principal("resp-a", Role.RESPONDENT, frozenset({"a"})),
            "resp_b": Principal("resp-b", Role.RESPONDENT, frozenset({"b"})),
            "auditor": Principal("granskare", Role.AUDITOR), "analyst": Principal("analytiker", Role.ANALYST)}


async def test_upload_list_download_delete_round_trip_with_audit(world):
    data = pdf_bytes()
    added = await evidence.add_file(world["a"], "policy", "Policy 2026.pdf", data, actor=world["resp_a"])
    assert added["kind"] == "pdf" and added["size"] == len(data)
    assert added["sha256"] == hashlib.sha256(data).hexdigest()
    listed = await evidence.list_files(world["a"], actor=world["auditor"])
    assert [f["name"] for f in listed] == ["Policy 2026.pdf"] and "content" not in listed[0]
    info, got = await evidence.get_file(added["id"], actor=world["analyst"])
    assert got == data and info["media_type"] == "application/pdf"
    await evidence.delete_file(added["id"], actor=world["resp_a"])
    assert await evidence.list_files(world["a"], actor=world["resp_a"]) == []
    actions = [e.action for e in await audit.list_events(audit.AuditFilter(object_type="evidence"))]
    assert sorted(actions) == ["evidence.delete", "evidence.download", "evidence.upload"]


async def test_another_units_respondent_can_neither_see_add_nor_delete(world):
    added = await evidence.add_file(world["a"], "policy", "p.pdf", pdf_bytes(), actor=world["resp_a"])
    with pytest.raises(PermissionDenied):
        await evidence.get_file(added["id"], actor=world["resp_b"])
    with pytest.raises(PermissionDenied):
        await evidence.list_files(world["a"], actor=world["resp_b"])
    with pytest.raises(PermissionDenied):
        await evidence.delete_file(added["id"], actor=world["resp_b"])
    with pytest.raises(PermissionDenied):
        await evidence.add_file(world["a"], "policy", "x.pdf", pdf_bytes(), actor=world["resp_b"])
    for reader in ("auditor", "analyst"):  # readers, not writers
        with pytest.raises(PermissionDenied):
            await evidence.delete_file(added["id"], actor=world[reader])
    assert len(await evidence.list_files(world["a"], actor=world["resp_a"])) == 1


async def test_refusals_store_nothing(world):
    with pytest.raises(UnsupportedType):
        await evidence.add_file(world["a"], "policy", "program.pdf", exe_bytes(), actor=world["resp_a"])
    with pytest.raises(TooLarge) as exc:
        await evidence.add_file(world["a"], "policy", "stor.pdf", b"%PDF-" + b"0" * evidence.MAX_FILE_BYTES,
                                actor=world["resp_a"])
    assert exc.value.status_code == 413 and "stor.pdf" in exc.value.text.sv and "10 MB" in exc.value.text.sv
    with pytest.raises(Invalid):
        await evidence.add_file(world["a"], "ingen-sådan", "p.pdf", pdf_bytes(), actor=world["resp_a"])
    assert await EvidenceFile.count() == 0


async def test_the_response_total_is_limited(world, monkeypatch):
    monkeypatch.setattr(evidence, "MAX_RESPONSE_BYTES", len(pdf_bytes()) * 2 + 10)
    for n in range(2):
        await evidence.add_file(world["a"], "policy", f"{n}.pdf", pdf_bytes(), actor=world["resp_a"])
    with pytest.raises(TooLarge) as exc:
        await evidence.add_file(world["a"], "risk", "tredje.pdf", pdf_bytes(), actor=world["resp_a"])
    assert "200 MB" in exc.value.text.sv
    assert await EvidenceFile.count() == 2


async def test_closed_round_and_submitted_response_are_read_only(world):
    added = await evidence.add_file(world["a"], "policy", "p.pdf", pdf_bytes(), actor=world["resp_a"])
    from tests.survey_samples import FULL_2024

    state = await responses.get_response(world["b"], actor=ADMIN)
    await responses.save_answers(world["b"], state.revision, FULL_2024, actor=ADMIN)
    await responses.submit_response(world["b"], actor=ADMIN)
    with pytest.raises(Conflict):
        await evidence.add_file(world["b"], "policy", "p.pdf", pdf_bytes(), actor=world["resp_b"])
    await rounds.close_round(world["round"], actor=ADMIN)
    with pytest.raises(Locked):
        await evidence.delete_file(added["id"], actor=world["resp_a"])
    with pytest.raises(Locked):
        await evidence.add_file(world["a"], "policy", "p.pdf", pdf_bytes(), actor=ADMIN)
    _, data = await evidence.get_file(added["id"], actor=world["resp_a"])  # still readable
    assert data.startswith(b"%PDF-")


async def test_a_changed_stored_file_is_not_served(world):
    added = await evidence.add_file(world["a"], "policy", "p.txt", b"original\n", actor=world["resp_a"])
    await EvidenceFile.update({EvidenceFile.content: b"changed\n"}).where(EvidenceFile.id == added["id"])
    with pytest.raises(StoredFileDamaged):
        await evidence.get_file(added["id"], actor=world["resp_a"])


async def test_folder_storage_writes_whole_files_and_removes_them(world, tmp_path, monkeypatch):
    monkeypatch.setenv("SURVEY_ENGINE_EVIDENCE_DIR", str(tmp_path))
    data = png_bytes()
    added = await evidence.add_file(world["a"], "policy", "bild.png", data, actor=world["resp_a"])
    row = await EvidenceFile.select().where(EvidenceFile.id == added["id"]).first()
    assert row["storage"] == "dir" and row["content"] is None
    stored = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in stored] == [data] and stored[0].name == row["blob_key"]
    assert (await evidence.get_file(added["id"], actor=world["auditor"]))[1] == data
    stored[0].write_bytes(b"\x89PNG\r\n\x1a\nchanged")
    with pytest.raises(StoredFileDamaged):
        await evidence.get_file(added["id"], actor=world["auditor"])
    await evidence.delete_file(added["id"], actor=world["resp_a"])
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


async def test_folder_storage_leaves_no_file_when_the_row_fails(world, tmp_path, monkeypatch):
    monkeypatch.setenv("SURVEY_ENGINE_EVIDENCE_DIR", str(tmp_path))

    async def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        await evidence.add_file(world["a"], "policy", "p.pdf", pdf_bytes(), actor=world["resp_a"])
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    assert await EvidenceFile.count() == 0


async def test_round_summary_has_names_and_dates_not_contents(world):
    await evidence.add_file(world["a"], "policy", "Policy.pdf", pdf_bytes(), actor=world["resp_a"])
    await evidence.add_file(world["a"], "risk", "Risk.txt", b"riskanalys\n", actor=world["resp_a"])
    summary = await evidence.round_summary(world["round"])
    assert summary["total"] == 2 and summary["units"] == [{"unit": "a", "files": 2, "own": 2, "provided": 0,
                                                          "questions": 2, "bytes": summary["units"][0]["bytes"]}]
    assert summary["own"] == 2 and summary["provided"] == 0
    assert {f["name"] for f in summary["files"]} == {"Policy.pdf", "Risk.txt"}
    assert all(f["uploaded_at"] and "content" not in f for f in summary["files"])
    assert (await evidence.round_summary(world["round"], "b"))["total"] == 0


async def test_two_uploads_at_once_cannot_pass_the_response_limit_together(world, monkeypatch):
    import asyncio

    data = pdf_bytes()
    monkeypatch.setattr(evidence, "MAX_RESPONSE_BYTES", len(data) + 10)  # room for one file only
    results = await asyncio.gather(
        *(evidence.add_file(world["a"], "policy", f"{n}.pdf", data, actor=world["resp_a"]) for n in range(2)),
        return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["TooLarge", "dict"]
    assert await EvidenceFile.count() == 1
