"""Shared answers over the API (docs/shared-answers.md): admins and analysts configure,
the served unit's respondents read the provided answer and override it with a reason,
and nobody else can."""
from survey_engine.services import questionnaires, rounds, units as units_service
from survey_engine.services.access import system_actor
from survey_engine.services.printable import as_text
from survey_engine.services.units import UnitInput

from tests.helpers.provided import DELAD

API = "/api/v1"
ADMIN = system_actor("tests")


async def _round() -> int:
    await questionnaires.publish_questionnaire(DELAD, actor=ADMIN)
    await units_service.import_units([UnitInput(u, f"Enhet {u}", 1.0) for u in ("it", "a", "b")], actor=ADMIN)
    rnd = await rounds.create_round("Delad", "delad", "2026.1", ["it", "a", "b"], actor=ADMIN)
    await rounds.open_round(rnd.id, actor=ADMIN)
    return rnd.id


async def test_configure_answer_read_and_override_over_http(client, client_as):
    rid = await _round()
    analyst = await client_as("analyst")
    it = await client_as("respondent", ["it"])
    a = await client_as("respondent", ["a"])
    b = await client_as("respondent", ["b"])
    auditor = await client_as("auditor")

    body = {"provider": "it", "selector": "tag:it-drift"}
    for who in (it, a, auditor):
        r = await who.post(f"{API}/rounds/{rid}/providers", json=body)
        assert r.status_code == 403, r.text
    r = await analyst.post(f"{API}/rounds/{rid}/providers", json={**body, "selector": "tag:okand"})
    assert r.status_code == 422 and "it-drift" in r.json()["detail"]
    r = await analyst.post(f"{API}/rounds/{rid}/providers", json={**body, "selector": "tag:bad tag"})
    assert r.status_code == 400
    r = await analyst.post(f"{API}/rounds/{rid}/providers", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["items"][0]["served"] == ["a", "b"]
    listed = await a.get(f"{API}/rounds/{rid}/providers")
    assert listed.status_code == 200 and listed.json()["items"][0]["questions"] == ["backup", "patchar", "logg"]

    p = (await it.post(f"{API}/rounds/{rid}/responses", json={"unit": "it"})).json()
    r = await it.post(f"{API}/responses/{p['id']}/answers",
                      json={"revision": p["revision"], "answers": {"backup": "ja", "patchar": "nej", "logg": "ja"},
                            "comments": {"logg": "Larm dygnet runt"}})
    assert r.status_code == 200, r.text
    mine = (await a.post(f"{API}/rounds/{rid}/responses", json={"unit": "a"})).json()
    assert mine["answers"]["logg"]["value"] == "ja"

    info = await a.get(f"{API}/responses/{mine['id']}/provided")
    assert info.status_code == 200
    logg = info.json()["questions"]["logg"]
    assert (logg["source"], logg["provider_name"], logg["provider_comment"]) == ("provided", "Enhet it",
                                                                                 "Larm dygnet runt")
    assert (await b.get(f"{API}/responses/{mine['id']}/provided")).status_code == 403
    # the served unit cannot edit the provider's answer
    r = await a.post(f"{API}/responses/{mine['id']}/answers", json={"revision": mine["revision"],
                                                                    "answers": {"logg": "nej"}})
    assert r.status_code == 403 and "Enhet it" in r.json()["detail"]
    # nor can the provider's respondents, other units or analysts override for it
    url = f"{API}/responses/{mine['id']}/provided/logg/override"
    good = {"revision": mine["revision"], "value": "nej", "reason": "Egen larmcentral"}
    for who in (it, b, analyst):
        assert (await who.post(url, json=good)).status_code == 403
    r = await a.post(url, json={**good, "reason": ""})
    assert r.status_code == 400  # the reason is required
    r = await a.post(url, json={k: v for k, v in good.items() if k != "reason"})
    assert r.status_code == 400
    r = await a.post(url, json={**good, "reason": "   "})
    assert r.status_code == 422
    r = await a.post(url, json={**good, "value": "kanske"})
    assert r.status_code == 422
    r = await a.post(f"{API}/responses/{mine['id']}/provided/policy/override", json=good)
    assert r.status_code == 404  # not a provided question
    r = await a.post(url, json=good)
    assert r.status_code == 200, r.text
    assert r.json()["answers"]["logg"]["value"] == "nej"
    info = (await a.get(f"{API}/responses/{mine['id']}/provided")).json()["questions"]["logg"]
    assert (info["source"], info["reason"]) == ("override", "Egen larmcentral")
    # the printable copy names the provider, or the unit's own answer with its reason, as the page does
    copy = (await a.get(f"{API}/responses/{mine['id']}/printable")).json()
    rows = {q["id"]: q for area in copy["areas"] for q in area["questions"]}
    assert rows["backup"]["provided"] == {"source": "provided", "provider": "it", "provider_name": "Enhet it",
                                          "reason": None}
    assert rows["logg"]["provided"]["source"] == "override" and rows["logg"]["provided"]["reason"] == "Egen larmcentral"
    assert rows["policy"]["provided"] is None
    text = as_text(copy)  # the command line's text, from the same copy
    assert "Besvaras av Enhet it" in text and "Eget svar i stället för Enhet its. Skäl: Egen larmcentral" in text
    # the provider's change does not touch the override, and reaches b
    p = (await it.get(f"{API}/responses/{p['id']}")).json()
    r = await it.post(f"{API}/responses/{p['id']}/answers", json={"revision": p["revision"], "answers": {"logg": "delvis"}})
    assert r.status_code == 200
    assert (await a.get(f"{API}/responses/{mine['id']}")).json()["answers"]["logg"]["value"] == "nej"
    bs = (await b.post(f"{API}/rounds/{rid}/responses", json={"unit": "b"})).json()
    assert bs["answers"]["logg"]["value"] == "delvis"
    history = (await b.get(f"{API}/responses/{bs['id']}/history?question=logg")).json()["items"]
    assert history[-1]["actor"].startswith("provided:it:")
    # back to the provider's answer
    r = await a.delete(url)
    assert r.status_code == 200 and r.json()["answers"]["logg"]["value"] == "delvis"
    assert (await a.delete(url)).status_code == 404
    # the audit log has every configuration change and override
    log = (await client.get(f"{API}/audit?action=provided.")).json()["items"]
    assert {e["action"] for e in log} >= {"provided.set", "provided.override", "provided.override_remove"}
    r = await analyst.post(f"{API}/rounds/{rid}/providers/remove", json={**body, "served": ["b"]})
    assert r.status_code == 200 and r.json()["items"][0]["served"] == ["a"]
