"""A provider's evidence files through the API (docs/shared-answers.md, docs/evidence.md):
in the served response's list, marked `provided_by`; downloadable by the served unit;
403 with a JSON body for a unit that is not served and after an override; never
deletable by the served unit; every download audited."""
from __future__ import annotations

import pytest

from tests.helpers.evidence_files import pdf_bytes
from tests.helpers.provided import DELAD
from survey_engine.services import audit, evidence, provided, responses
from survey_engine.services.access import system_actor
from survey_engine.services.policy import Principal, Role
from tests.survey_samples import setup_round

SYSTEM = system_actor("tests")


def resp(unit: str) -> Principal:
    return Principal(f"{unit}.svarande", Role.RESPONDENT, frozenset({unit}), via="cli")


@pytest.fixture
async def world(db, client_as):
    rnd = await setup_round(DELAD, units=("it", "a", "b"))
    await provided.set_provider(rnd.id, "it", "tag:it-drift", ["a"], actor=SYSTEM)
    p, _ = await responses.start_response(rnd.id, "it", actor=resp("it"))
    a, _ = await responses.start_response(rnd.id, "a", actor=resp("a"))
    b, _ = await responses.start_response(rnd.id, "b", actor=resp("b"))
    item = await evidence.add_file(p.id, "logg", "Larmrutin.pdf", pdf_bytes(), actor=resp("it"))
    return {"p": p.id, "a": a.id, "b": b.id, "file": item["id"],
            "served": await client_as("respondent", ["a"]), "other": await client_as("respondent", ["b"])}


async def test_served_unit_lists_and_downloads_the_providers_file(world):
    r = await world["served"].get(f"/api/v1/responses/{world['a']}/evidence")
    assert r.status_code == 200
    items = r.json()["items"]
    assert [(i["id"], i["provided_by"], i["provided_by_name"], i["unit"]) for i in items] == [
        (world["file"], "it", "Enhet it", "it")]
    one = (await world["served"].get(f"/api/v1/responses/{world['a']}/evidence?question=logg")).json()["items"]
    assert [i["name"] for i in one] == ["Larmrutin.pdf"]
    got = await world["served"].get(f"/api/v1/evidence/{world['file']}/content")
    assert got.status_code == 200 and got.content == pdf_bytes()
    assert (await world["served"].get(f"/api/v1/evidence/{world['file']}")).status_code == 200
    # read-only: no delete, no upload on the provided question
    gone = await world["served"].delete(f"/api/v1/evidence/{world['file']}")
    assert gone.status_code == 403 and gone.json()["code"] == "permission_denied"
    up = await world["served"].post(f"/api/v1/responses/{world['a']}/evidence", data={"question": "logg"},
                                    files={"file": ("egen.pdf", pdf_bytes(), "application/pdf")})
    assert up.status_code == 403 and "Enhet it" in up.json()["detail"]
    events = await audit.list_events(audit.AuditFilter(action="evidence.download"))
    assert [(e.object_id, e.details["provided_to"]) for e in events] == [(str(world["file"]), "a")]


async def test_a_unit_not_served_gets_403_json(world):
    assert (await world["other"].get(f"/api/v1/responses/{world['b']}/evidence")).json()["items"] == []
    for path in (f"/api/v1/evidence/{world['file']}/content", f"/api/v1/evidence/{world['file']}"):
        r = await world["other"].get(path)
        assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    assert await audit.list_events(audit.AuditFilter(action="evidence.download")) == []


async def test_after_an_override_the_served_unit_gets_403(world):
    a = await responses.get_response(world["a"], actor=resp("a"))
    await provided.override_answer(world["a"], "logg", "nej", "Egen larmcentral", revision=a.revision, actor=resp("a"))
    assert (await world["served"].get(f"/api/v1/responses/{world['a']}/evidence")).json()["items"] == []
    r = await world["served"].get(f"/api/v1/evidence/{world['file']}/content")
    assert r.status_code == 403 and r.json()["detail"]
