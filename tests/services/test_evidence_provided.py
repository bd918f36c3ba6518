"""Evidence files and shared answers (docs/evidence.md, docs/shared-answers.md): a served
unit's readers list and download the provider's files of a provided question it has not
overridden, read-only; nobody else does; every download is audited."""
from __future__ import annotations

import pytest

from tests.helpers.evidence_files import pdf_bytes, png_bytes
from tests.helpers.provided import DELAD
from survey_engine.errors import NotFound, PermissionDenied
from survey_engine.services import audit, evidence, provided, responses
from survey_engine.services.access import system_actor
from survey_engine.services.policy import Principal, Role
from tests.survey_samples import setup_round

ADMIN = system_actor("tests")


def resp(unit: str) -> Principal:
    return Principal(f"{unit}.svarande", Role.RESPONDENT, frozenset({unit}), via="cli")


@pytest.fixture
async def shared(db):
    """it answers the it-drift questions (backup, patchar, logg) for a; b is not served."""
    rnd = await setup_round(DELAD, units=("it", "a", "b"))
    await provided.set_provider(rnd.id, "it", "tag:it-drift", ["a"], actor=ADMIN)
    p, _ = await responses.start_response(rnd.id, "it", actor=resp("it"))
    a, _ = await responses.start_response(rnd.id, "a", actor=resp("a"))
    b, _ = await responses.start_response(rnd.id, "b", actor=resp("b"))
    backup = await evidence.add_file(p.id, "backup", "Driftrutin.pdf", pdf_bytes(), actor=resp("it"))
    policy = await evidence.add_file(p.id, "policy", "IT-egen policy.pdf", pdf_bytes(), actor=resp("it"))
    own = await evidence.add_file(a.id, "policy", "Vår policy.png", png_bytes(), actor=resp("a"))
    return {"round": rnd.id, "p": p.id, "a": a.id, "b": b.id, "backup": backup, "policy": policy, "own": own}


async def test_served_unit_lists_and_downloads_the_providers_file_marked(shared):
    listed = await evidence.list_files(shared["a"], actor=resp("a"))
    by_name = {f["name"]: f for f in listed}
    # its own file, and the provider's file of the provided question; not the provider's own question's file
    assert set(by_name) == {"Vår policy.png", "Driftrutin.pdf"}
    assert by_name["Vår policy.png"]["provided_by"] is None
    mark = by_name["Driftrutin.pdf"]
    assert mark["provided_by"] == "it" and mark["provided_by_name"] == "Enhet it"
    assert mark["response_id"] == shared["p"] and mark["unit"] == "it" and mark["question_id"] == "backup"
    assert [f["name"] for f in await evidence.list_files(shared["a"], actor=resp("a"), question_id="backup")] == [
        "Driftrutin.pdf"]
    # every reader of the served unit's response sees them too (an auditor here)
    assert {f["name"] for f in await evidence.list_files(shared["a"], actor=Principal("g", Role.AUDITOR))} == set(
        by_name)
    info, data = await evidence.get_file(shared["backup"]["id"], actor=resp("a"))
    assert data == pdf_bytes() and info["provided_by"] == "it"
    shown = await evidence.file_info(shared["backup"]["id"], actor=resp("a"), via_response=shared["a"])
    assert shown["provided_by_name"] == "Enhet it" and shown["writable"] is False
    # the provider's file of a question it does not answer for a stays the provider's
    with pytest.raises(PermissionDenied):
        await evidence.get_file(shared["policy"]["id"], actor=resp("a"))
    # the provider itself does not see the served unit's files
    assert [f["name"] for f in await evidence.list_files(shared["p"], actor=resp("it"))] == [
        "Driftrutin.pdf", "IT-egen policy.pdf"]


async def test_served_unit_cannot_delete_or_upload_on_a_provided_question(shared):
    with pytest.raises(PermissionDenied):
        await evidence.delete_file(shared["backup"]["id"], actor=resp("a"))
    with pytest.raises(PermissionDenied) as exc:
        await evidence.add_file(shared["a"], "backup", "egen.pdf", pdf_bytes(), actor=resp("a"))
    assert "Enhet it" in exc.value.text.sv
    assert [f["name"] for f in await evidence.list_files(shared["p"], actor=resp("it"), question_id="backup")] == [
        "Driftrutin.pdf"]


async def test_a_unit_not_served_is_refused(shared):
    assert [f["name"] for f in await evidence.list_files(shared["b"], actor=resp("b"))] == []
    with pytest.raises(PermissionDenied):
        await evidence.get_file(shared["backup"]["id"], actor=resp("b"))
    with pytest.raises(PermissionDenied):
        await evidence.file_info(shared["backup"]["id"], actor=resp("b"), via_response=shared["b"])


async def test_after_an_override_the_providers_files_are_gone_and_own_uploads_allowed(shared):
    a = await responses.get_response(shared["a"], actor=resp("a"))
    await provided.override_answer(shared["a"], "backup", "nej", "Leverantören tar våra kopior", revision=a.revision,
                                   actor=resp("a"))
    assert {f["name"] for f in await evidence.list_files(shared["a"], actor=resp("a"))} == {"Vår policy.png"}
    with pytest.raises(PermissionDenied):
        await evidence.get_file(shared["backup"]["id"], actor=resp("a"))
    await evidence.add_file(shared["a"], "backup", "Avtal med leverantören.pdf", pdf_bytes(), actor=resp("a"))
    # going back to the provider's answer shows its files again
    a = await responses.get_response(shared["a"], actor=resp("a"))
    await provided.remove_override(shared["a"], "backup", revision=a.revision, actor=resp("a"))
    names = [f["name"] for f in await evidence.list_files(shared["a"], actor=resp("a"), question_id="backup")]
    assert names == ["Avtal med leverantören.pdf", "Driftrutin.pdf"]


async def test_the_address_of_another_response_is_refused(shared):
    # an admin reads both: a file shown through a response it is not in is "not found"
    with pytest.raises(NotFound):
        await evidence.file_info(shared["policy"]["id"], actor=ADMIN, via_response=shared["a"])
    with pytest.raises(NotFound):
        await evidence.get_file(shared["own"]["id"], actor=resp("a"), via_response=shared["p"])
    # a unit that may not read the file: 403 whatever the address
    with pytest.raises(PermissionDenied):
        await evidence.get_file(shared["own"]["id"], actor=resp("b"), via_response=shared["b"])


async def test_every_download_is_audited_without_the_content(shared):
    await evidence.get_file(shared["backup"]["id"], actor=resp("a"))
    await evidence.get_file(shared["own"]["id"], actor=resp("a"))
    events = [e for e in await audit.list_events(audit.AuditFilter(action="evidence.download"))]
    assert len(events) == 2
    by_id = {str(e.object_id): e for e in events}
    first = by_id[str(shared["backup"]["id"])]
    assert first.actor == "a.svarande" and first.unit == "it"
    assert first.details["response"] == shared["p"] and first.details["question"] == "backup"
    assert first.details["name"] == "Driftrutin.pdf" and first.details["provided_to"] == "a"
    assert "content" not in first.details and "provided_to" not in by_id[str(shared["own"]["id"])].details
    # a refused download writes nothing
    with pytest.raises(PermissionDenied):
        await evidence.get_file(shared["backup"]["id"], actor=resp("b"))
    assert len(await audit.list_events(audit.AuditFilter(action="evidence.download"))) == 2
