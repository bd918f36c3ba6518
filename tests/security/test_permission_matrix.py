"""The permission matrix, from the app's own route table.

Every route of the app must have a decision (`route_decisions`: an Action from its
`requires` guard, or "public"); a new route without one fails here. Every API route is
then called for real, with a bearer token per role (and for a respondent: bound to the
unit of the object, or to another unit), and the status is compared with the policy
(`roles.decide`): allowed -> neither 401 nor 403; refused -> 403 (or 404). Anonymous
calls to guarded routes get 401.
"""
from __future__ import annotations

import itertools
import re

import pytest
from litestar.testing import AsyncTestClient

from tests.security.api_support import seed_round
from tests.helpers.auth import make_token
from survey_engine.services import users as auth_service
from survey_engine.services.policy import Action, Principal, Role, allowed_somewhere, decide
from survey_engine.web.security import route_decisions
from survey_engine.web import create_app
from tests.survey_samples import V2024
from survey_engine.services import evidence, tokens
from survey_engine.services.access import system_actor

SYSTEM = system_actor("tests")


API = "/api/v1"
OWN, OTHER = "a", "b"  # the objects used are unit a's; the "other" respondent is bound to b
_n = itertools.count(1)

# Lists filter instead of refusing: anyone who may read some unit's responses gets 200
# with only what they may see (checked in test_unit_isolation.py).
FILTERED = {(f"{API}/rounds/{{round_id:int}}/responses", "GET"),
            # plans (issue 8): the list and the city-wide follow-up hold only the plans one may read
            (f"{API}/plans", "GET"), (f"{API}/plans/summary", "GET"),
            (f"{API}/plans/summary.html", "GET"), (f"{API}/plans/summary.xlsx", "GET"),
            # indicators (issue 16): respondents see their own units' figures and the kommun total
            (f"{API}/indicators", "GET"), (f"{API}/indicators/{{indicator_id:str}}", "GET"),
            (f"{API}/indicators/{{indicator_id:str}}/series", "GET"),
            # sign-off (issue 17): the queue holds only the responses one may approve
            (f"{API}/signoff/queue", "GET")}


