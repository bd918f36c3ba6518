"""The plan API: permissions per role, concurrent edits by two planners (409 with the
current plan, never a silent loss), follow-up and report downloads."""
from __future__ import annotations

import asyncio
import io

import pytest

from tests.plans.plan_samples import EXPECTED_EFFECTS, setup_rounds

API = "/api/v1/plans"


async def _setup(client_as):
    ids = await setup_rounds()
    planner = await client_as("planner")
    r = await planner.post(API, json={"round_id": ids["r24"], "unit": "A", "start": "2024H2", "capacity": 20})
    assert r.status_code == 201, r.text
    return ids, planner, r.json()


async def test_create_edit_and_follow_up_over_http(client_as):
    ids, planner, plan = await _setup(client_as)
    assert plan["unit"] == "A" and plan["revision"] == 0
    assert {a["question"] for a in plan["actions"]} == set(EXPECTED_EFFECTS)
    by_q = {a["question"]: a for a in plan["actions"]}
    r = await planner.patch(f"{API}/{plan['id']}/actions/{by_q['s-ansvar']['id']}",
                            json={"revision": 0, "status": "done", "period": None, "due_date": "2025-12-31"})
    assert r.status_code == 200, r.text
    changed = {a["question"]: a for a in r.json()["actions"]}["s-ansvar"]
    assert (changed["status"], changed["period"], changed["due_date"]) == ("done", None, "2025-12-31")
    r = await planner.post(f"{API}/{plan['id']}/actions", json={"revision": 1, "title": "Egen åtgärd",
                                                                 "period": "2025H1", "owner": "CISO"})
    assert r.status_code == 201 and r.json()["revision"] == 2
    r = await planner.patch(f"{API}/{plan['id']}", json={"revision": 2, "title": "Plan för A"})
    assert r.status_code == 200 and r.json()["title"] == "Plan för A"

    r = await planner.get(f"{API}/{plan['id']}/followup")
    assert r.status_code == 200, r.text
    fu = r.json()
    assert {a["question"]: a["effect"] for a in fu["actions"] if a["question"]} == EXPECTED_EFFECTS
    assert [a["question"] for a in fu["actions"] if a["flagged"]] == ["s-ansvar"]
    assert fu["after"]["round_id"] == ids["r26"]

    r = await planner.get(f"{API}/summary", params={"round_id": ids["r24"]})
    assert r.status_code == 200 and [u["plan"]["unit"] for u in r.json()["units"]] == ["A"]

    # bad input names the field
    r = await planner.patch(f"{API}/{plan['id']}/actions/{by_q['s-risk']['id']}",
                            json={"revision": 3, "period": "2031H1"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "period"
    r = await planner.patch(f"{API}/{plan['id']}/actions/{by_q['s-risk']['id']}", json={"status": "done"})
    assert r.status_code == 400
    r = await planner.post(API, json={"round_id": ids["r24"], "unit": "A", "start": "2024H3"})
    assert r.status_code == 400


async def test_two_planners_at_once(client_as):
    """Both send a change based on revision 0 at the same moment: one lands, the other
    gets 409 with the current plan (holding the first change); re-sent on that
    revision, it lands too. Neither change is lost."""
    ids, pia, plan = await _setup(client_as)
    per = await client_as("planner")
    first, second = plan["actions"][0], plan["actions"][1]
    url = f"{API}/{plan['id']}/actions"
    r1, r2 = await asyncio.gather(
        pia.patch(f"{url}/{first['id']}", json={"revision": 0, "owner": "Pia", "status": "in_progress"}),
        per.patch(f"{url}/{second['id']}", json={"revision": 0, "owner": "Per", "period": None}),
    )
    codes = sorted([r1.status_code, r2.status_code])
    assert codes == [200, 409], (r1.text, r2.text)
    loser, loser_client, loser_body = (r2, per, {"owner": "Per", "period": None}) if r2.status_code == 409 else \
        (r1, pia, {"owner": "Pia", "status": "in_progress"})
    winner_action = first if loser is r2 else second
    body = loser.json()
    assert "current" in body and body["current"]["revision"] == 1
    current = {a["id"]: a for a in body["current"]["actions"]}
    assert current[winner_action["id"]]["owner"] in ("Pia", "Per")  # the winner's change is in it
    target = second if loser is r2 else first
    r = await loser_client.patch(f"{url}/{target['id']}", json={"revision": 1, **loser_body})
    assert r.status_code == 200
    final = {a["id"]: a for a in (await pia.get(f"{API}/{plan['id']}")).json()["actions"]}
    assert final[first["id"]]["owner"] == "Pia" and final[first["id"]]["status"] == "in_progress"
    assert final[second["id"]]["owner"] == "Per" and final[second["id"]]["period"] is None


async def test_permissions_by_role(client_as):
    ids, planner, plan = await _setup(client_as)
    pid = plan["id"]
    action_url = f"{API}/{pid}/actions/{plan['actions'][0]['id']}"
    own = await client_as("respondent", ["A"])
    other = await client_as("respondent", ["B"])
    for role in ("analyst", "auditor"):
        c = await client_as(role)
        assert (await c.get(f"{API}/{pid}")).status_code == 200
        assert (await c.get(f"{API}/{pid}/followup")).status_code == 200
        assert (await c.patch(action_url, json={"revision": 0, "owner": "x"})).status_code == 403
        assert (await c.post(API, json={"round_id": ids["r24"], "unit": "B"})).status_code == 403
    assert (await own.get(f"{API}/{pid}")).status_code == 200
    assert (await own.get(f"{API}/{pid}/report.xlsx")).status_code == 200
    assert (await own.patch(action_url, json={"revision": 0, "owner": "x"})).status_code == 403
    assert (await other.get(f"{API}/{pid}")).status_code == 403
    assert (await other.get(f"{API}/{pid}/followup.html")).status_code == 403
    r = await other.get(API)
    assert r.status_code == 200, r.text
    assert r.json()["items"] == []
    assert [p["id"] for p in (await own.get(API)).json()["items"]] == [pid]
    admin = await client_as("admin")
    assert (await admin.patch(action_url, json={"revision": 0, "owner": "Admin"})).status_code == 200
    from litestar.testing import AsyncTestClient

    from survey_engine.web import create_app

    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as anonymous:
        assert (await anonymous.get(f"{API}/{pid}")).status_code == 401
    r = await admin.get("/api/v1/audit", params={"action": "plan."})
    if r.status_code == 200:  # the audit route of the API
        body = r.json()
        items = body["items"] if isinstance(body, dict) else body
        assert {e["action"] for e in items} >= {"plan.create", "plan.action.update"}


async def test_report_downloads(client_as):
    from openpyxl import load_workbook

    from survey_engine.reporting.plans import MEDIA_TYPES

    ids, planner, plan = await _setup(client_as)
    r = await planner.get(f"{API}/{plan['id']}/report.pdf", params={"lang": "en"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert "attachment" in r.headers["content-disposition"]
    r = await planner.get(f"{API}/{plan['id']}/report.xlsx")
    assert load_workbook(io.BytesIO(r.content))["Åtgärder"].max_row == 1 + len(plan["actions"])
    r = await planner.get(f"{API}/{plan['id']}/followup.html")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert 'data-effect="met"' in r.text
    r = await planner.get(f"{API}/summary.xlsx", params={"round_id": ids["r24"]})
    assert r.status_code == 200 and r.headers["content-type"] == MEDIA_TYPES["xlsx"]
    r = await planner.get(f"{API}/{plan['id']}/followup.xlsx", params={"lang": "en"})
    assert r.status_code == 200 and load_workbook(io.BytesIO(r.content))["Actions"].max_row == 1 + len(plan["actions"])
    r = await planner.get(f"{API}/summary.html", params={"round_id": ids["r24"], "lang": "fi"})
    assert r.status_code == 400


async def test_list_filters(client_as):
    ids, planner, plan = await _setup(client_as)
    r = await planner.post(API, json={"round_id": ids["r24"], "start": "2024H2", "method": "mean"})
    assert r.status_code == 201 and r.json()["scope"] == "city" and r.json()["method"] == "mean"
    city_id = r.json()["id"]
    assert [p["id"] for p in (await planner.get(API, params={"scope": "city"})).json()["items"]] == [city_id]
    assert [p["id"] for p in (await planner.get(API, params={"scope": "unit"})).json()["items"]] == [plan["id"]]
    assert [p["id"] for p in (await planner.get(API, params={"unit": "A"})).json()["items"]] == [plan["id"]]
    assert len((await planner.get(API, params={"round_id": ids["r24"]})).json()["items"]) == 2
    assert (await planner.get(API, params={"scope": "town"})).status_code == 400
