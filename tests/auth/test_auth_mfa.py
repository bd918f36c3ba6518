"""Two-step verification (TOTP) for local accounts, over the API and on the pages;
required for administrators with REQUIRE_MFA_ADMIN=true (docs/security.md,
"Tvåstegsverifiering"). Codes are made with pyotp from the secret the app showed, at
the app's clock, which the tests move by whole 30-second steps."""
from __future__ import annotations

import datetime as dt
import re

import httpx
import pyotp
import pytest
from litestar.testing import AsyncTestClient

from survey_engine import clock
from survey_engine.services import users as user_service
from survey_engine.services.policy import Role
from survey_engine.web import create_app

pytestmark = pytest.mark.db
API = "/api/v1"
PW = "tre gröna äpplen i korgen"
CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture
def moving_clock(monkeypatch):
    """clock.now() that a test moves on by whole TOTP steps (30 s)."""
    start = clock.now()
    state = {"t": start}
    monkeypatch.setattr(clock, "now", lambda: state["t"])

    def step(n: int = 1) -> dt.datetime:
        state["t"] = state["t"] + dt.timedelta(seconds=30 * n)
        return state["t"]
    step.now = lambda: state["t"]  # type: ignore[attr-defined]
    return step


def code(secret: str) -> str:
    return pyotp.TOTP(secret).at(clock.now())


async def test_api_enrol_then_login_needs_the_code_once(db, moving_clock):
    await user_service.create_user("tests", "greta", Role.ANALYST, password=PW)
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as client:
        r = await client.post(f"{API}/auth/login", json={"username": "greta", "password": PW})
        assert r.status_code == 200
        h = {"X-CSRF-Token": r.json()["csrf_token"]}
        r = await client.post(f"{API}/auth/totp/start", headers=h)
        assert r.status_code == 200, r.text
        secret = r.json()["secret"]
        assert r.json()["uri"].startswith("otpauth://totp/") and secret in r.json()["uri"]
        r = await client.post(f"{API}/auth/totp/confirm", headers=h, json={"code": "000000" if code(secret) != "000000" else "111111"})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "code"
        r = await client.post(f"{API}/auth/totp/confirm", headers=h, json={"code": code(secret)})
        assert r.status_code == 200, r.text

        client.cookies = httpx.Cookies()
        moving_clock(1)
        r = await client.post(f"{API}/auth/login", json={"username": "greta", "password": PW})
        assert r.status_code == 401 and r.json()["code"] == "mfa_required"
        assert (await client.get(f"{API}/auth/me")).status_code == 401  # no session without the code
        r = await client.post(f"{API}/auth/login", json={"username": "greta", "password": PW, "totp": "12345x"})
        assert r.status_code == 401
        right = code(secret)
        r = await client.post(f"{API}/auth/login", json={"username": "greta", "password": PW, "totp": right})
        assert r.status_code == 200, r.text
        # The same code again (someone who watched it typed): refused.
        client.cookies = httpx.Cookies()
        r = await client.post(f"{API}/auth/login", json={"username": "greta", "password": PW, "totp": right})
        assert r.status_code == 401
        # A wrong password with a right code is still a wrong password.
        moving_clock(1)
        r = await client.post(f"{API}/auth/login", json={"username": "greta", "password": PW + "x",
                                                         "totp": code(secret)})
        assert r.status_code == 401 and r.json()["code"] == "invalid_credentials"


async def test_wrong_codes_close_the_second_step(db, moving_clock):
    await user_service.create_user("tests", "harald", Role.ANALYST, password=PW)
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as client:
        r = await client.post(f"{API}/auth/login", json={"username": "harald", "password": PW})
        h = {"X-CSRF-Token": r.json()["csrf_token"]}
        secret = (await client.post(f"{API}/auth/totp/start", headers=h)).json()["secret"]
        assert (await client.post(f"{API}/auth/totp/confirm", headers=h, json={"code": code(secret)})).status_code == 200
        client.cookies = httpx.Cookies()
        moving_clock(1)
        wrong = f"{(int(code(secret)) + 500000) % 1000000:06d}"
        statuses = []
        for _ in range(6):
            r = await client.post(f"{API}/auth/login", json={"username": "harald", "password": PW, "totp": wrong})
            statuses.append(r.status_code)
        assert statuses[:5] == [401] * 5 and statuses[5] == 429
        r = await client.post(f"{API}/auth/login", json={"username": "harald", "password": PW, "totp": code(secret)})
        assert r.status_code == 429  # even the right code waits