def _body(path: str, method: str, ctx: dict):
    """A valid request body for each state-changing API route (so that a refusal that
    the service makes after reading the body is what we see, not a 400)."""
    n = next(_n)
    bodies = {
        (f"{API}/auth/login", "POST"): {"json": {"username": "nobody", "password": "wrong password!"}},
        (f"{API}/tokens", "POST"): {"json": {"name": f"t{n}"}},
        # The matrix's accounts have tokens and no password: an allowed role gets 422 ("no local password").
        (f"{API}/auth/password", "POST"): {"json": {"current_password": "inget alls", "new_password": "nya fraser här"}},
        # Two-step verification: a code that is wrong (or for no secret) is 422 for an allowed role.
        (f"{API}/auth/totp/confirm", "POST"): {"json": {"code": "000000"}},
        (f"{API}/auth/totp/disable", "POST"): {"json": {"code": "000000"}},
        (f"{API}/users", "POST"): {"json": {"username": f"new-{n}", "role": "analyst"}},
        (f"{API}/users/{{username:str}}/role", "PUT"): {"json": {"role": "planner"}},
        (f"{API}/users/{{username:str}}/units", "PUT"): {"json": {"units": []}},
        (f"{API}/units", "POST"): {"json": {"code": f"n{n}", "name": f"Ny {n}"}},
        (f"{API}/units/import", "POST"): {"json": {"units": [{"code": OWN, "name": "Enhet a"}]}},
        (f"{API}/questionnaires", "POST"): {"content": V2024.encode(), "headers": {"Content-Type": "application/yaml"}},
        (f"{API}/rounds", "POST"): {"json": {"name": f"R{n}", "questionnaire": "liten", "version": "2024.1",
                                             "units": [OWN]}},
        (f"{API}/rounds/{{round_id:int}}/responses", "POST"): {"json": {"unit": OWN}},
        (f"{API}/rounds/{{round_id:int}}/deadline", "POST"): {"json": {"closes_on": "2099-12-31"}},
        (f"{API}/responses/{{response_id:int}}/answers", "POST"): {"json": {"revision": 0, "answers": {}}},
        (f"{API}/responses/{{response_id:int}}/submit", "POST"): {"json": {}},
        (f"{API}/audits", "POST"): {"json": {"source": "format: 1\nid: x\n"}},  # allowed: 422 (incomplete)
        (f"{API}/audits/{{audit_id:str}}/recommendations/{{rec_id:str}}", "PATCH"): {"json": {"responsible": "x"}},
        (f"{API}/audits/{{audit_id:str}}/recommendations/{{rec_id:str}}/actions", "POST"): {"json": {"action_id": 1}},
        (f"{API}/audits/{{audit_id:str}}/statement", "GET"): {"params": {"from": "2025-01-01", "to": "2025-12-31"}},
        # reminders (issue 17): unit a has no contact address, so an allowed send is a 422, not a 403
        (f"{API}/reminders/send", "POST"): {"json": {"dry_run": True}},
        (f"{API}/units/{{code:str}}/contacts", "PUT"): {"json": {"contacts": [{"email": "a@a.example.invalid"}]}},
        # evidence files (issue 17): a valid upload, so a refusal is the service's unit check
        (f"{API}/responses/{{response_id:int}}/evidence", "POST"): {
            "files": {"file": ("rutin.txt", "Rutin för loggning\n".encode(), "text/plain")},
            "data": {"question": "policy"}},
        # shared answers (issue 17): "antal" is not a provided question here, so an allowed override is a 404
        (f"{API}/rounds/{{round_id:int}}/providers", "POST"): {"json": {"provider": OWN, "selector": "area:drift",
                                                                         "served": [OTHER]}},
        (f"{API}/rounds/{{round_id:int}}/providers/remove", "POST"): {"json": {"provider": OWN,
                                                                                "selector": "area:drift"}},
        (f"{API}/responses/{{response_id:int}}/provided/{{question_id:str}}/override", "POST"): {
            "json": {"revision": 0, "value": 5, "reason": "egen mätning"}},
        # sign-off: unit a's response is a draft, so an allowed approve/return is a 409
        (f"{API}/responses/{{response_id:int}}/return", "POST"): {"json": {"comment": "Komplettera."}},
        (f"{API}/responses/{{response_id:int}}/approve", "POST"): {"json": {"comment": ""}},
        (f"{API}/responses/{{response_id:int}}/answers-file", "PUT"): {
            "json": {"questionnaire": "liten", "version": "2024.1", "answers": {}}},
    }
    if (path, method) in bodies:
        return bodies[(path, method)]
    if method in ("POST", "PUT", "PATCH"):
        return {}
    return {}


def _url(path: str, ctx: dict, who: str) -> str:
    values = {
        "response_id": ctx["responses"][OWN], "round_id": ctx["round"], "code": OWN, "family": "liten",
        "version": "2024.1", "username": "target", "token_id": ctx["spare_tokens"][who],
        # no plan exists here (unit a has no submitted response): allowed roles get 404
        # from the service, the guard refuses the others (tests/plans check real plans)
        "plan_id": 1, "action_id": 1,
        # no audit exists here either: allowed roles get 404 (tests/audits check real ones)
        "audit_id": "ingen-granskning", "rec_id": "ingen",
        # no indicator is published here: allowed roles get 404 from the service
        "indicator_id": "kurs", "question_id": "antal",
        "message_id": 1,  # the outbox is empty: allowed roles get 404
        "evidence_id": ctx["evidence"],  # unit a's file (tests/api/test_evidence_api.py checks more)
    }

    def fill(m: re.Match) -> str:
        name = m.group(1)
        assert name in values, f"no test value for path parameter {name!r} of {path}: add one to _url()"
        return str(values[name])

    return re.sub(r"\{(\w+)(?::\w+)?\}", fill, path)


async def _principal(username: str) -> Principal:
    return (await auth_service.get_user(username)).principal(via="token")


