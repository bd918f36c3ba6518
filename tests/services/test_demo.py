"""The demo on the flagship questionnaires: one end-to-end run over real files."""
import pytest

from survey_engine.services.demo import DRAFT_2026, NOT_STARTED_2026, UNITS, load_demo
from survey_engine.errors import Conflict
from survey_engine.services import overview, responses, rounds, units
from survey_engine.services.access import system_actor

ADMIN = system_actor("tests")



def _answers(export):
    return {r["unit"]: (r["status"], r["answers"]["answers"], r["comments"]) for r in export["responses"]}


async def test_demo_loads_refuses_twice_and_is_deterministic(db, questionnaires_dir):
    await load_demo(questionnaires_dir, log=lambda *_: None)
    unit_list, total = await units.list_units()
    # Malmö stad, 13 förvaltningar and 2 bolag (Stadsrevisionen is not a respondent)
    assert total == 16 and sum(1 for u in unit_list if u.parent == "MALMO") == 15
    names = {u.code: u.name for u in unit_list}
    assert names["HVOF"] == "Hälsa-, vård- och omsorgsförvaltningen"
    assert names["KUF"] == "Kulturförvaltningen" and "KF" not in names and "REV" not in names
    assert {"MKB", "MST"} <= names.keys()
    departments = sum(u.employees for u in UNITS if u.code not in ("MKB", "MST"))
    assert 26_000 <= departments <= 28_000
    items, _ = await rounds.list_rounds()
    r24, r26 = items
    assert (r24.status, r24.questionnaire.version) == ("closed", "2024.1")
    assert (r26.status, r26.questionnaire.version) == ("open", "2026.1")

    ov24 = await overview.round_overview(r24.id, actor=ADMIN)
    assert ov24.submitted == 14 and ov24.participating == 15
    ov26 = await overview.round_overview(r26.id, actor=ADMIN)
    status26 = {u.unit: u.status for u in ov26.units}
    assert {u.unit for u in ov26.units if u.draft} == DRAFT_2026
    assert {u for u, s in status26.items() if s in ("draft", "reopened")} == DRAFT_2026  # reopened: returned (sign-off)
    assert {u for u, s in status26.items() if s == "not_started"} == NOT_STARTED_2026

    export24 = await overview.export_round(r24.id, actor=ADMIN)
    export26 = await overview.export_round(r26.id, actor=ADMIN)
    levels = [a["level"] for r in export24["responses"] + export26["responses"] for a in r["scores"]["areas"]]
    assert 0 in levels and max(levels) >= 3
    values = [v for r in export24["responses"] + export26["responses"] for v in r["answers"]["answers"].values()]
    assert "vet-ej" in values and "ej-tillampligt" in values
    assert any(r["comments"] for r in export24["responses"])
    # 2026 responses were pre-filled from 2024
    sk = next(u for u in ov26.units if u.unit == "SK")
    history, _ = await responses.answer_history(sk.response_id, limit=1000, actor=ADMIN)
    assert any(h.actor == "prefill" for h in history) and any(h.actor == "sk.respondent" for h in history)
    assert all(r["snapshot"] is not None for r in export26["responses"] if r["status"] == "submitted")
    resp26 = await overview.round_overview(r26.id, actor=ADMIN)
    assert sum(1 for u in resp26.units if u.response_id) == len(UNITS) - len(NOT_STARTED_2026)

    with pytest.raises(Conflict):
        await load_demo(questionnaires_dir, log=lambda *_: None)

    await load_demo(questionnaires_dir, reset=True, log=lambda *_: None)
    items, total = await rounds.list_rounds()
    assert total == 2
    again24 = await overview.export_round(items[0].id, actor=ADMIN)
    again26 = await overview.export_round(items[1].id, actor=ADMIN)
    assert _answers(again24) == _answers(export24) and _answers(again26) == _answers(export26)
