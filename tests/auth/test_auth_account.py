"""Password policy (common passwords, the username) and changing one's own password
over the API and on /konto: the current password is checked, every other session of
the account ends, the browser that changed it goes on (docs/security.md, "Lösenord")."""
from __future__ import annotations

import re

import httpx
import pytest
from litestar.testing import AsyncTestClient

from survey_engine.errors import PasswordPolicyError
from survey_engine.services import common_passwords, passwords
from survey_engine.services import users as user_service
from survey_engine.services.policy import Role
from survey_engine.web import create_app

API = "/api/v1"
OLD = "gamla fraser håller länge"
NEW = "nya fraser håller längre"
CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.mark.parametrize("password", [
    "qwerty123456",          # on the shipped list
    "1q2w3e4r5t6y",          # on the shipped list
    "Lösenord123456",        # Swedish list, any case
    "sommar2024!!!",         # a Swedish stem with digits and punctuation around it
    "!!Välkommen2026",
    "password12345678",      # an English stem with digits
])
def test_common_passwords_are_refused(password):
    with pytest.raises(PasswordPolicyError, match="vanligaste"):
        passwords.check_policy(password, "someone")


@pytest.mark.parametrize("password", ["anna.svensson", "Anna.Svensson2026", "2026anna.svensson!"])
def test_the_username_with_or_without_decoration_is_refused(password):
    with pytest.raises(PasswordPolicyError, match="användarnamn"):
        passwords.check_policy(password, "anna.svensson")


@pytest.mark.parametrize("password", [OLD, NEW, "Kaffe och kanelbulle på fredag", "tre-gröna-äpplen-i-korgen"])
def test_phrases_pass(password):
    passwords.check_policy(password, "anna.svensson")


def test_the_lists_are_loaded_and_licensed():
    words = common_passwords.common_passwords()
    assert len(words) > 18000 and "lösenord" in words and "qwerty123456" in words
    data = common_passwords.DATA
    assert "BSD" in (data / "LICENSE-django-common-passwords.txt").read_text() or \
        "Redistribution and use" in (data / "LICENSE-django-common-passwords.txt").read_text()
    assert "Royce Williams" in " ".join((data / "README.md").read_text().split())


