"""`report compare` and `answers print` (issue 13): the comparison table and the
printable copy from the command line, through the same services as the pages and API."""
import csv
import io
import json

from click.testing import CliRunner
from openpyxl import load_workbook

from survey_engine.cli import main
from tests.survey_samples import FULL_2024, V2024


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_compare_and_print_from_the_command_line(db, tmp_path):
    qfile = tmp_path / "2024.1.yaml"
    qfile.write_text(V2024, encoding="utf-8")
    assert run("questionnaire", "publish", qfile).exit_code == 0
    (tmp_path / "units.csv").write_text("code,name,weight,parent\nA,Förvaltning A,6,\nB,Förvaltning B,4,\n",
                                        encoding="utf-8")
    assert run("units", "import", tmp_path / "units.csv").exit_code == 0
    r = run("round", "create", "--name", "Test 2024", "--questionnaire", "liten", "--version", "2024.1",
            "--unit", "A", "--unit", "B", "--opens", "2024-03-01", "--open")
    rid = json.loads(run("round", "list", "--format", "json").output)["items"][0]["id"]
    partial = {k: v for k, v in FULL_2024.items() if k != "mal"}
    for unit, answers, submit in (("A", FULL_2024, True), ("B", dict(partial, antal=72.5), False)):
        f = tmp_path / f"{unit}.json"
        f.write_text(json.dumps({"questionnaire": "liten", "version": "2024.1", "answers": answers}))
        r = run("answers", "import", f, "--round", rid, "--unit", unit, *(["--submit"] if submit else []))
        assert r.exit_code == 0, r.output

    out = tmp_path / "cmp.csv"
    r = run("report", "compare", "--round", rid, "--format", "csv", "--sort", "-percent", "--out", out)
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][:4] == ["unit", "name", "status", "draft"]
    assert [(x[0], x[3]) for x in rows[1:]] == [("A", "false"), ("B", "true")]
    out = tmp_path / "cmp.xlsx"
    r = run("report", "compare", "--round", rid, "--out", out)  # Excel by default
    assert r.exit_code == 0, r.output
    sheet = [list(x) for x in load_workbook(out).active.iter_rows(values_only=True)]
    assert sheet[0][0] == "Förvaltningskod" and [x[0] for x in sheet[1:]] == ["A", "B"]
    r = run("report", "compare", "--round", 999999, "--out", tmp_path / "x.csv")
    assert r.exit_code == 2 and "Traceback" not in r.output

    r = run("answers", "print", "--round", rid, "--unit", "B")
    assert r.exit_code == 0, r.output
    assert "Svaren: Liten enkät" in r.output and "Inte besvarad" in r.output and "72,5 %" in r.output
    assert "Kommentar" not in r.output.split("- Andel utbildade")[1].split("- ")[0]
    r = run("answers", "print", "--round", rid, "--unit", "B", "--format", "json", "--lang", "en")
    copy = json.loads(r.output)
    rows = {q["id"]: q for area in copy["areas"] for q in area["questions"]}
    assert rows["mal"]["answer"] == "Not answered" and rows["antal"]["answer"] == "72.5 %"
    r = run("answers", "print", "--round", rid, "--unit", "OKÄND")
    assert r.exit_code == 2 and "Traceback" not in r.output
