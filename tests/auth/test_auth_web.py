"""The Litestar pieces in front of the API, on a small app wired the way create_app()
will be: shared DB sessions, bearer tokens, CSRF on session requests, guards, errors."""
import pytest
from litestar import Litestar, Request, get, post
from litestar.params import FromPath
from litestar.testing import AsyncTestClient

from survey_engine.web.api.errors import EXCEPTION_HANDLERS
from survey_engine.services import audit, users as service
from survey_engine.web import security as auth_web
from survey_engine.services.policy import Action, require
from survey_engine.store.auth_tables import SessionRecord
from survey_engine.services import login as login_service
from survey_engine.services import tokens
from tests.helpers.auth import ensure_units


PW = "ett långt lösenord här"
RESPONSE_UNITS = {1: "SOC", 2: "KS"}


def make_app(secure: bool = False) -> Litestar:
    @post("/api/session", opt={"public": True}, status_code=200)
    async def login(request: Request) -> dict:
        body = await request.json()
        principal = await login_service.authenticate(body.get("username", ""), body.get("password", ""),
                                               auth_web.client_address(request))
        return {"username": principal.username, "csrf": auth_web.start_session(request, principal)}

    @post("/api/logout", opt={"public": True}, status_code=200)
    async def logout(request: Request) -> dict:
        auth_web.end_session(request)
        return {}

    @get("/api/me", guards=[auth_web.requires(Action.QUESTIONNAIRE_READ)])
    async def me(request: Request) -> dict:
        p = request.user
        return {"username": p.username, "role": p.role.value, "units": sorted(p.units), "via": p.via}

    @get("/api/units/{unit:str}/responses", guards=[auth_web.requires(Action.RESPONSE_READ, unit_param="unit")])
    async def read(unit: FromPath[str]) -> dict:
        return {"unit": unit}

    @post("/api/units/{unit:str}/responses", guards=[auth_web.requires(Action.RESPONSE_WRITE, unit_param="unit")])
    async def write(request: Request, unit: FromPath[str]) -> dict:
        await audit.record(request.user, "response.write", "response", 1, unit=unit)
        return {"ok": True}

    @get("/api/responses/{response_id:int}", guards=[auth_web.requires(Action.RESPONSE_READ, unit_from_object=True)])
    async def read_by_id(request: Request, response_id: FromPath[int]) -> dict:
        unit = RESPONSE_UNITS[response_id]  # what the service would load
        require(request.user, Action.RESPONSE_READ, unit)
        return {"unit": unit}

    return Litestar(
        route_handlers=[login, logout, me, read, write, read_by_id],
        stores=auth_web.session_stores(),
        middleware=[auth_web.session_config(secure=secure).middleware, auth_web.PrincipalMiddleware()],
        exception_handlers=EXCEPTION_HANDLERS,
    )


@pytest.fixture
async def people(db):
    await service.create_user("cli:test", "root", "admin", password=PW)
    await ensure_units("SOC")
    await service.create_user("cli:test", "resp", "respondent", password=PW, units=["SOC"])


