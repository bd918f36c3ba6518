"""The reminder pages: the overview's "Skicka påminnelse" (CSRF, rate limit, audit), the
outbox with failed sends and their retry, a unit's contact addresses. Real SMTP on loopback."""
import re

import pytest

from tests.smtp_support import smtp  # noqa: F401
from survey_engine.services import contacts
from survey_engine.services.access import system_actor



async def test_overview_button_outbox_retry_and_contacts(site, browser, smtp):
    await contacts.replace_contacts([contacts.contact_input("kultur", "kultur@kommun.example.invalid", "Registrator"),
                                     contacts.contact_input("miljo", "miljo@kommun.example.invalid", "", "en")],
                                    actor=system_actor("tests"))
    analyst = await browser("analytiker")
    page = await analyst.get(f"/analys/omgang/{site.round_id}")
    assert page.status_code == 200 and "Skicka påminnelse" in page.text
    action = f"/analys/omgang/{site.round_id}/paminnelse/kultur"
    assert f'action="{action}"' in page.text

    # without the CSRF token: refused, nothing sent
    r = await analyst.post(action, {}, csrf=False)
    assert r.status_code == 403 and smtp.mailbox.received == []
    r = await analyst.post(action, {})
    assert r.status_code == 303, r.text
    assert "skickad" in r.headers["location"] and r.headers["location"].endswith("#paminnelser")
    assert [m.recipients for m in smtp.mailbox.received] == [["kultur@kommun.example.invalid"]]
    page = await analyst.get(r.headers["location"])
    assert "Påmind nyss" in page.text and "Klart: påminnelse skickad till kultur" in page.text
    r = await analyst.post(action, {})
    assert r.status_code == 429 and "Du kan skicka en ny om" in r.text
    assert len(smtp.mailbox.received) == 1

    # the mail server refuses: the page says so, the outbox lists it with a retry button
    await analyst.get(f"/analys/omgang/{site.round_id}")
    smtp.mailbox.refuse = "554 5.7.1 nej"
    r = await analyst.post(f"/analys/omgang/{site.round_id}/paminnelse/miljo", {})
    assert r.status_code == 303 and "k%C3%B6n" in r.headers["location"]
    page = await analyst.get(f"/analys/omgang/{site.round_id}")
    assert "inte kunnat skickas" in page.text
    outbox = await analyst.get("/utskick")
    assert outbox.status_code == 200 and "554 5.7.1 nej" in outbox.text and "Försök igen" in outbox.text
    message_id = re.search(r'action="/utskick/(\d+)/forsok-igen"', outbox.text).group(1)
    smtp.mailbox.refuse = None
    r = await analyst.post(f"/utskick/{message_id}/forsok-igen", {})
    assert r.status_code == 303 and "skickat" in r.headers["location"]
    assert smtp.mailbox.to("miljo@kommun.example.invalid")[0].language == "en"
    assert "Inga problem" in (await analyst.get("/utskick")).text

    # respondents and planners: no button, no page, posts refused
    respondent = await browser("resp-kultur")
    assert (await respondent.get("/utskick")).status_code == 403
    planner = await browser("planerare")
    page = await planner.get(f"/analys/omgang/{site.round_id}")
    assert "Skicka påminnelse" not in page.text
    assert (await planner.post(f"/analys/omgang/{site.round_id}/paminnelse/skola", {})).status_code == 403
    # odd input: a 404 page, never a 500
    for url in (f"/analys/omgang/{10**20}/paminnelse/kultur", f"/analys/omgang/{site.round_id}/paminnelse/%0Aevil",
                f"/utskick/{10**20}/forsok-igen", "/utskick/999999/forsok-igen"):
        assert (await analyst.post(url, {})).status_code == 404, url
    auditor = await browser("revisor")
    page = await auditor.get("/utskick")
    assert page.status_code == 200 and "forsok-igen" not in page.text

    # contacts: the admin adds and removes; a bad address is refused with a message, nothing stored
    admin = await browser("admin")
    page = await admin.get("/admin/enheter")
    assert "/admin/enheter/skola/kontakter" in page.text
    page = await admin.get("/admin/enheter/skola/kontakter")
    assert "inga kontaktadresser" in page.text
    r = await admin.post("/admin/enheter/skola/kontakter", {"email": "inte en adress", "name": "", "language": "sv"})
    assert r.status_code == 422 and "ingen e-postadress" in r.text
    r = await admin.post("/admin/enheter/skola/kontakter",
                         {"email": "skola@kommun.example.invalid", "name": "<b>Kansli</b>", "language": "en"})
    assert r.status_code == 303
    page = await admin.get("/admin/enheter/skola/kontakter")
    assert "skola@kommun.example.invalid" in page.text and "&lt;b&gt;Kansli&lt;/b&gt;" in page.text
    assert (await auditor.post("/admin/enheter/skola/kontakter", {"email": "x@y.example"})).status_code == 403
    r = await admin.post("/admin/enheter/skola/kontakter/ta-bort", {"email": "skola@kommun.example.invalid"})
    assert r.status_code == 303
    assert "inga kontaktadresser" in (await admin.get("/admin/enheter/skola/kontakter")).text
    assert (await admin.get("/admin/enheter/nope/kontakter")).status_code == 404
    # the button's use is in the audit log, with the unit (read through the page: with
    # PostgreSQL the app's pool belongs to the test client, so no direct queries here)
    log = await auditor.get("/granskning/logg?handelse=reminder.send")
    assert log.status_code == 200 and log.text.count("reminder.send") >= 3, log.text  # the filter and two events
    assert ">kultur<" in log.text and ">miljo<" in log.text
