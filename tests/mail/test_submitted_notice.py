"""Approvers are e-mailed when a response of their unit is submitted (docs/sign-off.md,
"The approvers' notice"), through the outbox and a real SMTP server on loopback: who
receives it (active approvers of that unit with an address, not other units' approvers
nor respondents), in their language, once per submission, audited; a server that is
down leaves it queued with its error and loses nothing; the submission stands."""
from __future__ import annotations

from click.testing import CliRunner

from tests.smtp_support import smtp  # noqa: F401  (the loopback SMTP server fixture)
from survey_engine.cli import main
from survey_engine.services import audit, mailer, responses, signoff
from survey_engine.services import users as user_service
from survey_engine.services.access import system_actor
from survey_engine.services.policy import Principal, Role
from tests.survey_samples import FULL_2024, V2024, setup_round

ADMIN = system_actor("tests")
RESP_A = Principal("resp-a", Role.RESPONDENT, frozenset({"a"}), via="cli")


async def _people() -> None:
    await user_service.create_user(ADMIN, "chef-a", "approver", email="chef@a.example.invalid", units=["a"])
    await user_service.create_user(ADMIN, "chef-a-en", "approver", email="head@a.example.invalid", units=["a"])
    await user_service.set_language(ADMIN, "chef-a-en", "en")
    await user_service.create_user(ADMIN, "chef-b", "approver", email="chef@b.example.invalid", units=["b"])
    await user_service.create_user(ADMIN, "chef-a-off", "approver", email="off@a.example.invalid", units=["a"])
    await user_service.disable_user(ADMIN, "chef-a-off")
    await user_service.create_user(ADMIN, "chef-a-nomail", "approver", units=["a"])
    await user_service.create_user(ADMIN, "resp-a", "respondent", email="resp@a.example.invalid", units=["a"])


async def _answered(round_id: int, code: str) -> int:
    state, _ = await responses.start_response(round_id, code, actor=ADMIN)
    return (await responses.save_answers(state.id, state.revision, FULL_2024, actor=ADMIN)).id


async def _events(response_id: int) -> list[audit.Event]:
    return await audit.list_events(audit.AuditFilter(action="reminder.submitted", object_type="response",
                                                     object_id=str(response_id)))


async def test_the_units_approvers_get_the_notice_in_their_language(db, smtp):
    rnd = await setup_round(V2024, ("a", "b"), name="Självskattning 2026")
    await _people()
    rid = await _answered(rnd.id, "a")
    await responses.submit_response(rid, actor=RESP_A)

    assert sorted(a for m in smtp.mailbox.received for a in m.recipients) == [
        "chef@a.example.invalid", "head@a.example.invalid"]
    sv = smtp.mailbox.to("chef@a.example.invalid")[0]
    assert sv.subject == "Att godkänna: Enhet a har skickat in sina svar i Självskattning 2026"
    assert sv.language == "sv" and "Godkännande" in sv.body
    en = smtp.mailbox.to("head@a.example.invalid")[0]
    assert en.subject.startswith("To approve: Enhet a has submitted") and en.language == "en"
    events = await _events(rid)
    assert len(events) == 1 and events[0].actor == "resp-a" and events[0].details["recipients"] == 2
    assert "chef@a" not in str(events[0].details)  # addresses are counted, not copied

    # Returned and submitted again: a new submission, a new notice (one per submission).
    await signoff.return_response(rid, "Komplettera.", actor=ADMIN, notify=False)
    await responses.submit_response(rid, actor=RESP_A)
    assert len(smtp.mailbox.to("chef@a.example.invalid")) == 2 and len(await _events(rid)) == 2
    # A unit without an approver with an address: nothing is queued, nothing audited.
    rid_b = await _answered(rnd.id, "b")
    await user_service.disable_user(ADMIN, "chef-b")
    await responses.submit_response(rid_b, actor=ADMIN)
    assert smtp.mailbox.to("chef@b.example.invalid") == [] and await _events(rid_b) == []


