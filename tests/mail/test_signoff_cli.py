"""`survey-engine responses approve|return|queue|signoff` and `report city --approved-only`,
with the "returned" e-mail to a loopback SMTP server (docs/sign-off.md)."""
import json

from click.testing import CliRunner

from survey_engine.cli import main
from tests.survey_samples import FULL_2024, V2024


def run(*args, input=None):
    result = CliRunner().invoke(main, [str(a) for a in args], input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_sign_off_from_the_command_line(db, smtp, tmp_path):
    qfile = tmp_path / "q.yaml"
    qfile.write_text(V2024, encoding="utf-8")
    assert run("questionnaire", "publish", qfile).exit_code == 0
    units = tmp_path / "units.csv"
    units.write_text("code,name,weight,parent\nA,Förvaltning A,1,\nB,Förvaltning B,1,\n", encoding="utf-8")
    assert run("units", "import", units).exit_code == 0
    assert run("round", "create", "--name", "Vår 2026", "--questionnaire", "liten", "--version", "2024.1",
               "--unit", "A", "--unit", "B", "--open").exit_code == 0
    round_id = json.loads(run("round", "list", "--format", "json").output)["items"][0]["id"]
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"questionnaire": "liten", "version": "2024.1", "answers": FULL_2024}),
                       encoding="utf-8")
    for unit in ("A", "B"):
        r = run("answers", "import", answers, "--round", round_id, "--unit", unit, "--submit")
        assert r.exit_code == 0, r.output
    assert run("user", "create", "chef-a", "--role", "approver", "--unit", "A", "--no-password").exit_code == 0
    assert run("units", "contacts", "add", "A", "kansli@a.example.invalid").exit_code == 0

    r = run("responses", "queue", "--as", "chef-a", "--format", "json")
    items = json.loads(r.output)["items"]
    assert [i["unit"] for i in items] == ["A"]
    rid_a = items[0]["response_id"]
    rid_b = json.loads(run("responses", "queue", "--format", "json").output)["items"][1]["response_id"]

    r = run("responses", "approve", rid_b, "--as", "chef-a")  # another unit's response
    assert r.exit_code == 2 and "behörighet" in r.output
    r = run("responses", "return", rid_a, "--as", "chef-a", "--comment", " ")
    assert r.exit_code == 2 and "Skriv varför" in r.output
    r = run("responses", "return", rid_a, "--as", "chef-a", "--comment", "Komplettera målen.")
    assert r.exit_code == 0 and "returned" in r.output and "1 av/of 1" in r.output, r.output
    assert "Komplettera målen." in smtp.mailbox.to("kansli@a.example.invalid")[0].body
    r = run("responses", "signoff", rid_a)
    assert "returned chef-a" in r.output and "Komplettera målen." in r.output

    # resubmitted (through the answers file again), then approved; the city report counts it alone
    r = run("answers", "import", answers, "--round", round_id, "--unit", "A", "--submit")
    assert r.exit_code == 0, r.output
    r = run("responses", "approve", rid_a, "--as", "chef-a", "--comment", "Godkänt.")
    assert r.exit_code == 0 and "approved" in r.output
    out = tmp_path / "stad.html"
    r = run("report", "city", "--round", round_id, "--approved-only", "--out", out)
    assert r.exit_code == 0, r.output
    assert "godkända svar" in out.read_text(encoding="utf-8") and "1 förvaltningar" in out.read_text(encoding="utf-8")
    r = run("report", "city", "--round", round_id, "--out", tmp_path / "alla.html")
    assert "2 förvaltningar" in (tmp_path / "alla.html").read_text(encoding="utf-8")
