"""Sign-off through the services (docs/sign-off.md): approve and return with their audit
events, the "returned" e-mail to a real SMTP server on loopback, approvals that lapse
when a response is reopened or submitted again, who may decide, and the approved-only
city figures read through the one read path."""
from __future__ import annotations

import pytest

from tests.smtp_support import smtp  # noqa: F401  (the loopback SMTP server fixture)
from survey_engine.errors import Conflict, Invalid, Locked, PermissionDenied
from survey_engine.services import audit, contacts, overview, reports, responses, round_results, rounds, signoff
from survey_engine.services.access import system_actor
from survey_engine.services.policy import Principal, Role
from tests.survey_samples import FULL_2024, V2024, setup_round

ADMIN = system_actor("tests")
CHEF_A = Principal("chef-a", Role.APPROVER, frozenset({"a"}), via="cli")
RESP_A = Principal("resp-a", Role.RESPONDENT, frozenset({"a"}), via="cli")


async def _submitted(units=("a", "b", "c"), submit=("a", "b")) -> dict:
    """An open round; every unit in `submit` has answered everything and submitted."""
    rnd = await setup_round(V2024, units, name="Självskattning 2026")
    ids = {}
    for code in submit:
        state, _ = await responses.start_response(rnd.id, code, actor=ADMIN)
        state = await responses.save_answers(state.id, state.revision, FULL_2024, actor=ADMIN)
        ids[code] = (await responses.submit_response(state.id, actor=ADMIN)).id
    return {"round": rnd.id, "responses": ids}


async def _events(action: str, response_id: int) -> list[audit.Event]:
    return await audit.list_events(audit.AuditFilter(action=action, object_type="response",
                                                     object_id=str(response_id)))


async def test_approval_is_audited_and_lapses_when_the_response_is_reopened_or_submitted_again(db):
    ctx = await _submitted()
    rid = ctx["responses"]["a"]
    before = await signoff.signoff_state(rid, actor=CHEF_A)
    assert before.state == "awaiting_approval" and before.latest is None
    state = await signoff.approve(rid, actor=CHEF_A, comment="Ser bra ut.", revision=before.revision)
    assert state.approved and state.latest.decided_by == "chef-a" and state.latest.comment == "Ser bra ut."
    events = await _events("response.approve", rid)
    assert len(events) == 1 and events[0].actor == "chef-a" and events[0].unit == "a"
    with pytest.raises(Conflict):  # twice is refused, not recorded twice
        await signoff.approve(rid, actor=CHEF_A)
    data = await round_results.load_round(ctx["round"])
    assert data.unit("a").approved and not data.unit("b").approved

    # An administrator reopens: the approval no longer holds, nothing was deleted.
    await responses.reopen_response(rid, actor=ADMIN)
    state = await signoff.signoff_state(rid, actor=CHEF_A)
    assert state.state == "not_submitted" and not state.approved and len(state.history) == 1
    assert not (await round_results.load_round(ctx["round"])).unit("a").approved
    await responses.submit_response(rid, actor=ADMIN)
    assert (await signoff.signoff_state(rid, actor=CHEF_A)).state == "awaiting_approval"
    assert [i.response_id for i in await signoff.approval_queue(actor=CHEF_A)] == [rid]
    await signoff.approve(rid, actor=CHEF_A)
    assert await signoff.approval_queue(actor=CHEF_A) == []


async def test_return_needs_a_comment_reopens_and_mails_the_unit(db, smtp):
    ctx = await _submitted()
    rid = ctx["responses"]["a"]
    await contacts.replace_contacts([contacts.contact_input("a", "kansli@a.example.invalid", "", "sv"),
                                     contacts.contact_input("a", "it@a.example.invalid", "", "en")], actor=ADMIN)
    for empty in ("", "   \n"):
        with pytest.raises(Invalid) as info:
            await signoff.return_response(rid, empty, actor=CHEF_A)
        assert info.value.errors[0]["field"] == "comment"
    with pytest.raises(Invalid):
        await signoff.return_response(rid, "fel\x1b[31m", actor=CHEF_A)
    with pytest.raises(Invalid):
        await signoff.return_response(rid, "x" * 2001, actor=CHEF_A)
    assert (await responses.get_response(rid, actor=ADMIN)).status == "submitted"  # nothing half-done

    state, mail = await signoff.return_response(rid, "Fråga 3 saknar belägg.", actor=CHEF_A)
    assert state.state == "returned" and state.status == "reopened" and state.latest.comment == "Fråga 3 saknar belägg."
    assert (mail.recipients, mail.sent, mail.errors) == (2, 2, [])
    sv = smtp.mailbox.to("kansli@a.example.invalid")[0]
    assert "skickats tillbaka" in sv.subject and "Fråga 3 saknar belägg." in sv.body
    assert "returned" in smtp.mailbox.to("it@a.example.invalid")[0].subject
    events = await _events("response.return", rid)
    assert len(events) == 1 and events[0].actor == "chef-a"

    # The respondents see why and can change the answers again; submitting again ends "returned".
    seen = await signoff.signoff_state(rid, actor=RESP_A)
    assert seen.returned and seen.latest.comment == "Fråga 3 saknar belägg."
    current = await responses.get_response(rid, actor=RESP_A)
    current = await responses.save_answers(rid, current.revision, {"policy": "delvis"}, actor=RESP_A)
    await responses.submit_response(rid, actor=RESP_A)
    assert (await signoff.signoff_state(rid, actor=RESP_A)).state == "awaiting_approval"


