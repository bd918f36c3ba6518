"""Single sign-on end to end against the real provider, through the API and through
the pages (with an HTTP client; the Chromium test is test_sso_browser.py), and the
logins that must be refused: a replayed state, another browser, a wrong audience, an
expired ID token, a bad signature (docs/security.md, "Inloggning med OpenID Connect")."""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from litestar.testing import AsyncTestClient

from tests.sso.sso_support import CLIENT_ID, provider_login
from survey_engine import clock
from survey_engine.services import audit
from survey_engine.services import users as user_service
from survey_engine.services.policy import Role
from survey_engine.store.auth_tables import AuditEvent, User
from survey_engine.store.sso_tables import SsoChallenge, SsoIdentity
from survey_engine.web import create_app

pytestmark = pytest.mark.db
API = "/api/v1"


def app():
    return create_app(secure_cookies=False, db_pool=False)


async def _start(client: AsyncTestClient, next_path: str = "/") -> dict:
    r = await client.post(f"{API}/auth/sso/start", json={"next": next_path})
    assert r.status_code == 200, r.text
    assert "se_sso" in r.cookies or "se_sso" in client.cookies
    return r.json()


async def test_api_login_end_to_end_creates_the_account_from_its_group(db, sso_env):
    async with AsyncTestClient(app=app()) as client:
        started = await _start(client)
        query = parse_qs(urlsplit(started["authorization_url"]).query)
        # PKCE with S256, a nonce and our state go to the provider.
        assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
        assert query["nonce"][0] and query["state"] == [started["state"]] and query["client_id"] == [CLIENT_ID]
        back = provider_login(started["authorization_url"], "anna.admin")
        assert back["state"] == started["state"]
        r = await client.post(f"{API}/auth/sso/callback", json={"state": back["state"], "code": back["code"]})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["user"]["username"] == "anna.admin" and body["user"]["role"] == "admin"
        me = await client.get(f"{API}/auth/me")
        assert me.status_code == 200 and me.json()["via"] == "session"
        # The session works for changes with its CSRF token, like a password login's.
        r = await client.post(f"{API}/tokens", headers={"X-CSRF-Token": body["csrf_token"]}, json={"name": "sso"})
        assert r.status_code == 201, r.text
    user = await User.select().where(User.username == "anna.admin").first()
    assert user["password_hash"] == "" and user["display_name"] == "Test anna.admin"
    assert await SsoIdentity.count().where(SsoIdentity.user == user["id"]) == 1
    assert await SsoChallenge.count() == 0  # used once, then gone
    actions = [e["action"] for e in await AuditEvent.select(AuditEvent.action)]
    assert "login.sso" in actions and "user.create" in actions


async def test_respondent_group_binds_units_and_a_replayed_state_is_refused(db, sso_env):
    async with AsyncTestClient(app=app()) as client:
        started = await _start(client)
        back = provider_login(started["authorization_url"], "olle.svar")
        r = await client.post(f"{API}/auth/sso/callback", json={"state": back["state"], "code": back["code"]})
        assert r.status_code == 200, r.text
        assert r.json()["user"]["role"] == "respondent" and r.json()["user"]["units"] == ["a"]
        # The same answer once more (a replay, a double submit) from a client without a
        # session: 401 that says why.
        client.cookies = httpx.Cookies()
        client.cookies.set("se_sso", "anything")
        r = await client.post(f"{API}/auth/sso/callback", json={"state": back["state"], "code": back["code"]})
        assert r.status_code == 401
        assert r.json()["code"] == "sso_failed" and "redan använd" in r.json()["detail"]


