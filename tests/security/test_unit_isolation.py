"""No respondent reads or writes another unit's data by changing an id: every route
that names a response by id is refused (403) for a respondent of another unit, the
response lists show only the respondent's units, and nothing changed afterwards."""
from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from tests.security.api_support import SYSTEM, seed_round
from tests.helpers.auth import make_token
from survey_engine.services import audit
from survey_engine.services import responses
from survey_engine.web import create_app

API = "/api/v1"


@pytest.fixture
async def setup(db):
    ctx = await seed_round(("a", "b"))
    ctx["token"] = await make_token("respondent", ["a"], username="resp-a")
    return ctx


async def _client(token):
    client = AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False))
    client.headers["Authorization"] = f"Bearer {token}"
    return client


async def test_reads_of_another_units_response_are_refused(setup):
    other = setup["responses"]["b"]
    own = setup["responses"]["a"]
    async with await _client(setup["token"]) as c:
        for suffix in ("", "/history", "/scores", "/snapshot", "/answers-file"):
            r = await c.get(f"{API}/responses/{other}{suffix}")
            assert r.status_code == 403, (suffix, r.status_code, r.text)
            assert "kommentar b" not in r.text and "answers" not in r.json()
            r = await c.get(f"{API}/responses/{own}{suffix}")
            # own: allowed (the snapshot of a draft is 404: never submitted)
            assert r.status_code == (404 if suffix == "/snapshot" else 200), (suffix, r.text)
        # Cross-unit views are not for respondents at all.
        for what in ("overview", "export"):
            assert (await c.get(f"{API}/rounds/{setup['round']}/{what}")).status_code == 403


async def test_writes_to_another_units_response_are_refused_and_change_nothing(setup):
    other = setup["responses"]["b"]
    before = await responses.get_response(other, actor=SYSTEM)
    # b is submitted; reopen it (as an administrator) so a write would otherwise succeed.
    before = await responses.reopen_response(other, actor=SYSTEM)
    async with await _client(setup["token"]) as c:
        attempts = [
            c.post(f"{API}/responses/{other}/answers",
                   json={"revision": before.revision, "answers": {"policy": "nej"}, "comments": {"policy": "hack"}}),
            c.post(f"{API}/responses/{other}/submit", json={}),
            c.post(f"{API}/responses/{other}/reopen"),
            c.put(f"{API}/responses/{other}/answers-file",
                  json={"questionnaire": "liten", "version": "2024.1", "answers": {}}),
            c.post(f"{API}/rounds/{setup['round']}/responses", json={"unit": "b"}),
        ]
        for attempt in attempts:
            r = await attempt
            assert r.status_code == 403, r.text
    after = await responses.get_response(other, actor=SYSTEM)
    assert after == before
    refused = [e for e in await audit.list_events(audit.AuditFilter(actor="resp-a")) if e.action.startswith("response.")]
    assert refused == []  # nothing was recorded as done


async def test_response_list_shows_only_own_units(setup):
    async with await _client(setup["token"]) as c:
        page = (await c.get(f"{API}/rounds/{setup['round']}/responses")).json()
    assert page["total"] == 1 and [i["unit"] for i in page["items"]] == ["a"]
    async with await _client(await make_token("analyst")) as c:
        page = (await c.get(f"{API}/rounds/{setup['round']}/responses")).json()
    assert page["total"] == 2


async def test_own_unit_write_is_allowed_and_audited(setup):
    own = setup["responses"]["a"]
    async with await _client(setup["token"]) as c:
        state = (await c.get(f"{API}/responses/{own}")).json()
        r = await c.post(f"{API}/responses/{own}/answers",
                         json={"revision": state["revision"], "answers": {"policy": "nej"}})
        assert r.status_code == 200, r.text
    events = await audit.list_events(audit.AuditFilter(actor="resp-a", action="response.write"))
    assert len(events) == 1 and events[0].unit == "a" and events[0].object_id == str(own)
    assert events[0].details["questions"] == ["policy"] and "via_token" in events[0].details
