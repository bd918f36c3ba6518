"""The demo city's measured indicators (issue 16, items 7–8): monthly course completion
rising unevenly from January 2025 to June 2026 with some förvaltningar lagging, two
phishing exercises, and the 2026 round's utb-andel pre-filled from the measured value."""
import pytest

from survey_engine.services import indicators, overview, responses
from survey_engine.services.access import system_actor
from survey_engine.services.demo import load_demo

pytestmark = pytest.mark.db
ADMIN = system_actor("tests")


async def test_demo_has_the_indicator_story(db, questionnaires_dir):
    await load_demo(questionnaires_dir, log=lambda *_: None)
    shown = await indicators.show("utbildning-grund", actor=ADMIN)
    periods = [e.period for e in shown.series]
    assert periods[0] == "2025-01" and periods[-1] == "2026-06" and len(periods) == 18
    totals = [e.total.value for e in shown.series]
    assert totals[periods.index("2025-09")] < 0.25 < 0.6 < totals[-1]  # the course launched in October 2025
    assert all(b >= a - 1e-9 for a, b in zip(totals, totals[1:]))  # completion does not fall back
    last = shown.series[-1]
    num = sum(u.numerator for u in last.units.values())
    den = sum(u.denominator for u in last.units.values())
    assert (last.total.numerator, last.total.denominator) == (num, den)
    lagging = await indicators.lagging_units("utbildning-grund", actor=ADMIN)
    codes = [u.code for u in lagging.units]
    assert {"KUF", "MST", "FOF"} <= set(codes) and "SK" not in codes and lagging.period == "2026-06"
    assert lagging.units[0].contacts, "the demo respondents are the contacts"
    phishing = await indicators.show("phishing-klick", actor=ADMIN)
    assert [e.period for e in phishing.series] == ["2024-Q4", "2025-Q4"]
    assert phishing.series[1].total.value < phishing.series[0].total.value
    # the 2026 round started from the measured completion
    rounds = await overview.round_overview(2, actor=ADMIN)
    sk = next(u for u in rounds.units if u.unit == "SK")
    history, _ = await responses.answer_history(sk.response_id, "utb-andel", actor=ADMIN)
    assert history and history[0].actor.startswith("indikator:utbildning-grund@")
