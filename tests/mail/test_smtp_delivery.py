"""Delivery details against real servers on loopback: SMTP login, a server that never
answers (timeout), and the message's headers."""
import socket

import pytest

from survey_engine.services import mailer
from survey_engine.services.access import system_actor
from survey_engine.services.mailer import Outgoing
from tests.smtp_support import SmtpServer

pytestmark = [pytest.mark.db, pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
              pytest.mark.filterwarnings("ignore:Session.login_data is deprecated")]
ADMIN = system_actor("tests")


def _message(n: int = 1) -> Outgoing:
    return Outgoing(key=f"test:{n}", kind="manual", recipient=f"r{n}@kommun.example.invalid", language="sv",
                    subject="Påminnelse:\r\nBcc: evil@example.com", body="Hej!\nÅÄÖ åäö\n", round_id=None,
                    unit_code="a")


async def test_smtp_login_right_and_wrong(db, monkeypatch):
    server = SmtpServer()
    server.login = ("enkat", "hemligt lösen")
    server.start()
    try:
        for key, value in server.env().items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("SMTP_USER", "enkat")
        monkeypatch.setenv("SMTP_PASSWORD", "fel")
        ids = await mailer.enqueue([_message()])
        result = await mailer.deliver(ids)
        assert result.retry_later == 1 and "535" in result.errors[0]
        monkeypatch.setenv("SMTP_PASSWORD", "hemligt lösen")
        # smtplib cannot send a non-ASCII password: a clear error, the message waits
        result = await mailer.deliver(ids)
        assert result.retry_later == 1 and "ASCII" in result.errors[0]
        server.stop()
        server.login = ("enkat", "hemligt-losen")
        server.start()
        monkeypatch.setenv("SMTP_PASSWORD", "hemligt-losen")
        assert (await mailer.deliver(ids)).sent == 1
        got = server.mailbox.received[0]
        # header injection through the subject is neutralised; the body keeps its letters
        assert got.recipients == ["r1@kommun.example.invalid"] and "Bcc" not in got.message
        assert got.subject == "Påminnelse: Bcc: evil@example.com" and "ÅÄÖ åäö" in got.body
        assert got.message["Auto-Submitted"] == "auto-generated" and got.message["Message-ID"]
    finally:
        server.stop()


async def test_a_server_that_never_answers_times_out_and_keeps_the_message(db, monkeypatch):
    with socket.socket() as silent:  # accepts connections (backlog) but never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        port = silent.getsockname()[1]
        for key, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_FROM": "enkat@kommun.example",
                           "SMTP_STARTTLS": "false", "SMTP_TIMEOUT": "1"}.items():
            monkeypatch.setenv(key, value)
        ids = await mailer.enqueue([_message(2)])
        result = await mailer.deliver(ids)
    assert result.sent == 0 and result.retry_later == 1
    assert "svarade inte i tid" in result.errors[0] and "timed out" in result.errors[0]
    message = await mailer.get_message(ids[0], actor=ADMIN)
    assert message.status == "queued" and message.attempts == 1 and "timed out" in message.last_error
    assert await mailer.enqueue([_message(2)]) == []  # the same key is not queued twice