async def test_a_server_that_is_down_keeps_the_notice_queued_and_the_submission_stands(db, smtp):
    rnd = await setup_round(V2024, ("a", "b"), name="Självskattning 2026")
    await _people()
    rid = await _answered(rnd.id, "a")
    smtp.stop()
    state = await responses.submit_response(rid, actor=RESP_A)
    assert state.status == "submitted"
    waiting, total = await mailer.list_outbox(status="queued", actor=ADMIN)
    assert total == 2 and {m.kind for m in waiting} == {"submitted"}
    assert all(m.last_error for m in waiting)  # the error is visible on the outbox page
    problems, _ = await mailer.list_outbox(problems=True, actor=ADMIN)
    assert len(problems) == 2

    smtp.start()
    summary = await mailer.deliver()  # what `survey-engine reminders send` does with the queue
    assert summary.sent == 2
    assert len(smtp.mailbox.to("chef@a.example.invalid")) == 1 and len(smtp.mailbox.to("head@a.example.invalid")) == 1
    assert (await mailer.list_outbox(status="queued", actor=ADMIN))[1] == 0


def test_set_language_from_the_command_line(db):
    runner = CliRunner()
    r = runner.invoke(main, ["user", "create", "chef-x", "--role", "admin", "--no-password"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["user", "set-language", "chef-x", "en"])
    assert r.exit_code == 0 and "en" in r.output
    r = runner.invoke(main, ["user", "set-language", "chef-x", "de"])
    assert r.exit_code == 2 and "Traceback" not in r.output
    r = runner.invoke(main, ["user", "set-language", "nobody", "sv"])
    assert r.exit_code == 2 and "Traceback" not in r.output


async def test_each_user_chooses_their_email_language_on_the_account_page(db):
    import re

    import pytest
    from litestar.testing import AsyncTestClient

    from survey_engine.errors import PermissionDenied
    from survey_engine.web import create_app

    password = "gamla fraser håller länge"
    await setup_round(V2024, ("a", "b"))  # the units
    await user_service.create_user(ADMIN, "chef-a", "approver", email="chef@a.example.invalid", units=["a"],
                                   password=password)
    await user_service.create_user(ADMIN, "chef-b", "approver", units=["b"])
    chef_a = (await user_service.get_user("chef-a")).principal("cli")
    with pytest.raises(PermissionDenied):  # someone else's: administrators only
        await user_service.set_language(chef_a, "chef-b", "en")
    field = re.compile(r'name="_csrf_token" value="([^"]+)"')
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as client:
        page = await client.get("/logga-in")
        token = field.search(page.text).group(1)
        r = await client.post("/logga-in", data={"username": "chef-a", "password": password, "next": "/",
                                                 "_csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303
        page = await client.get("/konto")
        assert 'id="email-language"' in page.text and '<option value="sv" selected>' in page.text
        token = field.search(page.text).group(1)
        r = await client.post("/konto/e-postsprak", data={"language": "en"}, follow_redirects=False)
        assert r.status_code == 403  # no CSRF token
        r = await client.post("/konto/e-postsprak", data={"language": "de", "_csrf_token": token},
                              follow_redirects=False)
        assert r.status_code == 422 and "sv eller en" in r.text
        r = await client.post("/konto/e-postsprak", data={"language": "en", "_csrf_token": token},
                              follow_redirects=False)
        assert r.status_code == 303
        assert '<option value="en" selected>' in (await client.get(r.headers["location"])).text
    assert (await user_service.get_user("chef-a")).language == "en"
    assert (await user_service.get_user("chef-b")).language == "sv"
    events = await audit.list_events(audit.AuditFilter(action="user.language"))
    assert [(e.actor, e.details["to"]) for e in events] == [("chef-a", "en")]


async def test_set_language_through_the_api(db):
    from tests.helpers.auth import bearer_clients

    await setup_round(V2024, ("a",))
    await user_service.create_user(ADMIN, "chef-a", "approver", units=["a"])
    async with bearer_clients() as client_as:
        admin = await client_as("admin")
        r = await admin.put("/api/v1/users/chef-a/language", json={"language": "en"})
        assert r.status_code == 200 and r.json()["language"] == "en"
        assert (await admin.get("/api/v1/users/chef-a")).json()["language"] == "en"
        r = await admin.put("/api/v1/users/chef-a/language", json={"language": "de"})
        assert r.status_code in (400, 422) and "detail" in r.json()
        r = await admin.put("/api/v1/users/nobody/language", json={"language": "sv"})
        assert r.status_code == 404 and "detail" in r.json()
        analyst = await client_as("analyst")
        assert (await analyst.put("/api/v1/users/chef-a/language", json={"language": "sv"})).status_code == 403
    assert (await user_service.get_user("chef-a")).language == "en"
