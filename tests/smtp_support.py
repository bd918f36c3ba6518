"""A real SMTP server on loopback for the reminder tests (aiosmtpd), and helpers to read
what it received. A plain module (not a conftest): import it as `from tests.smtp_support import …`."""
from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def language(self) -> str:
        return str(self.message["Content-Language"])

    @property
    def body(self) -> str:
        return self.message.get_content()


@dataclass
class Mailbox:
    """What the server does with mail: keeps it, or refuses it with `refuse` (e.g. "554 …")."""

    received: list[Received] = field(default_factory=list)
    refuse: str | None = None

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return self.refuse
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.recipients]


class GatedMailbox(Mailbox):
    """A mailbox whose server holds every message at DATA until the test calls
    `release()`: `arrived` is set when a sender has reached DATA (the message is then on
    the wire but not yet accepted or received). For showing that a request does not wait
    for the mail server (tests/mail/test_deferred_delivery.py)."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = threading.Event()
        self._gate = threading.Event()

    def release(self) -> None:
        self._gate.set()

    def close_again(self) -> None:
        """Hold the next messages again (after a release)."""
        self.arrived.clear()
        self._gate.clear()

    async def handle_DATA(self, server, session, envelope):
        self.arrived.set()
        # wait in a thread: the server's own loop stays free; 120 s caps a test that forgot to release
        await asyncio.get_running_loop().run_in_executor(None, self._gate.wait, 120)
        return await super().handle_DATA(server, session, envelope)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """aiosmtpd's Controller on 127.0.0.1, startable and stoppable on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.mailbox = Mailbox()
        self.controller: Controller | None = None
        self.login: tuple[str, str] | None = None  # (user, password) to require SMTP AUTH

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and self.login is not None
              and (auth_data.login.decode(), auth_data.password.decode()) == self.login)
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself

    def start(self) -> None:
        extra = {}
        if self.login is not None:  # plain-text AUTH on loopback only: the tests' server
            extra = {"authenticator": self._authenticate, "auth_required": True, "auth_require_tls": False}
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, **extra)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def env(self) -> dict[str, str]:
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.port), "SMTP_FROM": "enkat@kommun.example",
                # generous: a loaded CI machine must not turn a working send into a
                # timeout (the tests of a silent server set their own, 1 s)
                "SMTP_STARTTLS": "false", "SMTP_TIMEOUT": "30"}


@pytest.fixture
def smtp(monkeypatch):
    """A running loopback SMTP server, and the SMTP_* settings that point at it. Import
    it into a test module (`from smtp_support import smtp`) or a folder's conftest."""
    server = SmtpServer()
    server.start()
    for key, value in server.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("SMTP_USER", raising=False)
    monkeypatch.delenv("REMINDER_DAYS_BEFORE", raising=False)
    yield server
    server.stop()
