"""Evidence files through the JSON API (docs/evidence.md): multipart upload, list,
download headers, delete, 413/415 refusals as JSON, and another unit's files."""
from __future__ import annotations

import hashlib
from urllib.parse import quote

import pytest

from tests.helpers.evidence_files import docx_bytes, exe_bytes, pdf_bytes, png_bytes
from survey_engine.services import evidence, responses
from survey_engine.services.access import system_actor
from tests.survey_samples import V2024, setup_round

SYSTEM = system_actor("tests")


@pytest.fixture
async def world(db, client_as):
    rnd = await setup_round(V2024, ("a", "b"))
    a, _ = await responses.start_response(rnd.id, "a", actor=SYSTEM)
    return {"round": rnd.id, "a": a.id, "own": await client_as("respondent", ["a"]),
            "other": await client_as("respondent", ["b"]), "auditor": await client_as("auditor")}


def _upload(client, response_id: int, name: str, data: bytes, question: str = "policy", mime: str = "application/pdf"):
    return client.post(f"/api/v1/responses/{response_id}/evidence", files={"file": (name, data, mime)},
                       data={"question": question})


async def test_upload_list_download_delete(world):
    data = docx_bytes()
    r = await _upload(world["own"], world["a"], "Rutin för åtkomst.docx", data)
    assert r.status_code == 201, r.text
    item = r.json()
    assert item["kind"] == "docx" and item["name"] == "Rutin för åtkomst.docx" and item["unit"] == "a"
    assert item["sha256"] == hashlib.sha256(data).hexdigest()
    listed = (await world["auditor"].get(f"/api/v1/responses/{world['a']}/evidence")).json()["items"]
    assert [i["id"] for i in listed] == [item["id"]]
    got = await world["auditor"].get(f"/api/v1/evidence/{item['id']}/content")
    assert got.status_code == 200 and got.content == data
    assert got.headers["content-type"].startswith(evidence.KINDS["docx"].media_type)
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-disposition"] == (
        "attachment; filename=\"Rutin for atkomst.docx\"; filename*=UTF-8''" + quote("Rutin för åtkomst.docx", safe=""))
    assert (await world["auditor"].delete(f"/api/v1/evidence/{item['id']}")).status_code == 403
    gone = await world["own"].delete(f"/api/v1/evidence/{item['id']}")
    assert gone.status_code == 200 and gone.json()["name"] == item["name"]
    assert (await world["own"].get(f"/api/v1/evidence/{item['id']}")).status_code == 404


async def test_an_exe_renamed_pdf_is_415_json(world):
    r = await _upload(world["own"], world["a"], "avtal.pdf", exe_bytes())
    assert r.status_code == 415
    body = r.json()
    assert body["code"] == "unsupported_type" and "avtal.pdf" in body["detail"] and "Windows" in body["detail"]
    assert body["file"] == "avtal.pdf"
    assert (await world["own"].get(f"/api/v1/responses/{world['a']}/evidence")).json()["items"] == []


async def test_oversize_files_are_413_json(world):
    just_over = b"%PDF-" + b"0" * evidence.MAX_FILE_BYTES  # within the body limit: the service says which file
    r = await _upload(world["own"], world["a"], "stor.pdf", just_over)
    assert r.status_code == 413 and r.json()["code"] == "too_large" and "stor.pdf" in r.json()["detail"]
    far_over = b"%PDF-" + b"0" * (evidence.MAX_FILE_BYTES + 2 * 1024 * 1024)  # over the route's body limit
    r = await _upload(world["own"], world["a"], "större.pdf", far_over)
    assert r.status_code == 413 and "10 MB" in r.json()["detail"]
    # other routes keep the 1 MiB limit
    r = await world["own"].post(f"/api/v1/responses/{world['a']}/answers", content=b"{" + b" " * 2_000_000 + b"}",
                                headers={"Content-Type": "application/json"})
    assert r.status_code == 413


async def test_another_units_respondent_gets_403(world):
    item = (await _upload(world["own"], world["a"], "bild.png", png_bytes(), mime="image/png")).json()
    other = world["other"]
    assert (await other.get(f"/api/v1/evidence/{item['id']}/content")).status_code == 403
    assert (await other.get(f"/api/v1/evidence/{item['id']}")).status_code == 403
    assert (await other.get(f"/api/v1/responses/{world['a']}/evidence")).status_code == 403
    assert (await other.delete(f"/api/v1/evidence/{item['id']}")).status_code == 403
    assert (await _upload(other, world["a"], "x.pdf", pdf_bytes())).status_code == 403
    assert (await world["own"].get(f"/api/v1/evidence/{item['id']}/content")).content == png_bytes()


async def test_missing_file_or_unknown_question(world):
    r = await world["own"].post(f"/api/v1/responses/{world['a']}/evidence", data={"question": "policy"},
                                files={"other": ("x.txt", b"x", "text/plain")})
    assert r.status_code == 400
    r = await _upload(world["own"], world["a"], "x.pdf", pdf_bytes(), question="finns-inte")
    assert r.status_code == 422
