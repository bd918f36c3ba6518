"""A request authenticated by a bearer token (or not at all) neither writes the session
table nor sets a cookie: every autosave from a script would otherwise cost a write."""
import pytest

from survey_engine.store.auth_tables import SessionRecord


API = "/api/v1"


async def test_bearer_requests_write_no_session(client):
    for _ in range(3):
        r = await client.get(f"{API}/units")
        assert r.status_code == 200, r.text
        assert "set-cookie" not in r.headers
    assert await SessionRecord.count() == 0

