"""SMTP settings from the environment: defaults, and clear refusals of bad values."""
import pytest

from survey_engine.settings import SettingsError, smtp_settings


def test_defaults_and_values():
    s = smtp_settings({})
    assert not s.configured and s.port == 587 and s.starttls and s.days_before == (7, 1)
    s = smtp_settings({"SMTP_HOST": "smtp.kommun.example", "SMTP_PORT": "25", "SMTP_FROM": "enkat@kommun.example",
                       "SMTP_STARTTLS": "false", "SMTP_USER": "u", "SMTP_PASSWORD": " p ",
                       "REMINDER_DAYS_BEFORE": "1, 14,7,7"})
    assert s.configured and s.port == 25 and not s.starttls and s.password == " p "
    assert s.days_before == (14, 7, 1)


@pytest.mark.parametrize("env,needle", [
    ({"SMTP_HOST": "smtp.example"}, "SMTP_FROM"),
    ({"SMTP_FROM": "nobody"}, "SMTP_FROM"),
    ({"SMTP_FROM": "a@b.example\r\nBcc: x@y.example"}, "SMTP_FROM"),
    ({"SMTP_PORT": "0"}, "SMTP_PORT"),
    ({"SMTP_PORT": "smtp"}, "SMTP_PORT"),
    ({"SMTP_STARTTLS": "maybe"}, "SMTP_STARTTLS"),
    ({"REMINDER_DAYS_BEFORE": "7,-1"}, "REMINDER_DAYS_BEFORE"),
    ({"REMINDER_DAYS_BEFORE": "sju"}, "REMINDER_DAYS_BEFORE"),
])
def test_bad_values_are_refused_with_the_variable_named(env, needle):
    with pytest.raises(SettingsError, match=needle):
        smtp_settings(env)


@pytest.mark.db
async def test_a_wrong_setting_is_a_clear_refusal_not_a_traceback(db, monkeypatch):
    from survey_engine.errors import Invalid
    from survey_engine.services import reminders
    from survey_engine.services.access import system_actor

    monkeypatch.setenv("REMINDER_DAYS_BEFORE", "en vecka")
    with pytest.raises(Invalid, match="REMINDER_DAYS_BEFORE"):
        await reminders.send_due(actor=system_actor("tests"))
