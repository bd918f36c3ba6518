"""Issue 13 item 10: the demo's 2024 round happened in 2024. Its responses are started,
changed and submitted in the spring of 2024, before the round's deadline, and the
round closed after it; the clock is back to normal afterwards."""
import datetime as dt

import pytest

from survey_engine import clock
from survey_engine.services.demo import DRAFT_2024, load_demo
from survey_engine.store.tables import Response, Round

pytestmark = pytest.mark.db


def _day(value) -> dt.date:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return clock.local(value).date()


async def test_demo_2024_responses_are_dated_in_2024_before_the_deadline(db, questionnaires_dir):
    before = clock.now
    await load_demo(questionnaires_dir, log=lambda *_: None)
    assert clock.now is before and clock.now().year >= 2025
    r24 = await Round.select().where(Round.name == "Cybersäkerhetskollen 2024").first()
    assert _day(r24["opened_at"]) == dt.date(2024, 3, 1)
    assert r24["closes_on"] < _day(r24["closed_at"]) < dt.date(2024, 7, 1)
    rows = await Response.select(Response.started_at, Response.updated_at, Response.submitted_at, Response.status,
                                 Response.unit.code.as_alias("code")).where(Response.round == r24["id"])
    assert len(rows) >= 10
    for r in rows:
        assert dt.date(2024, 3, 1) <= _day(r["started_at"]) <= _day(r["updated_at"]) <= r24["closes_on"], r
        if r["code"] in DRAFT_2024:
            assert r["status"] == "draft" and r["submitted_at"] is None
        else:
            assert r["status"] == "submitted"
            assert _day(r["started_at"]) <= _day(r["submitted_at"]) <= r24["closes_on"]
    r26 = await Round.select().where(Round.name == "Cybersäkerhetskollen 2026").first()
    assert _day(r26["created_at"]).year >= 2025
