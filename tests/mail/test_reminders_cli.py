"""`survey-engine units contacts …` and `survey-engine reminders …` against a loopback SMTP server."""
import datetime as dt
import json

import pytest
from click.testing import CliRunner

from survey_engine.cli import main
from survey_engine.services import reminders
from tests.survey_samples import V2024



def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_contacts_and_reminders_from_the_command_line(db, smtp, tmp_path):
    qfile = tmp_path / "q.yaml"
    qfile.write_text(V2024, encoding="utf-8")
    assert run("questionnaire", "publish", qfile).exit_code == 0
    units = tmp_path / "units.csv"
    units.write_text("code,name,weight,parent\nA,Förvaltning A,1,\nB,Förvaltning B,1,\n", encoding="utf-8")
    assert run("units", "import", units).exit_code == 0
    closes = reminders.today() + dt.timedelta(days=1)
    r = run("round", "create", "--name", "Vår 2026", "--questionnaire", "liten", "--version", "2024.1",
            "--unit", "A", "--unit", "B", "--closes", closes.isoformat(), "--open")
    assert r.exit_code == 0, r.output
    round_id = json.loads(run("round", "list", "--format", "json").output)["items"][0]["id"]

    bad = tmp_path / "bad.csv"
    bad.write_text("unit,email\nA,nope\n", encoding="utf-8")
    r = run("units", "contacts", "import", bad)
    assert r.exit_code == 2 and "nope" in r.output and "e-postadress" in r.output
    good = tmp_path / "contacts.csv"
    good.write_text("unit,email,name,language\nA,a@forvaltning-a.example.invalid,Registrator,sv\n"
                    "B,b@forvaltning-b.example.invalid,,en\n", encoding="utf-8")
    r = run("units", "contacts", "import", good)
    assert r.exit_code == 0 and "2" in r.output, r.output
    r = run("units", "contacts", "add", "A", "chef@forvaltning-a.example.invalid", "--language", "en")
    assert r.exit_code == 0
    r = run("units", "contacts", "list", "--format", "json")
    assert len(json.loads(r.output)["items"]) == 3

    r = run("reminders", "send", "--dry-run", "--format", "json")
    assert r.exit_code == 0, r.output
    plan = json.loads(r.output)
    assert plan["dry_run"] and {i["kind"] for i in plan["would_queue"]} == {"opened", "deadline"}
    assert smtp.mailbox.received == []

    smtp.mailbox.refuse = "554 5.7.1 not today"
    r = run("reminders", "send", "--round", round_id)
    assert r.exit_code == 1 and "554" in r.output, r.output
    r = run("reminders", "list", "--problems", "--format", "json")
    listed = json.loads(r.output)
    assert listed["total"] == 6 and all("554" in m["last_error"] and m["status"] == "queued" for m in listed["items"])
    r = run("reminders", "list")
    assert "554" in r.output and "queued" in r.output

    smtp.mailbox.refuse = None
    r = run("reminders", "send")
    assert r.exit_code == 0 and "sent 6" in r.output, r.output
    assert len(smtp.mailbox.received) == 6
    english = smtp.mailbox.to("chef@forvaltning-a.example.invalid")
    assert {m.language for m in english} == {"en"} and any("Vår 2026" in m.subject for m in english)
    r = run("reminders", "send", "--format", "json")
    assert json.loads(r.output)["queued"] == 0 and len(smtp.mailbox.received) == 6

    assert run("reminders", "send", "--round", "999").exit_code == 2
    r = run("units", "contacts", "remove", "A", "nobody@x.example")
    assert r.exit_code == 2
