import pytest

from smtp_support import SmtpServer


@pytest.fixture
def smtp(monkeypatch):
    """A running loopback SMTP server, and the SMTP_* settings that point at it."""
    server = SmtpServer()
    server.start()
    for key, value in server.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("SMTP_USER", raising=False)
    monkeypatch.delenv("REMINDER_DAYS_BEFORE", raising=False)
    yield server
    server.stop()
