"""`survey-engine providers set/list/remove` (docs/shared-answers.md), JSON output."""
import json

from click.testing import CliRunner

from tests.helpers.provided import DELAD
from survey_engine.cli import main


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_providers_from_the_command_line(db, tmp_path):
    qfile = tmp_path / "q.yaml"
    qfile.write_text(DELAD, encoding="utf-8")
    assert run("questionnaire", "publish", qfile).exit_code == 0
    units = tmp_path / "units.csv"
    units.write_text("code,name,weight,parent\nIT,Serviceförvaltningen,1,\nA,Förvaltning A,1,\nB,Förvaltning B,1,\n",
                     encoding="utf-8")
    assert run("units", "import", units).exit_code == 0
    r = run("round", "create", "--name", "Delad 2026", "--questionnaire", "delad", "--version", "2026.1",
            "--unit", "IT", "--unit", "A", "--unit", "B", "--open")
    assert r.exit_code == 0, r.output

    r = run("providers", "set", "Delad 2026", "IT", "tag:drift")
    assert r.exit_code == 2 and "it-drift" in r.output  # names the tags there are
    r = run("providers", "set", "Delad 2026", "IT", "it-drift")
    assert r.exit_code == 2 and "tag:" in r.output
    r = run("providers", "set", "Delad 2026", "IT", "tag:it-drift", "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["items"][0]["served"] == ["A", "B"] and doc["items"][0]["questions"] == ["backup", "patchar", "logg"]
    r = run("providers", "set", "Delad 2026", "A", "area:styr", "--served", "B")
    assert r.exit_code == 2 and "A" in r.output  # a served unit cannot provide
    r = run("providers", "list", "Delad 2026")
    assert r.exit_code == 0 and "tag:it-drift" in r.output and "A, B" in r.output
    r = run("providers", "remove", "Delad 2026", "IT", "tag:it-drift", "--served", "A", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.output)["items"][0]["served"] == ["B"]
    r = run("providers", "remove", "Delad 2026", "IT", "area:styr")
    assert r.exit_code == 2

    # `answers print` names the provider of a provided answer, as the printable page does
    rid = json.loads(run("round", "list", "--format", "json").output)["items"][0]["id"]
    for unit, answers in (("IT", {"backup": "ja", "patchar": "delvis", "logg": "ja"}), ("B", {"policy": "nej"})):
        f = tmp_path / f"{unit}.json"
        f.write_text(json.dumps({"questionnaire": "delad", "version": "2026.1", "answers": answers}))
        r = run("answers", "import", f, "--round", rid, "--unit", unit)
        assert r.exit_code == 0, r.output
    r = run("answers", "print", "--round", rid, "--unit", "B")
    assert r.exit_code == 0, r.output
    assert r.output.count("Besvaras av Serviceförvaltningen") == 3
    assert "Besvaras av" not in r.output.split("- Policy")[1].split("- ")[0]
    r = run("answers", "print", "--round", rid, "--unit", "B", "--lang", "en")
    assert r.output.count("Answered by Serviceförvaltningen") == 3
    r = run("answers", "print", "--round", rid, "--unit", "B", "--format", "json")
    rows = {q["id"]: q for area in json.loads(r.output)["areas"] for q in area["questions"]}
    assert rows["patchar"]["provided"]["provider"] == "IT" and rows["patchar"]["answer"] == "Delvis"
    assert rows["policy"]["provided"] is None