@pytest.fixture
async def world(db):
    ctx = await seed_round()
    ctx["evidence"] = (await evidence.add_file(ctx["responses"][OWN], "policy", "policy.txt", b"Policy\n",
                                               actor=SYSTEM))["id"]
    await auth_service.create_user("tests", "target", Role.ANALYST)
    who = {
        "admin": ("admin", ()), "analyst": ("analyst", ()), "planner": ("planner", ()), "auditor": ("auditor", ()),
        "respondent-own": ("respondent", (OWN,)), "respondent-other": ("respondent", (OTHER,)),
        # sign-off (issue 17 item 2): the approver of the object's unit, and of another unit
        "approver-own": ("approver", (OWN,)), "approver-other": ("approver", (OTHER,)),
    }
    ctx["tokens"], ctx["principals"], ctx["spare_tokens"] = {}, {}, {}
    for name, (role, units) in who.items():
        ctx["tokens"][name] = await make_token(role, units, username=f"m-{name}")
        ctx["principals"][name] = await _principal(f"m-{name}")
        _, spare = await tokens.create_token("tests", f"m-{name}", "spare")
        ctx["spare_tokens"][name] = spare.id
    ctx["spare_tokens"]["anonymous"] = 1
    return ctx


def _expected(decision, principal: Principal, path: str, method: str) -> bool:
    if (path, method) in FILTERED:
        return allowed_somewhere(principal, decision)
    return decide(principal, decision, OWN).allowed


def test_every_route_of_the_app_has_a_decision():
    decisions = route_decisions(create_app(secure_cookies=False, db_pool=False))
    missing = sorted(key for key, decision in decisions.items() if decision is None)
    assert not missing, f"routes without a guard or opt={{'public': True}}: {missing}"
    api = {k: v for k, v in decisions.items() if k[0].startswith(API) and k[1] != "OPTIONS"}
    assert len(api) >= 40
    public = sorted(k for k, v in api.items() if v == "public")
    assert public == [(f"{API}/auth/login", "POST"), (f"{API}/auth/logout", "POST"),
                      (f"{API}/auth/logout-everywhere", "POST"), (f"{API}/auth/me", "GET"),
                      # single sign-on: starting and finishing a login (tests/sso)
                      (f"{API}/auth/sso/callback", "POST"), (f"{API}/auth/sso/start", "POST"),
                      (f"{API}/health", "GET")]


async def test_permission_matrix_every_api_route_every_role_own_and_other_unit(world):
    app = create_app(secure_cookies=False, db_pool=False)
    decisions = route_decisions(app)
    routes = sorted((p, m) for (p, m), d in decisions.items()
                    if p.startswith(API) and m not in ("OPTIONS", "HEAD") and d != "public")
    # Changes last (and closing the round very last), so earlier reads see the data intact.
    routes.sort(key=lambda r: (r[1] != "GET", r[0].endswith("/close"), r))
    problems, checked = [], 0
    async with AsyncTestClient(app=app) as client:
        for path, method in routes:
            decision = decisions[(path, method)]
            r = await client.request(method, _url(path, world, "anonymous"), **_body(path, method, world))
            checked += 1
            if r.status_code != 401:
                problems.append(f"anonymous {method} {path}: {r.status_code}, expected 401")
            for who, token in world["tokens"].items():
                principal = world["principals"][who]
                kwargs = _body(path, method, world)
                headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {token}"}
                r = await client.request(method, _url(path, world, who), headers=headers, **kwargs)
                checked += 1
                allowed = _expected(decision, principal, path, method)
                if allowed and r.status_code in (401, 403):
                    problems.append(f"{who} {method} {path} ({decision.value}): {r.status_code} but allowed: {r.text[:200]}")
                if not allowed and r.status_code not in (403, 404):
                    problems.append(f"{who} {method} {path} ({decision.value}): {r.status_code} but refused: {r.text[:200]}")
    print(f"\npermission matrix: {len(routes)} routes x (anonymous + {len(world['tokens'])} principals) = {checked} requests")
    assert len(routes) >= 35
    assert not problems, "\n".join(problems)