async def login(client, username="resp", password=PW):
    r = await client.post("/api/session", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return r


async def test_session_login_and_cookie_flags(people):
    async with AsyncTestClient(app=make_app(secure=True), base_url="https://testserver.local") as client:
        r = await login(client)
        cookie = r.headers["set-cookie"]
        assert cookie.startswith("se_session=")
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie
        me = await client.get("/api/me")
        assert me.json() == {"username": "resp", "role": "respondent", "units": ["SOC"], "via": "session"}


async def test_anonymous_is_401_and_other_unit_is_403(people):
    async with AsyncTestClient(app=make_app()) as client:
        assert (await client.get("/api/me")).status_code == 401
        await login(client)
        assert (await client.get("/api/units/SOC/responses")).status_code == 200
        r = await client.get("/api/units/KS/responses")
        assert r.status_code == 403
        assert "not allowed" in r.json()["detail"]


async def test_unit_known_only_in_the_service(people):
    async with AsyncTestClient(app=make_app()) as client:
        assert (await client.get("/api/responses/1")).status_code == 401
        await login(client)
        assert (await client.get("/api/responses/1")).json() == {"unit": "SOC"}
        # Changing the id to another unit's response is refused by the service check.
        r = await client.get("/api/responses/2")
        assert r.status_code == 403 and r.json()["code"] == "permission_denied"


async def test_post_without_csrf_token_is_refused(people):
    async with AsyncTestClient(app=make_app()) as client:
        csrf = (await login(client)).json()["csrf"]
        r = await client.post("/api/units/SOC/responses")
        assert r.status_code == 403 and r.json()["code"] == "csrf"
        r = await client.post("/api/units/SOC/responses", headers={"X-CSRF-Token": csrf + "x"})
        assert r.status_code == 403
        r = await client.post("/api/units/SOC/responses", headers={"X-CSRF-Token": csrf})
        assert r.status_code == 201, r.text
        r = await client.post("/api/units/KS/responses", headers={"X-CSRF-Token": csrf})
        assert r.status_code == 403
    [event] = await audit.list_events(audit.AuditFilter(action="response.write"))
    assert (event.actor, event.action, event.unit) == ("resp", "response.write", "SOC")


async def test_a_session_made_by_one_app_works_in_another(people):
    async with AsyncTestClient(app=make_app()) as one, AsyncTestClient(app=make_app()) as two:
        await login(one)
        two.cookies.set("se_session", one.cookies["se_session"])
        assert (await two.get("/api/me")).json()["username"] == "resp"


async def test_login_gives_a_new_session_id(people):
    async with AsyncTestClient(app=make_app()) as client:
        planted = "a" * 64
        await auth_web.session_stores()["sessions"].set(planted, b'{"x": 1}', expires_in=600)
        client.cookies.set("se_session", planted, domain="testserver.local")
        await login(client)
        assert client.cookies["se_session"] not in ("", planted, "null")
        assert await auth_web.session_stores()["sessions"].get(planted) is None


async def test_logout_deletes_the_session(people):
    async with AsyncTestClient(app=make_app()) as client:
        csrf = (await login(client)).json()["csrf"]
        assert await SessionRecord.count() == 1
        # Logging out changes state too: without the CSRF token it is refused.
        assert (await client.post("/api/logout")).status_code == 403
        assert (await client.post("/api/logout", headers={"X-CSRF-Token": csrf})).status_code == 200
        assert await SessionRecord.count() == 0
        assert (await client.get("/api/me")).status_code == 401


async def test_disabling_a_user_ends_their_session(people):
    async with AsyncTestClient(app=make_app()) as client:
        await login(client)
        await service.disable_user("cli:test", "resp")
        assert (await client.get("/api/me")).status_code == 401
        assert await SessionRecord.count() == 0


async def test_bearer_tokens(people):
    plain, info = await tokens.create_token("cli:test", "resp", "script")
    async with AsyncTestClient(app=make_app()) as client:
        auth = {"Authorization": f"Bearer {plain}"}
        me = await client.get("/api/me", headers=auth)
        assert me.json()["via"] == "token"
        # No cookie rides along with a bearer token, so no CSRF token is needed.
        assert (await client.post("/api/units/SOC/responses", headers=auth)).status_code == 201
        assert (await client.post("/api/units/KS/responses", headers=auth)).status_code == 403
        await tokens.revoke_token("cli:test", info.id)
        r = await client.get("/api/me", headers=auth)
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
        assert (await client.get("/api/me", headers={"Authorization": f"Basic {plain}"})).status_code == 401
    [event] = await audit.list_events(audit.AuditFilter(action="response.write"))
    assert event.details == {"via_token": info.id}


async def test_failed_and_throttled_logins(people):
    async with AsyncTestClient(app=make_app()) as client:
        for _ in range(4):
            r = await client.post("/api/session", json={"username": "resp", "password": "fel fel fel fel"})
            assert r.status_code == 401 and r.json()["code"] == "invalid_credentials"
        r = await client.post("/api/session", json={"username": "resp", "password": "fel fel fel fel"})
        assert r.status_code == 429
        assert r.headers["retry-after"] == "900"
        assert r.json()["detail"].startswith("För många misslyckade inloggningar")


def test_route_decisions_find_routes_without_a_decision():
    @get("/api/open")
    async def open_route() -> str:
        return "oops"

    app = make_app()
    decisions = auth_web.route_decisions(app)
    assert decisions[("/api/units/{unit:str}/responses", "POST")] is Action.RESPONSE_WRITE
    assert decisions[("/api/session", "POST")] == "public"
    assert decisions[("/api/responses/{response_id:int}", "GET")] is Action.RESPONSE_READ
    assert None not in decisions.values()
    app.register(open_route)
    assert auth_web.route_decisions(app)[("/api/open", "GET")] is None


def test_openapi_security_schemes_render():
    from litestar.openapi import OpenAPIConfig
    from litestar.openapi.spec import Components

    components, security = auth_web.openapi_security()
    app = Litestar(
        route_handlers=[],
        openapi_config=OpenAPIConfig(
            title="t", version="1", components=Components(security_schemes=components), security=security
        ),
    )
    schema = app.openapi_schema.to_schema()
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    assert schema["components"]["securitySchemes"]["SessionCookie"]["in"] == "cookie"
    assert {"BearerToken": []} in schema["security"]
