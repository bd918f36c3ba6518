"""Sign-off through the API (docs/sign-off.md): approve and return with bearer tokens of
approvers bound to units, the respondents' view of a return, the approver's queue, and
the city figures and city report with `approved_only`."""
from __future__ import annotations

from survey_engine.services import responses
from survey_engine.services.access import system_actor
from tests.survey_samples import FULL_2024, V2024, setup_round

ADMIN = system_actor("tests")


async def _round() -> dict:
    rnd = await setup_round(V2024, ("a", "b", "c"), name="Självskattning 2026")
    ids = {}
    for code in ("a", "b"):
        state, _ = await responses.start_response(rnd.id, code, actor=ADMIN)
        state = await responses.save_answers(state.id, state.revision, FULL_2024, actor=ADMIN)
        ids[code] = (await responses.submit_response(state.id, actor=ADMIN)).id
    return {"round": rnd.id, **ids}


async def test_approve_return_queue_and_approved_only_figures(client, client_as):
    ctx = await _round()
    chef_a = await client_as("approver", ["a"], username="chef-a")
    chef_b = await client_as("approver", ["b"], username="chef-b")
    resp_a = await client_as("respondent", ["a"], username="resp-a")

    queue = (await chef_a.get("/api/v1/signoff/queue")).json()
    assert [i["unit"] for i in queue["items"]] == ["a"] and queue["items"][0]["state"] == "awaiting_approval"
    assert (await resp_a.get("/api/v1/signoff/queue")).status_code == 403

    # an approver of b on a's response; a respondent approving their own unit: refused
    assert (await chef_b.post(f"/api/v1/responses/{ctx['a']}/approve", json={})).status_code == 403
    assert (await resp_a.post(f"/api/v1/responses/{ctx['a']}/approve", json={})).status_code == 403
    assert (await chef_a.post(f"/api/v1/responses/{ctx['a']}/answers",
                              json={"revision": 0, "answers": {}})).status_code == 403

    # return: the comment is required, control characters refused; then reopened
    r = await chef_a.post(f"/api/v1/responses/{ctx['a']}/return", json={"comment": ""})
    assert r.status_code == 400 or r.status_code == 422
    r = await chef_a.post(f"/api/v1/responses/{ctx['a']}/return", json={"comment": "Fel\u0007"})
    assert r.status_code == 422
    r = await chef_a.post(f"/api/v1/responses/{ctx['a']}/return", json={"comment": "Komplettera risk."})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["state"] == "returned" and body["status"] == "reopened" and body["mail"]["recipients"] == 0
    assert body["mail"]["deferred"] == 0 and body["mail"]["sent"] == 0  # nobody to tell: nothing queued
    seen = (await resp_a.get(f"/api/v1/responses/{ctx['a']}/signoff")).json()
    assert seen["state"] == "returned" and seen["latest"]["comment"] == "Komplettera risk."
    assert (await chef_b.get(f"/api/v1/responses/{ctx['a']}/signoff")).status_code == 403
    r = await chef_a.post(f"/api/v1/responses/{ctx['a']}/approve", json={})
    assert r.status_code == 409  # not submitted now

    r = await resp_a.post(f"/api/v1/responses/{ctx['a']}/submit", json={})
    assert r.status_code == 200, r.text
    revision = r.json()["revision"]
    assert (await chef_a.post(f"/api/v1/responses/{ctx['a']}/approve",
                              json={"revision": revision - 1})).status_code == 409
    r = await chef_a.post(f"/api/v1/responses/{ctx['a']}/approve", json={"comment": "Bra", "revision": revision})
    assert r.status_code == 200 and r.json()["approved"] and len(r.json()["history"]) == 2

    # the figures: two submitted, one approved
    everyone = (await client.get(f"/api/v1/rounds/{ctx['round']}/results")).json()
    only = (await client.get(f"/api/v1/rounds/{ctx['round']}/results?approved_only=true")).json()
    assert everyone["counted"] == 2 and only["counted"] == 1 and only["approved_only"] is True
    assert [u["unit"] for u in only["units"] if u["counted"]] == ["a"]
    assert {u["unit"]: u["stage"] for u in only["units"]} == {"a": "approved", "b": "submitted", "c": "not_started"}
    overview = (await client.get(f"/api/v1/rounds/{ctx['round']}/overview")).json()
    assert overview["approved"] == 1 and [u["stage"] for u in overview["units"]] == ["approved", "submitted",
                                                                                      "not_started"]
    assert (await client.get(f"/api/v1/rounds/{ctx['round']}/results?approved_only=maybe")).status_code == 400
    assert (await chef_a.get(f"/api/v1/rounds/{ctx['round']}/results")).status_code == 403
    report = await client.get(f"/api/v1/rounds/{ctx['round']}/city-report.html?approved_only=true")
    assert report.status_code == 200 and "godkända svar" in report.text
    # the audit log names the approver
    log = (await client.get("/api/v1/audit?action=response.")).json()
    actions = [(e["action"], e["actor"]) for e in log["items"]]
    assert ("response.approve", "chef-a") in actions and ("response.return", "chef-a") in actions
