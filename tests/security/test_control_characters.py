"""Finding 4 of issue 14: control characters (\\x0b, NUL, ESC …) in user text broke the
XLSX reports (500) and `report city --format xlsx` (a traceback). Input now refuses
them with 422 naming the field; exports strip them as a second defence."""
from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from tests.security.api_support import seed_round
from tests.helpers.auth import make_token
from survey_engine.exports import neutralize_cell
from survey_engine.store.tables import Answer
from survey_engine.web import create_app

API = "/api/v1"
BAD = ["\x0b", "\x00", "\x1b[31m", "\x7f", "\x85"]


def _app():
    return create_app(secure_cookies=False, db_pool=False)


@pytest.mark.parametrize("bad", BAD)
async def test_comment_with_control_character_is_422_naming_the_field(db, bad):
    seeded = await seed_round(units=("a",))
    admin = await make_token("admin")
    rid = seeded["responses"]["a"]
    async with AsyncTestClient(app=_app()) as c:
        h = {"Authorization": f"Bearer {admin}"}
        rev = (await c.get(f"{API}/responses/{rid}", headers=h)).json()["revision"]
        r = await c.post(f"{API}/responses/{rid}/answers", headers=h,
                         json={"revision": rev, "comments": {"policy": f"före{bad}efter"}})
        assert r.status_code == 422, r.text
        assert "comments" in r.text and "policy" in r.text
        r = await c.post(f"{API}/responses/{rid}/answers", headers=h,
                         json={"revision": rev, "answers": {"kommentar": f"text{bad}"}})
        assert r.status_code == 422, r.text
        assert "kommentar" in r.text
        # tab and line breaks stay allowed
        r = await c.post(f"{API}/responses/{rid}/answers", headers=h,
                         json={"revision": rev, "comments": {"policy": "rad 1\r\nrad\t2"}})
        assert r.status_code == 200, r.text


async def test_other_text_inputs_refuse_control_characters(db):
    admin = await make_token("admin")
    async with AsyncTestClient(app=_app()) as c:
        h = {"Authorization": f"Bearer {admin}"}
        r = await c.post(f"{API}/units", headers=h, json={"code": "x1", "name": "Namn\x0b", "weight": 5})
        assert r.status_code == 422 and "name" in r.text, r.text
        r = await c.post(f"{API}/users", headers=h, json={"username": "ny", "role": "analyst",
                                                           "display_name": "Ny\x1b[2J"})
        assert r.status_code == 422 and "display_name" in r.text, r.text


def test_exports_strip_control_characters():
    assert neutralize_cell("a\x0bb\x00c") == "abc"
    assert neutralize_cell("=\x0b1+1") == "'=1+1"
    assert neutralize_cell("tab\tok\nline") == "tab\tok\nline"


@pytest.fixture
async def stored_bad_comment(db):
    """A comment stored before input was checked (written straight into the table)."""
    seeded = await seed_round(units=("a", "b"))
    # (no NUL: PostgreSQL cannot store one in text at all)
    await Answer.update({Answer.comment: "gammal\x0bkommentar\x1b"}).where(Answer.question_id == "policy")
    return seeded


async def test_xlsx_reports_with_stored_control_characters_are_made(stored_bad_comment):
    rnd = stored_bad_comment["round"]
    from survey_engine.services import reports

    for content in ((await reports.city_report(rnd, "xlsx", include_drafts=True))[0],
                    (await reports.unit_report(rnd, "a", "xlsx"))[0]):
        wb = load_workbook(io.BytesIO(content))
        texts = [v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
                 if isinstance(v, str)]
        assert "gammalkommentar" in texts


def test_cli_city_xlsx_never_tracebacks(stored_bad_comment, tmp_path):
    from survey_engine.cli import main

    r = CliRunner().invoke(main, ["report", "city", "--round", str(stored_bad_comment["round"]), "--format", "xlsx",
                                  "--include-drafts", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert "Traceback" not in r.output and "IllegalCharacterError" not in r.output
    assert list(tmp_path.glob("*.xlsx"))
