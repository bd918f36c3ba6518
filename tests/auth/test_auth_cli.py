"""`survey-engine user …` and `token …`: clear messages, exit 2 on bad input."""
import pytest
from click.testing import CliRunner

from survey_engine.services import users as service
from survey_engine.errors import TablesMissing
from survey_engine.cli import main


PW = "ett långt lösenord här\n"


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def _units_csv(tmp_path, *codes):
    path = tmp_path / "units.csv"
    path.write_text("code,name,weight,parent\n" + "".join(f"{c},{c},1,\n" for c in codes), encoding="utf-8")
    r = run("units", "import", str(path))
    assert r.exit_code == 0, r.output


def test_user_commands(db, tmp_path):
    _units_csv(tmp_path, "SOC", "UTB")
    r = run("user", "create", "Anna", "--role", "admin", "--password-stdin", input=PW)
    assert r.exit_code == 0, r.output
    assert "anna (admin)" in r.output
    r = run("user", "create", "bo", "--role", "respondent", "--unit", "SOC", "--unit", "UTB", "--no-password")
    assert r.exit_code == 0, r.output
    r = run("user", "list")
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert lines[0].split() == ["USERNAME", "ROLE", "STATUS", "LAST", "LOGIN", "UNITS"]
    assert lines[1].split()[:3] == ["anna", "admin", "active"]
    assert lines[2].split()[-1] == "SOC,UTB"
    r = run("user", "set-role", "bo", "planner")
    assert r.exit_code == 0 and "bo: planner" in r.output
    r = run("user", "disable", "bo")
    assert r.exit_code == 0
    assert "disabled" in run("user", "list").output


def test_password_prompt_confirms(db):
    r = run("user", "create", "cia", "--role", "auditor", input="ett långt lösenord här\nett långt lösenord här\n")
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize(
    "args,input,message",
    [
        (("user", "create", "x y", "--role", "admin", "--no-password"), None, "Ogiltigt användarnamn"),
        (("user", "create", "eva", "--role", "chef", "--no-password"), None, "Unknown role"),
        (("user", "create", "eva", "--role", "respondent", "--no-password"), None, "at least one unit"),
        (("user", "create", "eva", "--role", "admin", "--password-stdin"), "kort\n", "too short"),
        (("user", "create", "eva", "--role", "admin", "--password-stdin"), "", "No password"),
        (("user", "disable", "nobody"), None, "There is no user 'nobody'"),
        (("user", "set-role", "nobody", "admin"), None, "finns inte"),
        (("token", "create", "nobody", "--name", "x"), None, "There is no user"),
        (("token", "revoke", "999"), None, "no token with id 999"),
    ],
)
def test_bad_input_exits_2_without_traceback(db, args, input, message):
    r = run(*args, input=input)
    assert r.exit_code == 2, r.output
    assert message in r.output
    assert "Traceback" not in r.output


def test_token_commands(db):
    assert run("user", "create", "robot", "--role", "analyst", "--no-password").exit_code == 0
    r = CliRunner().invoke(main, ["token", "create", "robot", "--name", "nightly"])
    assert r.exit_code == 0, r.output
    plain = r.stdout.strip()  # only the token goes to standard output
    assert plain.startswith("se_") and len(plain) == 46
    assert "visas inte igen" in r.stderr
    r = run("token", "list", "robot")
    assert r.exit_code == 0 and plain[:10] in r.output and plain not in r.output and "active" in r.output
    token_id = r.output.splitlines()[1].split()[0]
    assert run("token", "revoke", token_id).exit_code == 0
    assert "revoked" in run("token", "list").output
    assert run("token", "revoke", "0").exit_code == 2  # ids start at 1


def test_missing_tables_give_a_clear_message(db, monkeypatch):
    async def missing():
        raise TablesMissing()

    monkeypatch.setattr(service, "check_tables", missing)
    r = run("user", "list")
    assert r.exit_code == 2
    assert "survey-engine db migrate" in r.output


def test_unmigrated_database_gives_a_clear_message(tmp_path):
    """A real run against an empty SQLite file: no tables yet, exit 2, no traceback."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SURVEY_ENGINE_SQLITE"] = str(tmp_path / "empty.sqlite")
    r = subprocess.run(
        [sys.executable, "-c", "from survey_engine.cli import main; main()", "user", "list"], env=env, capture_output=True, text=True
    )
    assert r.returncode == 2, r.stderr
    assert "survey-engine db migrate" in r.stderr and "Traceback" not in r.stderr