async def test_required_for_admins_added_at_the_next_page_login(db, moving_clock, monkeypatch):
    monkeypatch.setenv("REQUIRE_MFA_ADMIN", "true")
    await user_service.create_user("tests", "ingrid", Role.ADMIN, password=PW)
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as client:
        r = await client.post(f"{API}/auth/login", json={"username": "ingrid", "password": PW})
        assert r.status_code == 403 and r.json()["code"] == "mfa_enrolment_required"

        page = await client.get("/logga-in")
        token = CSRF_FIELD.search(page.text).group(1)
        r = await client.post("/logga-in", data={"username": "ingrid", "password": PW, "next": "/",
                                                 "_csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/logga-in/kod"
        # Not logged in yet: the admin pages still send to the login page.
        assert (await client.get("/admin", follow_redirects=False)).status_code in (302, 303, 307)
        page = await client.get("/logga-in/kod")
        assert page.status_code == 200
        secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text).group(1)
        token = CSRF_FIELD.search(page.text).group(1)
        r = await client.post("/logga-in/kod", data={"code": "999999" if code(secret) != "999999" else "888888",
                                                     "_csrf_token": token}, follow_redirects=False)
        assert r.status_code == 422 and "Koden stämmer inte" in r.text
        r = await client.post("/logga-in/kod", data={"code": code(secret), "_csrf_token": token},
                              follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/admin"
        konto = await client.get("/konto")
        assert "På: inloggningen frågar efter en engångskod" in konto.text
        assert "Stäng av tvåstegsverifiering" not in konto.text  # required here: cannot be turned off

        # Next time: the code from the app, once.
        client.cookies = httpx.Cookies()
        moving_clock(1)
        r = await client.post(f"{API}/auth/login", json={"username": "ingrid", "password": PW, "totp": code(secret)})
        assert r.status_code == 200, r.text


async def test_the_second_step_expires(db, moving_clock):
    await user_service.create_user("tests", "jon", Role.ANALYST, password=PW)
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as client:
        r = await client.post(f"{API}/auth/login", json={"username": "jon", "password": PW})
        h = {"X-CSRF-Token": r.json()["csrf_token"]}
        secret = (await client.post(f"{API}/auth/totp/start", headers=h)).json()["secret"]
        assert (await client.post(f"{API}/auth/totp/confirm", headers=h, json={"code": code(secret)})).status_code == 200
        client.cookies = httpx.Cookies()
        page = await client.get("/logga-in")
        token = CSRF_FIELD.search(page.text).group(1)
        r = await client.post("/logga-in", data={"username": "jon", "password": PW, "next": "/", "_csrf_token": token},
                              follow_redirects=False)
        assert r.headers["location"] == "/logga-in/kod"
        moving_clock(11)  # five and a half minutes: the password must be given again
        page = await client.get("/logga-in/kod", follow_redirects=False)
        assert page.status_code in (302, 303) and page.headers["location"].startswith("/logga-in")


async def test_konto_turns_it_on_and_off(db, moving_clock):
    await user_service.create_user("tests", "karin", Role.PLANNER, password=PW)
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as client:
        page = await client.get("/logga-in")
        token = CSRF_FIELD.search(page.text).group(1)
        r = await client.post("/logga-in", data={"username": "karin", "password": PW, "next": "/konto",
                                                 "_csrf_token": token}, follow_redirects=False)
        assert r.headers["location"] == "/konto"
        page = await client.get("/konto")
        assert "Slå på tvåstegsverifiering" in page.text
        token = CSRF_FIELD.search(page.text).group(1)
        r = await client.post("/konto/tvasteg/start", data={"_csrf_token": token})
        assert r.status_code in (200, 201) and 'id="totp-secret"' in r.text
        secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', r.text).group(1)
        r = await client.post("/konto/tvasteg/bekrafta", data={"code": code(secret), "_csrf_token": token},
                              follow_redirects=False)
        assert r.status_code == 303
        page = await client.get(r.headers["location"])
        assert "Tvåstegsverifiering är på" in page.text and "Stäng av tvåstegsverifiering" in page.text
        # Turning it off needs a current code; the one just used does not count again.
        r = await client.post("/konto/tvasteg/av", data={"code": code(secret), "_csrf_token": token},
                              follow_redirects=False)
        assert "Koden" in (await client.get(r.headers["location"])).text
        moving_clock(1)
        r = await client.post("/konto/tvasteg/av", data={"code": code(secret), "_csrf_token": token},
                              follow_redirects=False)
        page = await client.get(r.headers["location"])
        assert "Tvåstegsverifiering är av" in page.text and "Slå på tvåstegsverifiering" in page.text
        # Without the form's CSRF token nothing changes.
        r = await client.post("/konto/tvasteg/start", data={})
        assert r.status_code == 403


async def test_an_administrator_resets_a_lost_second_factor(db, moving_clock):
    from survey_engine.services import mfa, tokens

    await user_service.create_user("tests", "lars", Role.ANALYST, password=PW)
    user = await user_service.get_user("lars")
    secret, _ = await mfa.start_enrolment(user.id, "lars")
    await mfa.confirm_enrolment(user.id, "lars", code(secret))
    await user_service.create_user("tests", "boss", Role.ADMIN)
    admin_token, _ = await tokens.create_token("tests", "boss", "t")
    await user_service.create_user("tests", "peer", Role.ANALYST)
    peer_token, _ = await tokens.create_token("tests", "peer", "t")
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as client:
        r = await client.post(f"{API}/users/lars/mfa-reset", headers={"Authorization": f"Bearer {peer_token}"})
        assert r.status_code == 403
        assert await mfa.enabled(user.id)
        r = await client.post(f"{API}/users/lars/mfa-reset", headers={"Authorization": f"Bearer {admin_token}"})
        assert r.status_code == 200, r.text
        assert not await mfa.enabled(user.id)
        r = await client.post(f"{API}/auth/login", json={"username": "lars", "password": PW})
        assert r.status_code == 200  # no second factor any more


def test_the_command_line_resets_a_lost_second_factor(db):
    import asyncio

    from click.testing import CliRunner

    from survey_engine.cli import main
    from survey_engine.services import mfa
    from survey_engine.store.mfa_tables import TotpSecret

    async def enrol() -> None:
        await user_service.create_user("tests", "maja", Role.ANALYST, password=PW)
        user = await user_service.get_user("maja")
        secret, _ = await mfa.start_enrolment(user.id, "maja")
        await mfa.confirm_enrolment(user.id, "maja", code(secret))

    asyncio.run(enrol())
    result = CliRunner().invoke(main, ["user", "mfa-reset", "maja"])
    assert result.exit_code == 0, result.output
    assert "borttagen" in result.output
    assert TotpSecret.count().run_sync() == 0
    result = CliRunner().invoke(main, ["user", "mfa-reset", "maja"])
    assert result.exit_code == 0 and "ingen andra faktor" in result.output
