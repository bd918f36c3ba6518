"""Audits and the statement through the API and the command line: the same rules,
4xx with a JSON body naming what was wrong, files that open."""
from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner

from tests.audits.audit_samples import AUDIT, setup_audit
from survey_engine.cli import main

pytestmark = pytest.mark.db
A = "/api/v1/audits"


async def test_api_list_show_edit_link_and_statement(client_as):
    ids = await setup_audit()
    planner, analyst, respondent = await client_as("planner"), await client_as("analyst"), \
        await client_as("respondent", ["A"])
    r = await analyst.get(A)
    assert r.status_code == 200 and r.json()["items"][0]["id"] == "granskning-test"
    r = await analyst.get(f"{A}/granskning-test")
    assert [x["status"] for x in r.json()["recommendations"]] == ["pagar", "genomford", "ingen-atgard"]
    assert (await respondent.get(A)).status_code == 403
    assert (await analyst.get(f"{A}/nope")).status_code == 404
    # edit: analysts read only; planners edit; bad links are 422 naming the field
    body = {"responsible": "Kommunfullmäktige"}
    assert (await analyst.patch(f"{A}/granskning-test/recommendations/tomt", json=body)).status_code == 403
    r = await planner.patch(f"{A}/granskning-test/recommendations/tomt", json=body)
    assert r.status_code == 200 and r.json()["responsible"] == "Kommunfullmäktige"
    r = await planner.patch(f"{A}/granskning-test/recommendations/tomt", json={"family": "planfam", "areas": ["x"]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "areas[0]"
    # link and unlink a plan action
    aid = ids["actions"]["s-ansvar"]
    r = await planner.post(f"{A}/granskning-test/recommendations/tomt/actions", json={"action_id": aid})
    assert r.status_code == 200 and [a["action_id"] for a in r.json()["actions"]] == [aid]
    assert (await analyst.post(f"{A}/granskning-test/recommendations/tomt/actions",
                               json={"action_id": aid})).status_code == 403
    r = await planner.post(f"{A}/granskning-test/recommendations/tomt/actions", json={"action_id": 999999})
    assert r.status_code == 404
    r = await planner.delete(f"{A}/granskning-test/recommendations/tomt/actions/{aid}")
    assert r.status_code == 200 and r.json()["actions"] == []
    # the statement in every format
    q = "from=2025-01-01&to=2025-12-31"
    r = await analyst.get(f"{A}/granskning-test/statement?{q}")
    assert r.status_code == 200 and r.json()["summary"] == {"effekt": 0, "ingen-effekt": 0, "ej-matbar": 3}
    r = await analyst.get(f"{A}/granskning-test/statement?{q}&format=docx")
    assert r.status_code == 200 and r.content[:2] == b"PK" and "attachment" in r.headers["content-disposition"]
    import docx

    assert "Uppföljande yttrande" in docx.Document(io.BytesIO(r.content)).paragraphs[0].text
    r = await analyst.get(f"{A}/granskning-test/statement?{q}&format=pdf&lang=en")
    assert r.status_code == 200 and r.content[:4] == b"%PDF"
    r = await analyst.get(f"{A}/granskning-test/statement?{q}&format=html")
    assert r.status_code == 200 and "<h1>" in r.text
    r = await analyst.get(f"{A}/granskning-test/statement?from=2025-12-31&to=2025-01-01")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "to"
    r = await analyst.get(f"{A}/granskning-test/statement?from=2025-13-01&to=2025-12-31")
    assert r.status_code == 400
    assert (await respondent.get(f"{A}/granskning-test/statement?{q}")).status_code == 403


async def test_api_import_yaml_with_lines(client_as):
    await setup_audit()
    admin, analyst = await client_as("admin"), await client_as("analyst")
    yaml_headers = {"Content-Type": "application/yaml"}
    r = await admin.post(A, content=AUDIT.replace("id: granskning-test", "id: ny-granskning").encode(),
                         headers=yaml_headers)
    assert r.status_code == 201 and r.json()["created"] is True
    r = await admin.post(A, json={"source": AUDIT})
    assert r.status_code == 200 and r.json()["created"] is False
    r = await admin.post(A, content=AUDIT.replace("format: 1", "format: 7").replace("2024-10-01", "2024-02-31").encode(),
                         headers=yaml_headers)
    assert r.status_code == 422
    errs = {(e["field"], e.get("line")) for e in r.json()["errors"]}
    assert ("format", 1) in errs and ("date", 5) in errs
    assert (await analyst.post(A, json={"source": AUDIT})).status_code == 403
    r = await admin.post(A, content=b"\xff\xfe", headers=yaml_headers)
    assert r.status_code == 422


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture
async def audit_set_up(db):
    return await setup_audit()


def test_cli_import_list_link_statement(audit_set_up, tmp_path):
    ids = audit_set_up
    f = tmp_path / "g.yaml"
    f.write_text(AUDIT.replace("id: granskning-test", "id: cli-granskning"), encoding="utf-8")
    r = run("recommendations", "import", f)
    assert r.exit_code == 0 and "cli-granskning" in r.output
    r = run("recommendations", "list")
    assert r.exit_code == 0 and "granskning-test" in r.output and "cli-granskning" in r.output
    r = run("recommendations", "list", "--audit", "granskning-test", "--json")
    assert r.exit_code == 0 and json.loads(r.output)["recommendations"][0]["id"] == "policy"
    r = run("recommendations", "link", "--audit", "cli-granskning", "--recommendation", "tomt",
            "--action", ids["actions"]["s-ansvar"])
    assert r.exit_code == 0 and "1 kopplade" in r.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(AUDIT.replace("[s-policy]", "[s-finns-inte]"), encoding="utf-8")
    r = run("recommendations", "import", bad)
    assert r.exit_code == 2 and "recommendations[0].questions[0] (rad/line 11)" in r.output
    assert "Traceback" not in r.output
    for fmt in ("docx", "pdf", "html", "json"):
        out = tmp_path / f"yttrande.{fmt}"
        r = run("report", "statement", "--audit", "granskning-test", "--from", "2025-01-01", "--to", "2025-12-31",
                "--format", fmt, "--out", out)
        assert r.exit_code == 0, r.output
        assert out.stat().st_size > 500
    data = json.loads((tmp_path / "yttrande.json").read_text(encoding="utf-8"))
    assert [r["verdict"]["code"] for r in data["recommendations"]] == ["ej-matbar"] * 3
    r = run("report", "statement", "--audit", "granskning-test", "--from", "2025-01-01", "--to", "garbage",
            "--out", tmp_path / "x.docx")
    assert r.exit_code == 2 and "to" in r.output
    r = run("report", "statement", "--audit", "nope", "--from", "2025-01-01", "--to", "2025-12-31",
            "--out", tmp_path / "x.docx")
    assert r.exit_code == 2
