"""The reminder routes of the JSON API, with a loopback SMTP server."""
import datetime as dt

import pytest
from litestar.testing import AsyncTestClient

from tests.helpers.auth import make_token
from survey_engine.services import reminders
from survey_engine.services.policy import Role
from survey_engine.store.tables import Round
from survey_engine.web import create_app
from tests.survey_samples import V2024, setup_round



async def _token(username: str, role: Role, units=()) -> dict[str, str]:
    return {"Authorization": f"Bearer {await make_token(role, units, username)}"}


async def test_contacts_send_outbox_and_the_unit_button(db, smtp):
    rnd = await setup_round(V2024, ("a", "b"), name="Omgång API")
    await Round.update({Round.closes_on: reminders.today() + dt.timedelta(days=1)}).where(Round.id == rnd.id)
    admin = await _token("adm", Role.ADMIN)
    analyst = await _token("ana", Role.ANALYST)
    auditor = await _token("rev", Role.AUDITOR)
    respondent = await _token("resp", Role.RESPONDENT, ["a"])
    async with AsyncTestClient(app=create_app(secure_cookies=False)) as client:
        r = await client.put("/api/v1/units/a/contacts", headers=admin, json={"contacts": [
            {"email": "reg@a.example.invalid", "name": "Registrator", "language": "sv"},
            {"email": "boss@a.example.invalid", "language": "en"}]})
        assert r.status_code == 200, r.text
        assert [c["email"] for c in r.json()["contacts"]] == ["reg@a.example.invalid", "boss@a.example.invalid"]
        bad = await client.put("/api/v1/units/a/contacts", headers=admin,
                               json={"contacts": [{"email": "x@y.example\nBcc: z@z.example"}]})
        assert bad.status_code == 422 and "e-postadress" in bad.json()["detail"] + str(bad.json().get("errors"))
        assert (await client.put("/api/v1/units/zz/contacts", headers=admin, json={"contacts": []})).status_code == 404
        assert (await client.put("/api/v1/units/a/contacts", headers=analyst, json={"contacts": []})).status_code == 403
        assert (await client.get("/api/v1/units/a/contacts", headers=respondent)).status_code == 403
        assert len((await client.get("/api/v1/units/a/contacts", headers=auditor)).json()["contacts"]) == 2

        r = await client.post("/api/v1/reminders/send", headers=analyst, json={"dry_run": True})
        assert r.status_code == 200 and len(r.json()["would_queue"]) == 4 and smtp.mailbox.received == []
        assert (await client.post("/api/v1/reminders/send", headers=auditor, json={})).status_code == 403
        smtp.mailbox.refuse = "554 5.7.1 go away"
        r = await client.post("/api/v1/reminders/send", headers=analyst, json={"round": rnd.id})
        assert r.status_code == 200 and r.json()["retry_later"] == 4 and "554" in r.json()["errors"][0]
        page = (await client.get("/api/v1/reminders/outbox?problems=true", headers=auditor)).json()
        assert page["total"] == 4 and all("554" in m["last_error"] for m in page["items"])
        one = (await client.get(f"/api/v1/reminders/outbox/{page['items'][0]['id']}", headers=auditor)).json()
        assert "Omgång API" in one["body"]
        smtp.mailbox.refuse = None
        r = await client.post(f"/api/v1/reminders/outbox/{page['items'][0]['id']}/retry", headers=analyst)
        assert r.status_code == 200 and r.json()["message"]["status"] == "sent"
        assert (await client.post(f"/api/v1/reminders/outbox/{page['items'][0]['id']}/retry",
                                  headers=analyst)).status_code == 409

        url = f"/api/v1/rounds/{rnd.id}/units/a/reminder"
        r = await client.post(url, headers=analyst)
        assert r.status_code == 200 and r.json()["sent"] == 2, r.text
        r = await client.post(url, headers=analyst)
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 3000 and "minuter" in r.json()["detail"]
        r = await client.post(f"/api/v1/rounds/{rnd.id}/units/b/reminder", headers=analyst)
        assert r.status_code == 422 and "kontaktadress" in r.json()["detail"]
        assert (await client.post(url, headers=respondent)).status_code == 403
        assert (await client.get("/api/v1/reminders/outbox?status=bogus", headers=admin)).status_code == 400
    subjects = [m.subject for m in smtp.mailbox.to("boss@a.example.invalid")]
    assert any(s.startswith("Reminder: Omgång API") for s in subjects)
