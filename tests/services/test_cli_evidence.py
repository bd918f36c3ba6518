"""`survey-engine evidence add|list|get|delete` (docs/evidence.md): a round trip
byte for byte, and refusals exit 2 with the file and the reason."""
import json

from click.testing import CliRunner

from tests.helpers.evidence_files import exe_bytes, pdf_bytes
from survey_engine.cli import main
from survey_engine.cli.common import run_db
from survey_engine.services import audit
from tests.survey_samples import V2024


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_add_list_get_delete(db, tmp_path):
    qfile = tmp_path / "q.yaml"
    qfile.write_text(V2024, encoding="utf-8")
    assert run("questionnaire", "publish", qfile).exit_code == 0
    (tmp_path / "units.csv").write_text("code,name,weight,parent\nA,Förvaltning A,1,\n", encoding="utf-8")
    assert run("units", "import", tmp_path / "units.csv").exit_code == 0
    r = run("round", "create", "--name", "R", "--questionnaire", "liten", "--version", "2024.1", "--unit", "A", "--open")
    assert r.exit_code == 0, r.output
    round_id = json.loads(run("round", "list", "--format", "json").output)["items"][0]["id"]
    answers = tmp_path / "svar.json"
    answers.write_text(json.dumps({"questionnaire": "liten", "version": "2024.1", "answers": {"policy": "ja"}}),
                       encoding="utf-8")
    assert run("answers", "import", answers, "--round", round_id, "--unit", "A").exit_code == 0

    source = tmp_path / "Policy för informationssäkerhet.pdf"
    source.write_bytes(pdf_bytes())
    r = run("evidence", "add", source, "--round", round_id, "--unit", "A", "--question", "policy")
    assert r.exit_code == 0, r.output
    evidence_id = int(r.output.split("\t")[0])

    bad = tmp_path / "faktura.pdf"
    bad.write_bytes(exe_bytes())
    r = run("evidence", "add", bad, "--round", round_id, "--unit", "A", "--question", "policy")
    assert r.exit_code == 2 and "faktura.pdf" in r.output and "Windows" in r.output

    r = run("evidence", "list", "--round", round_id, "--unit", "A", "--format", "json")
    items = json.loads(r.output)["items"]
    assert [(i["id"], i["name"], i["kind"]) for i in items] == [(evidence_id, source.name, "pdf")]

    out = tmp_path / "kopia.pdf"
    assert run("evidence", "get", evidence_id, "-o", out).exit_code == 0
    assert out.read_bytes() == source.read_bytes()
    assert run("evidence", "get", evidence_id, "-o", out).exit_code == 2  # no silent overwrite
    # the download is audited, the refused overwrite is not (it never downloaded)
    events = run_db(lambda: audit.list_events(audit.AuditFilter(action="evidence.download")))
    assert len(events) == 1 and events[0].object_id == str(evidence_id) and events[0].details["name"] == source.name
    assert events[0].details["question"] == "policy" and "content" not in events[0].details

    assert run("evidence", "delete", evidence_id).exit_code == 0
    assert json.loads(run("evidence", "list", "--response", items[0]["response_id"], "--format", "json")
                      .output)["items"] == []
    assert run("evidence", "get", evidence_id, "-o", tmp_path / "x").exit_code == 2
