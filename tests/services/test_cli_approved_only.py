"""`--approved-only` on every `survey-engine report …` command (docs/sign-off.md):
`report compare` gains it (the `counted` column, the file name), and every command
says on stderr that only approved responses count."""
import csv
import io
import json

from click.testing import CliRunner

from survey_engine.cli import main
from tests.survey_samples import FULL_2024, V2024


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_approved_only_on_every_report_command(db, tmp_path):
    qfile = tmp_path / "q.yaml"
    qfile.write_text(V2024, encoding="utf-8")
    assert run("questionnaire", "publish", qfile).exit_code == 0
    units = tmp_path / "units.csv"
    units.write_text("code,name,weight,parent\nA,Förvaltning A,1,\nB,Förvaltning B,1,\n", encoding="utf-8")
    assert run("units", "import", units).exit_code == 0
    assert run("round", "create", "--name", "Vår 2026", "--questionnaire", "liten", "--version", "2024.1",
               "--unit", "A", "--unit", "B", "--open").exit_code == 0
    rid = json.loads(run("round", "list", "--format", "json").output)["items"][0]["id"]
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"questionnaire": "liten", "version": "2024.1", "answers": FULL_2024}),
                       encoding="utf-8")
    for unit in ("A", "B"):
        assert run("answers", "import", answers, "--round", rid, "--unit", unit, "--submit").exit_code == 0
    assert run("user", "create", "chef-a", "--role", "approver", "--unit", "A", "--no-password").exit_code == 0
    items = json.loads(run("responses", "queue", "--as", "chef-a", "--format", "json").output)["items"]
    assert run("responses", "approve", items[0]["response_id"], "--as", "chef-a").exit_code == 0

    note = "only approved responses count"
    r = run("report", "compare", "--round", rid, "--format", "csv", "--approved-only", "--out", tmp_path)
    assert r.exit_code == 0, r.output
    path = tmp_path / f"jamforelse-omgang{rid}-godkanda.csv"
    assert r.stdout.strip() == str(path) and note in r.stderr
    rows = {x["unit"]: x for x in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))}
    assert {u: (x["stage"], x["counted"]) for u, x in rows.items()} == {"A": ("approved", "true"),
                                                                         "B": ("submitted", "false")}
    r = run("report", "compare", "--round", rid, "--format", "csv", "--out", tmp_path)
    assert note not in r.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / f"jamforelse-omgang{rid}.csv").read_text(encoding="utf-8-sig"))))
    assert {x["unit"]: x["counted"] for x in rows} == {"A": "true", "B": "true"}

    # (`report export --anonymised` has the flag too; it needs at least three units to answer)
    for args in (("unit", "--unit", "A"), ("city",), ("all",)):
        r = run("report", *args, "--round", rid, "--approved-only", "--out", tmp_path)
        assert r.exit_code == 0 and note in r.stderr, (args, r.output)
    assert "med godkända svar" in (tmp_path / f"forvaltningsrapport-omgang{rid}-A.html").read_text(encoding="utf-8")
