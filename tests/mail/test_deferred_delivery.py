"""The submit's and the return's e-mails are sent after the HTTP response
(docs/operations.md, "Notices after the response"), shown with real components: a
`survey-engine serve` process on the database of this pass and an SMTP server on
loopback that holds every message at DATA until the test lets it through. The HTTP
answer comes back while the mail server still holds the message (were the mail sent
inside the request, the request would wait for the server: the client's 30 s timeout
ends the test, well before the 60 s SMTP timeout); once released the message arrives
and its outbox row is `sent`. A server that is down leaves the message queued with its
error, the submit succeeds, and a retry sends it."""
from __future__ import annotations

import asyncio
import os
import time

import httpx
import pytest

from bench.serverkit import Server
from survey_engine.services import mailer, responses, tokens
from survey_engine.services import users as user_service
from survey_engine.services.access import system_actor
from survey_engine.store.mail_tables import OutboxMessage
from tests.smtp_support import GatedMailbox, SmtpServer
from tests.survey_samples import FULL_2024, V2024, setup_round

ADMIN = system_actor("tests")
CHEF = "chef@a.example.invalid"
RESP = "resp@a.example.invalid"


async def _world() -> tuple[int, str, str]:
    """Round with unit a, an answered response, an approver and a respondent of a with
    addresses; (response id, respondent token, approver token)."""
    rnd = await setup_round(V2024, ("a",), name="Självskattning 2026")
    await user_service.create_user(ADMIN, "chef-a", "approver", email=CHEF, units=["a"])
    await user_service.create_user(ADMIN, "resp-a", "respondent", email=RESP, units=["a"])
    state, _ = await responses.start_response(rnd.id, "a", actor=ADMIN)
    rid = (await responses.save_answers(state.id, state.revision, FULL_2024, actor=ADMIN)).id
    resp_token, _ = await tokens.create_token("tests", "resp-a", "tests")
    chef_token, _ = await tokens.create_token("tests", "chef-a", "tests")
    return rid, resp_token, chef_token


def _serve(smtp: SmtpServer, tmp_path) -> Server:
    env = dict(os.environ, SECURE_COOKIES="false", LOG_LEVEL="info", **smtp.env())
    env["SMTP_TIMEOUT"] = "60"  # longer than the client's timeout: a send inside the request would show
    env.pop("SMTP_USER", None)
    return Server(env, workers=1, log_path=tmp_path / "server.log").start()


async def _rows(kind: str) -> list[dict]:
    return await OutboxMessage.select().where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)


async def _until(what: str, check, timeout: float = 30) -> None:
    """Poll until `check()` is true (the server process works on its own clock)."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.1)


async def _wait_arrived(box: GatedMailbox) -> None:
    assert await asyncio.to_thread(box.arrived.wait, 30), "the server never began the deferred send"


async def test_submit_and_return_answer_before_the_mail_server_has_the_message(db, tmp_path):
    rid, resp_token, chef_token = await _world()
    smtp = SmtpServer()
    box = smtp.mailbox = GatedMailbox()
    smtp.start()
    server = _serve(smtp, tmp_path)
    try:
        async with httpx.AsyncClient(base_url=server.url + "/api/v1", timeout=30) as http:
            r = await http.post(f"/responses/{rid}/submit", json={},
                                headers={"Authorization": f"Bearer {resp_token}"})
            assert r.status_code == 200, r.text
            assert r.json()["status"] == "submitted"
            # The answer is here; the approver's notice is queued and on its way, held by the server.
            await _wait_arrived(box)
            assert box.received == []
            assert [row["status"] for row in await _rows("submitted")] == ["queued"]
            box.release()
            await _until("the submitted notice is sent",
                         lambda: _all_sent("submitted"))
            assert [m.recipients for m in box.received] == [[CHEF]]
            row = (await _rows("submitted"))[0]
            assert row["attempts"] == 1 and row["last_error"] == "" and row["sent_at"] is not None

            box.close_again()
            r = await http.post(f"/responses/{rid}/return", json={"comment": "Komplettera målen."},
                                headers={"Authorization": f"Bearer {chef_token}"})
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["state"] == "returned"
            # truthful: queued to be sent shortly, nothing claimed as sent
            assert body["mail"] == {"recipients": 1, "sent": 0, "retry_later": 0, "failed": 0, "errors": [],
                                    "deferred": 1}
            await _wait_arrived(box)
            assert len(box.received) == 1  # still only the submit's notice
            box.release()
            await _until("the returned e-mail is sent", lambda: _all_sent("returned"))
            returned = box.to(RESP)
            assert len(returned) == 1 and "Komplettera målen." in returned[0].body
    finally:
        box.release()
        server.stop()
        smtp.stop()


async def _all_sent(kind: str) -> bool:
    rows = await _rows(kind)
    return bool(rows) and all(r["status"] == "sent" for r in rows)


async def test_a_mail_server_that_is_down_leaves_the_notice_queued_and_the_submit_stands(db, tmp_path,
                                                                                         monkeypatch):
    rid, resp_token, _ = await _world()
    smtp = SmtpServer()  # not started: its port refuses connections
    for key, value in smtp.env().items():  # for the retry in this process
        monkeypatch.setenv(key, value)
    server = _serve(smtp, tmp_path)
    try:
        async with httpx.AsyncClient(base_url=server.url + "/api/v1", timeout=30) as http:
            r = await http.post(f"/responses/{rid}/submit", json={},
                                headers={"Authorization": f"Bearer {resp_token}"})
            assert r.status_code == 200, r.text
            assert r.json()["status"] == "submitted"

            async def tried() -> bool:
                rows = await _rows("submitted")
                return bool(rows) and rows[0]["attempts"] == 1
            await _until("the deferred send has tried", tried)
            row = (await _rows("submitted"))[0]
            assert row["status"] == "queued" and row["recipient"] == CHEF
            assert "vägrade anslutningen" in row["last_error"] and row["claimed_at"] is None

        # the same message, retried once the server is back: as for any queued e-mail
        smtp.start()
        try:
            result = await mailer.retry(row["id"], actor=ADMIN)
            assert result.sent == 1 and result.message.status == "sent"
            assert [m.recipients for m in smtp.mailbox.received] == [[CHEF]]
        finally:
            smtp.stop()
    finally:
        server.stop()