async def test_a_mail_server_that_is_down_leaves_the_return_done_and_the_mail_queued(db, smtp):
    ctx = await _submitted()
    rid = ctx["responses"]["a"]
    await contacts.replace_contacts([contacts.contact_input("a", "kansli@a.example.invalid", "", "sv")], actor=ADMIN)
    smtp.stop()
    state, mail = await signoff.return_response(rid, "Komplettera området Styrning.", actor=CHEF_A)
    assert state.returned and mail.sent == 0 and mail.errors
    smtp.start()
    from survey_engine.services import mailer

    await mailer.deliver()
    assert "Komplettera området Styrning." in smtp.mailbox.to("kansli@a.example.invalid")[0].body


async def test_who_may_decide(db):
    ctx = await _submitted()
    a, b = ctx["responses"]["a"], ctx["responses"]["b"]
    with pytest.raises(PermissionDenied):  # an approver of a, on b
        await signoff.approve(b, actor=CHEF_A)
    with pytest.raises(PermissionDenied):
        await signoff.return_response(b, "nej", actor=CHEF_A)
    with pytest.raises(PermissionDenied):  # respondents cannot approve, not even their own unit
        await signoff.approve(a, actor=RESP_A)
    for role in (Role.ANALYST, Role.PLANNER, Role.AUDITOR):
        with pytest.raises(PermissionDenied):
            await signoff.approve(a, actor=Principal("x", role, via="cli"))
    await responses.reopen_response(a, actor=ADMIN)
    with pytest.raises(PermissionDenied):  # approvers never write answers
        await responses.save_answers(a, 0, {"policy": "nej"}, actor=CHEF_A)
    with pytest.raises(PermissionDenied):
        await signoff.signoff_state(b, actor=CHEF_A)
    assert [i.unit for i in await signoff.approval_queue(actor=CHEF_A, waiting_only=False)] == ["a"]
    with pytest.raises(Conflict):  # not submitted
        await signoff.approve(a, actor=CHEF_A)
    await responses.submit_response(a, actor=ADMIN)
    with pytest.raises(Conflict):  # a stale revision: the approver read an earlier submission
        await signoff.approve(a, actor=CHEF_A, revision=1)
    # A closed round: approving changes no answer and is allowed; returning would reopen, and is not.
    await rounds.close_round(ctx["round"], actor=ADMIN)
    with pytest.raises(Locked):
        await signoff.return_response(a, "för sent", actor=CHEF_A)
    assert (await signoff.approve(a, actor=CHEF_A)).approved


async def test_approved_only_counts_only_approved_responses_everywhere(db):
    ctx = await _submitted(units=("a", "b", "c", "d"), submit=("a", "b"))
    await responses.start_response(ctx["round"], "c", actor=ADMIN)  # c: a draft; d: not started
    with pytest.raises(Invalid) as info:  # nothing approved yet
        await reports.city_report(ctx["round"], "html", approved_only=True)
    assert "godkända svar" in info.value.message
    await signoff.approve(ctx["responses"]["a"], actor=CHEF_A)

    data = await round_results.load_round(ctx["round"], approved_only=True)
    assert [u.code for u in data.scored_units()] == ["a"]
    assert [u.code for u in data.scored_units(include_drafts=True)] == ["a"]  # drafts never count then
    assert [u.code for u in (await round_results.load_round(ctx["round"])).scored_units()] == ["a", "b"]

    figures = await overview.city_results(ctx["round"], actor=ADMIN, approved_only=True)
    assert figures["counted"] == 1 and [u["unit"] for u in figures["units"] if u["counted"]] == ["a"]
    assert figures["city"]["mean"]["level"] is not None
    everyone = await overview.city_results(ctx["round"], actor=ADMIN)
    assert everyone["counted"] == 2

    view = await overview.round_overview(ctx["round"], actor=ADMIN)
    assert {u.unit: u.stage for u in view.units} == {"a": "approved", "b": "submitted", "c": "draft",
                                                     "d": "not_started"}
    assert view.approved == 1 and view.submitted == 2

    content, _, _ = await reports.city_report(ctx["round"], "html", approved_only=True)
    assert "godkända svar" in content.decode()
    events = await audit.list_events(audit.AuditFilter(action="report.city"))
    assert any(e.details.get("approved_only") for e in events)
