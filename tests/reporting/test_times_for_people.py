"""Times for people in Swedish time everywhere (issue 13): one helper (`clock.shown`,
`clock.today`) behind the pages, the plan PDF/Excel, the audit CSV and the reports'
"Skapad" date; stored times stay UTC."""
from __future__ import annotations

import datetime as dt

from survey_engine import clock
from survey_engine.reporting.plans import local_time
from survey_engine.web import i18n

UTC = dt.timezone.utc


def test_shown_is_swedish_time_summer_and_winter_naive_and_text():
    winter = dt.datetime(2026, 12, 2, 7, 28, 5, tzinfo=UTC)
    summer = dt.datetime(2026, 6, 2, 7, 28, tzinfo=UTC)
    assert clock.shown(winter) == "2026-12-02 08:28"
    assert clock.shown(summer) == "2026-06-02 09:28"
    assert clock.shown(winter.replace(tzinfo=None)) == "2026-12-02 08:28"  # naive: stored UTC
    assert clock.shown(winter.isoformat()) == "2026-12-02 08:28"
    assert clock.shown(winter, seconds=True) == "2026-12-02 08:28:05"
    assert clock.shown(dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC), with_time=False) == "2027-01-01"
    assert clock.shown(dt.date(2026, 5, 1)) == "2026-05-01" and clock.shown(None) == ""
    # the pages' and the plan report's helpers are the same
    assert i18n.when(winter, "sv") == local_time(winter) == "2026-12-02 08:28"
    assert i18n.when(None, "sv") == "–" and i18n.clock(winter) == "08:28"


def test_today_is_the_swedish_date(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    assert clock.today() == dt.date(2027, 1, 1)


async def test_report_generated_on_is_the_swedish_date(db, monkeypatch):
    import json

    from survey_engine.services import reports, responses
    from survey_engine.services.access import system_actor
    from tests.survey_samples import FULL_2024, V2024, setup_round

    actor = system_actor("tests")
    rnd = await setup_round(V2024, ("a",))
    state, _ = await responses.start_response(rnd.id, "a", actor=actor)
    state = await responses.save_answers(state.id, state.revision, FULL_2024, actor=actor)
    await responses.submit_response(state.id, actor=actor)
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    content, _, _ = await reports.unit_report(rnd.id, "a", "json")
    assert json.loads(content)["generated_on"] == "2027-01-01"


def test_audit_details_show_times_in_swedish_time():
    from survey_engine.services import audit_words

    lines = audit_words.detail_lines({"until": "2026-12-02T13:05:00+00:00", "closes_on": "2026-12-31",
                                      "at": dt.datetime(2026, 7, 1, 10, 0, tzinfo=UTC)})
    assert "2026-12-02 14:05" in " ".join(lines) and "2026-07-01 12:00" in " ".join(lines)
    assert any(line.endswith("2026-12-31") for line in lines)