async def _login(client: AsyncTestClient, username: str, password: str) -> str:
    r = await client.post(f"{API}/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["csrf_token"]


async def test_api_change_own_password_ends_other_sessions(db):
    await user_service.create_user("tests", "kerstin", Role.ANALYST, password=OLD)
    app = create_app(secure_cookies=False, db_pool=False)
    async with AsyncTestClient(app=app) as client:
        jar_a = httpx.Cookies()
        jar_b = httpx.Cookies()
        client.cookies = jar_b
        await _login(client, "kerstin", OLD)
        jar_b = httpx.Cookies(client.cookies)
        client.cookies = jar_a
        csrf = await _login(client, "kerstin", OLD)
        jar_a = httpx.Cookies(client.cookies)
        # A script with a token of the account, which a password change does not touch.
        client.cookies = httpx.Cookies()

        client.cookies = jar_a
        h = {"X-CSRF-Token": csrf}
        # Without the session's CSRF header: refused before anything happens.
        r = await client.post(f"{API}/auth/password", json={"current_password": OLD, "new_password": NEW})
        assert r.status_code == 403
        # Wrong current password: 401, nothing changed.
        r = await client.post(f"{API}/auth/password", headers=h,
                              json={"current_password": "inte rätt alls här", "new_password": NEW})
        assert r.status_code == 401, r.text
        assert "nuvarande" in r.json()["detail"].lower()
        # A common new password: 422 that says why.
        r = await client.post(f"{API}/auth/password", headers=h,
                              json={"current_password": OLD, "new_password": "Sommar2025!!!"})
        assert r.status_code == 422, r.text
        assert "vanligaste" in r.json()["detail"]
        # The username as new password.
        r = await client.post(f"{API}/auth/password", headers=h,
                              json={"current_password": OLD, "new_password": "kerstin-2026-!!"})
        assert r.status_code == 422 and "användarnamn" in r.json()["detail"]
        # Unknown fields and missing ones: 4xx naming the field, never 500.
        r = await client.post(f"{API}/auth/password", headers=h, json={"new_password": NEW})
        assert r.status_code in (400, 422) and "current_password" in r.text

        r = await client.post(f"{API}/auth/password", headers=h, json={"current_password": OLD, "new_password": NEW})
        assert r.status_code == 200, r.text
        new_csrf = r.json()["csrf_token"]
        assert new_csrf and new_csrf != csrf
        jar_a = httpx.Cookies(client.cookies)
        # This client goes on in its new session, with the new CSRF token.
        me = await client.get(f"{API}/auth/me")
        assert me.status_code == 200 and me.json()["username"] == "kerstin"
        r = await client.post(f"{API}/tokens", headers={"X-CSRF-Token": new_csrf}, json={"name": "efter bytet"})
        assert r.status_code == 201, r.text

        # The other browser's session has ended.
        client.cookies = jar_b
        assert (await client.get(f"{API}/auth/me")).status_code == 401

        client.cookies = httpx.Cookies()
        r = await client.post(f"{API}/auth/login", json={"username": "kerstin", "password": OLD})
        assert r.status_code == 401
        await _login(client, "kerstin", NEW)


async def test_change_password_anonymous_is_401(db):
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as client:
        r = await client.post(f"{API}/auth/password", json={"current_password": OLD, "new_password": NEW})
        assert r.status_code == 401


async def _form_token(client: AsyncTestClient, url: str) -> str:
    r = await client.get(url)
    assert r.status_code == 200, r.text
    match = CSRF_FIELD.search(r.text)
    assert match, r.text[:500]
    return match.group(1)


async def test_konto_page_changes_the_password(db):
    await user_service.create_user("tests", "per", Role.AUDITOR, password=OLD)
    async with AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False)) as client:
        # Another browser of the same person.
        other = httpx.Cookies()
        client.cookies = other
        token = await _form_token(client, "/logga-in")
        r = await client.post("/logga-in", data={"username": "per", "password": OLD, "next": "/", "_csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303
        other = httpx.Cookies(client.cookies)

        client.cookies = httpx.Cookies()
        assert (await client.get("/konto", follow_redirects=False)).status_code in (302, 303, 307)  # anonymous: to the login page
        token = await _form_token(client, "/logga-in")
        r = await client.post("/logga-in", data={"username": "per", "password": OLD, "next": "/", "_csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303
        token = await _form_token(client, "/konto")
        page = (await client.get("/konto")).text
        assert "Byt lösenord" in page and 'autocomplete="new-password"' in page

        # Without the form's CSRF token: refused.
        r = await client.post("/konto/losenord", data={"current_password": OLD, "new_password": NEW,
                                                        "new_password_again": NEW}, follow_redirects=False)
        assert r.status_code == 403
        # The two new ones differ: the page says so, nothing changed.
        r = await client.post("/konto/losenord", data={"current_password": OLD, "new_password": NEW,
                                                        "new_password_again": NEW + "x", "_csrf_token": token}, follow_redirects=False)
        assert r.status_code == 422 and "inte lika" in r.text
        r = await client.post("/konto/losenord", data={"current_password": "fel fel fel fel", "new_password": NEW,
                                                        "new_password_again": NEW, "_csrf_token": token}, follow_redirects=False)
        assert r.status_code == 401 and "stämmer inte" in r.text
        r = await client.post("/konto/losenord", data={"current_password": OLD, "new_password": "qwertyuiopåäö",
                                                        "new_password_again": "qwertyuiopåäö", "_csrf_token": token}, follow_redirects=False)
        assert r.status_code == 422 and "vanligaste" in r.text
        r = await client.post("/konto/losenord", data={"current_password": OLD, "new_password": NEW,
                                                        "new_password_again": NEW, "_csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303, r.text
        r = await client.get(r.headers["location"])
        assert r.status_code == 200 and "Lösenordet är bytt" in r.text

        client.cookies = other
        r = await client.get("/konto", follow_redirects=False)
        assert r.status_code in (302, 303, 307) and "/logga-in" in r.headers["location"]
