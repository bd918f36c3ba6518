"""Issue 13 item 4: saving one plan action by fetch answers JSON (no reload) with the
new revision; without the script the redirect carries ?sparad=ID&ok=… and the message
stands beside the action; filters; Prioritet/Poäng explained; no question ids and no
"revision" on the page."""
from __future__ import annotations

import re

import pytest

from tests.plans.plan_samples import setup_rounds
from tests.plans.test_plans_pages import ROW, page_as  # noqa: F401 (fixture)



async def _plan(pia, ids) -> tuple[str, dict]:
    r = await pia.post("/planer", {"round_id": str(ids["r24"]), "unit": "A", "start": "2024H2", "periods": "4",
                                   "capacity": "3", "method": "weakest", "title": ""})
    assert r.status_code == 303, r.text
    url = r.headers["location"].split("?")[0]
    r = await pia.get(url)
    return url, {q: (int(i), status, period) for i, q, status, period in ROW.findall(r.text)}


async def test_fetch_save_answers_json_and_no_js_save_shows_message_beside_action(page_as):
    ids = await setup_rounds()
    pia = await page_as("planner", name="pia")
    await pia.get("/planer")
    url, rows = await _plan(pia, ids)
    first, second = rows["s-ansvar"][0], rows["d-logg"][0]
    r = await pia.client.post(f"{url}/atgarder/{first}", data={
        "revision": "0", "owner": "IT-chefen", "status": "in_progress", "period": "2024H2", "due_date": "", "note": "",
        "_csrf_token": pia.token}, headers={"X-Plan-Save": "1"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["ok"] and body["message"].startswith("Sparat ") and body["revision"] == 1
    assert body["action"]["owner"] == "IT-chefen"
    # a stale revision by fetch: 409 JSON in Swedish with the current revision, nothing saved
    r = await pia.client.post(f"{url}/atgarder/{second}", data={
        "revision": "0", "owner": "x", "status": "planned", "_csrf_token": pia.token}, headers={"X-Plan-Save": "1"})
    assert r.status_code == 409 and r.json()["revision"] == 1 and "Någon annan" in r.json()["message"]
    # a bad value by fetch: 422 JSON, message in Swedish
    r = await pia.client.post(f"{url}/atgarder/{second}", data={
        "revision": "1", "period": "2040H1", "_csrf_token": pia.token}, headers={"X-Plan-Save": "1"})
    assert r.status_code == 422 and r.json()["ok"] is False
    # without the script: redirect with ?sparad=ID&ok=… and the message beside that action
    r = await pia.post(f"{url}/atgarder/{second}", {"revision": "1", "owner": "Drift", "status": "planned",
                                                   "period": "2025H1", "due_date": "", "note": ""})
    assert r.status_code == 303
    location = r.headers["location"]
    assert f"sparad={second}" in location and "ok=" in location and location.endswith(f"#action-{second}")
    r = await pia.get(location.split("#")[0])
    state = re.search(rf'id="a{second}-state">(.*?)</p>', r.text, re.S).group(1)
    assert "ändringen är sparad" in state
    assert re.search(rf'id="a{first}-state"></p>', r.text)


async def test_plan_page_in_swedish_explains_and_filters(page_as):
    ids = await setup_rounds()
    pia = await page_as("planner", name="pia")
    await pia.get("/planer")
    url, rows = await _plan(pia, ids)
    r = await pia.get(url)
    text = r.text
    assert "Vad betyder Prioritet och Poäng?" in text
    assert "revision" not in re.sub(r'name="revision"', "", text).replace('input[name="revision"]', "")
    assert "<code>" not in text  # question texts, not ids
    assert "Hur" in text or "?" in text
    assert 'src="/static/plans.js"' in text and "<style>" not in text
    first = rows["s-ansvar"][0]
    await pia.post(f"{url}/atgarder/{first}", {"revision": "0", "owner": "IT-chefen", "status": "done",
                                              "period": "2024H2", "due_date": "", "note": ""})
    r = await pia.get(f"{url}?status=done")
    shown = ROW.findall(r.text)
    assert [q for _, q, _, _ in shown] == ["s-ansvar"]
    assert "Filtret döljer" in r.text
    r = await pia.get(f"{url}?ansvarig=IT-chefen")
    assert [q for _, q, _, _ in ROW.findall(r.text)] == ["s-ansvar"]
    r = await pia.get(f"{url}?ansvarig=-")
    assert "s-ansvar" not in [q for _, q, _, _ in ROW.findall(r.text)] and len(ROW.findall(r.text)) == len(rows) - 1
    r = await pia.get(f"{url}?status=<script>")
    assert r.status_code == 200 and len(ROW.findall(r.text)) == len(rows)
    # capacity 3: an over-full half-year is marked
    assert re.search(r'class="notice notice-warning over-capacity" data-over-for="\w+">', r.text)