async def test_page_login_end_to_end_and_replay_gives_a_clear_page(db, sso_env):
    async with AsyncTestClient(app=app()) as client:
        page = await client.get("/logga-in")
        assert "Logga in med organisationens konto" in page.text and 'name="password"' in page.text
        r = await client.get("/sso/start", params={"next": "/konto"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith(sso_env.issuer + "/auth?")
        back = provider_login(r.headers["location"], "bo.analys")
        callback = f"/sso/callback?code={back['code']}&state={back['state']}"
        r = await client.get(callback, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/konto", r.text
        page = await client.get("/konto")
        assert page.status_code == 200 and "bo.analys" in page.text
        assert "organisationens konto" in page.text  # no local password to change
        r = await client.get(callback, follow_redirects=False)
        assert r.status_code == 401
        assert "Inloggningen gick inte igenom" in r.text and "redan använd" in r.text


async def test_an_answer_naming_another_issuer_is_refused(db, sso_env):
    async with AsyncTestClient(app=app()) as client:
        started = await _start(client)
        back = provider_login(started["authorization_url"], "anna.admin")
        assert back.get("iss") == sso_env.issuer  # the provider names itself (RFC 9207)
        r = await client.post(f"{API}/auth/sso/callback", json={"state": back["state"], "code": back["code"],
                                                                "iss": "https://evil.example"})
        assert r.status_code == 401 and "annan inloggningstjänst" in r.json()["detail"]
        assert (await client.get(f"{API}/auth/me")).status_code == 401


async def test_a_login_started_in_another_browser_is_refused(db, sso_env):
    async with AsyncTestClient(app=app()) as client:
        started = await _start(client)
        back = provider_login(started["authorization_url"], "anna.admin")
        # The attacker's code and state, posted from the victim's browser (no flow cookie).
        client.cookies = httpx.Cookies()
        r = await client.post(f"{API}/auth/sso/callback", json={"state": back["state"], "code": back["code"]})
        assert r.status_code == 401 and "annan webbläsare" in r.json()["detail"]
        assert (await client.get(f"{API}/auth/me")).status_code == 401


@pytest.mark.parametrize("mode,says", [
    ("wrong-audience", "aud"),
    ("expired", "exp"),
    ("bad-signature", "signatur"),
])
async def test_id_tokens_that_fail_their_checks_are_refused(db, sso_env, mode, says):
    sso_env.mode(mode)
    async with AsyncTestClient(app=app()) as client:
        started = await _start(client)
        back = provider_login(started["authorization_url"], "anna.admin")
        r = await client.post(f"{API}/auth/sso/callback", json={"state": back["state"], "code": back["code"]})
        assert r.status_code == 401, r.text
        assert r.json()["code"] == "sso_failed" and says in r.json()["detail"], r.text
        assert (await client.get(f"{API}/auth/me")).status_code == 401
        # And on the page: a clear page, no session.
        r = await client.get("/sso/start", follow_redirects=False)
        back = provider_login(r.headers["location"], "anna.admin")
        r = await client.get(f"/sso/callback?code={back['code']}&state={back['state']}", follow_redirects=False)
        assert r.status_code == 401 and "Inloggningen gick inte igenom" in r.text
        assert (await client.get(f"{API}/auth/me")).status_code == 401
    assert await User.count().where(User.username == "anna.admin") == 0


async def test_the_login_must_finish_within_its_lifetime(db, sso_env, monkeypatch):
    async with AsyncTestClient(app=app()) as client:
        started = await _start(client)
        back = provider_login(started["authorization_url"], "anna.admin")
        later = clock.now() + dt.timedelta(minutes=11)
        monkeypatch.setattr(clock, "now", lambda: later)
        r = await client.post(f"{API}/auth/sso/callback", json={"state": back["state"], "code": back["code"]})
        assert r.status_code == 401 and "för gammal" in r.json()["detail"]


async def test_without_group_rules_only_existing_accounts_log_in(db, sso_env, monkeypatch):
    monkeypatch.delenv("OIDC_GROUP_ROLES")
    await user_service.create_user("tests", "bo.analys", Role.PLANNER)
    async with AsyncTestClient(app=app()) as client:
        started = await _start(client)
        back = provider_login(started["authorization_url"], "nisse.okand")
        r = await client.post(f"{API}/auth/sso/callback", json={"state": back["state"], "code": back["code"]})
        assert r.status_code == 401 and "inget konto" in r.json()["detail"]
        started = await _start(client)
        back = provider_login(started["authorization_url"], "bo.analys")
        r = await client.post(f"{API}/auth/sso/callback", json={"state": back["state"], "code": back["code"]})
        assert r.status_code == 200 and r.json()["user"]["role"] == "planner"  # the role set here stays
        # A disabled account does not log in with single sign-on either.
        await user_service.disable_user("tests", "bo.analys")
        started = await _start(client)
        back = provider_login(started["authorization_url"], "bo.analys")
        r = await client.post(f"{API}/auth/sso/callback", json={"state": back["state"], "code": back["code"]})
        assert r.status_code == 401 and "avstängt" in r.json()["detail"]


async def test_local_login_false_turns_passwords_off(db, sso_env, monkeypatch):
    await user_service.create_user("tests", "lisa", Role.ANALYST, password="en lång fras för lisa")
    monkeypatch.setenv("LOCAL_LOGIN", "false")
    async with AsyncTestClient(app=app()) as client:
        r = await client.post(f"{API}/auth/login", json={"username": "lisa", "password": "en lång fras för lisa"})
        assert r.status_code == 403 and "organisationens konto" in r.json()["detail"]
        page = await client.get("/logga-in")
        assert "Logga in med organisationens konto" in page.text and 'name="password"' not in page.text


def test_bad_settings_stop_the_start():
    from survey_engine.settings import SettingsError, oidc_settings

    with pytest.raises(SettingsError, match="LOCAL_LOGIN"):
        oidc_settings({"LOCAL_LOGIN": "false"})
    with pytest.raises(SettingsError, match="https"):
        oidc_settings({"OIDC_ISSUER": "http://idp.example.se", "OIDC_CLIENT_ID": "x"})
    with pytest.raises(SettingsError, match="OIDC_CLIENT_ID"):
        oidc_settings({"OIDC_ISSUER": "https://idp.example.se"})
    with pytest.raises(SettingsError, match="respondent"):
        oidc_settings({"OIDC_ISSUER": "https://idp.example.se", "OIDC_CLIENT_ID": "x", "OIDC_GROUP_ROLES": "g=respondent"})
    with pytest.raises(SettingsError, match="grupp=roll"):
        oidc_settings({"OIDC_ISSUER": "https://idp.example.se", "OIDC_CLIENT_ID": "x", "OIDC_GROUP_ROLES": "g=boss"})


async def test_backups_leave_unfinished_logins_out(db, sso_env):
    import io

    from survey_engine.store.backup import write_backup

    async with AsyncTestClient(app=app()) as client:
        started = await _start(client)
        back = provider_login(started["authorization_url"], "anna.admin")
        r = await client.post(f"{API}/auth/sso/callback", json={"state": back["state"], "code": back["code"]})
        assert r.status_code == 200
        client.cookies = httpx.Cookies()
        await _start(client)  # one login left unfinished
    assert await SsoChallenge.count() == 1
    row = await SsoChallenge.select().first()
    out = io.StringIO()
    counts = await write_backup(out)
    text = out.getvalue()
    assert "auth_sso_challenge" not in counts and '"auth_sso_challenge"' not in text
    assert row["code_verifier"] not in text and row["nonce"] not in text
    assert counts["auth_sso_identity"] == 1  # who is bound to which account is data worth keeping


async def test_a_role_from_a_group_rule_ends_the_accounts_other_sessions(db, sso_env):
    await user_service.create_user("tests", "bo.analys", Role.PLANNER, password="en lång fras för bo här")
    async with AsyncTestClient(app=app()) as client:
        r = await client.post(f"{API}/auth/login", json={"username": "bo.analys", "password": "en lång fras för bo här"})
        assert r.status_code == 200 and r.json()["user"]["role"] == "planner"
        password_session = httpx.Cookies(client.cookies)
        client.cookies = httpx.Cookies()
        started = await _start(client)
        back = provider_login(started["authorization_url"], "bo.analys")  # group "analytiker"
        r = await client.post(f"{API}/auth/sso/callback", json={"state": back["state"], "code": back["code"]})
        assert r.status_code == 200 and r.json()["user"]["role"] == "analyst"
        assert (await client.get(f"{API}/auth/me")).status_code == 200
        client.cookies = password_session
        assert (await client.get(f"{API}/auth/me")).status_code == 401
    events = await AuditEvent.select(AuditEvent.action, AuditEvent.actor).where(AuditEvent.action == "user.set_role")
    assert events and events[0]["actor"].startswith("sso:")


async def test_unfinished_logins_are_bounded(db, sso_env, monkeypatch):
    from survey_engine.services import oidc

    monkeypatch.setattr(oidc, "MAX_PENDING", 3)
    async with AsyncTestClient(app=app()) as client:
        for _ in range(3):
            await _start(client)
        r = await client.post(f"{API}/auth/sso/start", json={})
        assert r.status_code == 503 and "För många påbörjade" in r.json()["detail"]
        r = await client.get("/sso/start", follow_redirects=False)
        assert r.status_code == 503 and "För många påbörjade" in r.text
    assert await SsoChallenge.count() == 3


def test_sso_check_command(oidc_provider, monkeypatch):
    from click.testing import CliRunner

    from tests.sso.sso_support import oidc_environment
    from survey_engine.cli import main

    for key, value in oidc_environment(oidc_provider).items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, ["sso", "check"])
    assert result.exit_code == 0, result.output
    assert f"issuer: {oidc_provider.issuer}" in result.output and "keys: 1" in result.output
    assert "pkce_s256: True" in result.output
    monkeypatch.setenv("OIDC_ISSUER", oidc_provider.issuer + "/wrong")
    result = CliRunner().invoke(main, ["sso", "check"])
    assert result.exit_code == 2 and "svarar inte" in result.output + (result.stderr if result.stderr_bytes else "")
