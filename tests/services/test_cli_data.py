"""The data commands: publish, units, round, answers, demo; bad input exits 2 with a message."""
import json

import pytest
from click.testing import CliRunner

from survey_engine.cli import main
from tests.survey_samples import FULL_2024, V2024



def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_publish_units_round_answers(db, tmp_path):
    qfile = tmp_path / "2024.1.yaml"
    qfile.write_text(V2024, encoding="utf-8")
    r = run("questionnaire", "publish", qfile)
    assert r.exit_code == 0 and "liten 2024.1" in r.output
    r = run("questionnaire", "publish", qfile)
    assert r.exit_code == 0 and "unchanged" in r.output
    qfile.write_text(V2024.replace("Policy", "Policyn"), encoding="utf-8")
    r = run("questionnaire", "publish", qfile)
    assert r.exit_code == 2 and "bump the version" in r.output

    csv = tmp_path / "units.csv"
    csv.write_text("code,name,weight,parent\nK,Kommunen,1000,\nA,Förvaltning A,600,K\nB,Förvaltning B,400,K\n",
                   encoding="utf-8")
    r = run("units", "import", csv)
    assert r.exit_code == 0 and "3" in r.output
    r = run("units", "list", "--format", "json")
    assert [u["code"] for u in json.loads(r.output)["items"]] == ["K", "A", "B"]

    r = run("round", "create", "--name", "Test 2024", "--questionnaire", "liten", "--version", "2024.1",
            "--unit", "A", "--unit", "B", "--opens", "2024-03-01", "--open")
    assert r.exit_code == 0, r.output
    r = run("round", "list", "--format", "json")
    rnd = json.loads(r.output)["items"][0]
    assert rnd["status"] == "open" and rnd["units"] == ["A", "B"]

    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"questionnaire": "liten", "version": "2024.1", "answers": FULL_2024}))
    r = run("answers", "import", answers, "--round", rnd["id"], "--unit", "A", "--submit")
    assert r.exit_code == 0 and "submitted" in r.output, r.output
    out = tmp_path / "out.json"
    r = run("answers", "export", "--round", rnd["id"], "--unit", "A", "-o", out)
    assert r.exit_code == 0
    assert json.loads(out.read_text()) == {"questionnaire": "liten", "version": "2024.1", "answers": FULL_2024}

    r = run("round", "close", rnd["id"])
    assert r.exit_code == 0 and "closed" in r.output
    r = run("answers", "import", answers, "--round", rnd["id"], "--unit", "B")
    assert r.exit_code == 2 and "closed" in r.output


def test_bad_input_exits_2_with_line_numbers(db, tmp_path):
    csv = tmp_path / "units.csv"
    csv.write_text("code,name,weight,parent\nA,Förvaltning A,många,\nB,,5,\nA,Dubblett,1,\n", encoding="utf-8")
    r = run("units", "import", csv)
    assert r.exit_code == 2
    assert f"{csv}:2" in r.output and "weight" in r.output
    assert f"{csv}:3" in r.output and f"{csv}:4" in r.output
    assert "Traceback" not in r.output
    r = run("units", "import", tmp_path / "nope.csv")
    assert r.exit_code == 2 and "does not exist" in r.output
    (tmp_path / "bad.csv").write_text("kod,namn\nA,B\n", encoding="utf-8")
    r = run("units", "import", tmp_path / "bad.csv")
    assert r.exit_code == 2 and "code,name,weight,parent" in r.output
    r = run("round", "open", 4242)
    assert r.exit_code == 2 and "4242" in r.output
    r = run("round", "create", "--name", "x", "--questionnaire", "nope", "--version", "2026.1")
    assert r.exit_code == 2 and "not published" in r.output
    r = run("round", "create", "--name", "x", "--questionnaire", "nope", "--version", "2026.1", "--opens", "igår")
    assert r.exit_code == 2 and "YYYY-MM-DD" in r.output
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{\n  \"questionnaire\": \n", encoding="utf-8")
    r = run("answers", "import", bad_json, "--round", 1, "--unit", "A")
    assert r.exit_code == 2 and "invalid JSON" in r.output
