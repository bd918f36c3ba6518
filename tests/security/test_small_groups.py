"""Finding 1 of issue 14: a unit report's "Stadens median" must not leak other units'
results when too few of them contribute (docs/security.md, "Small groups")."""
from __future__ import annotations

import io
import json

import pytest

from tests.security.api_support import SYSTEM
from survey_engine.errors import Invalid
from survey_engine.services import reports, responses
from survey_engine.services.policy import Principal, Role
from tests.survey_samples import FULL_2024, V2024, setup_round

OTHER = {**FULL_2024, "policy": "nej", "ansvar": "nej", "risk": "ja", "mal": "ja", "antal": 10}


async def _round(units, submitted):
    rnd = await setup_round(V2024, units)
    for code in submitted:
        state, _ = await responses.start_response(rnd.id, code, actor=SYSTEM)
        state = await responses.save_answers(state.id, state.revision, FULL_2024 if code == "own" else OTHER,
                                             actor=SYSTEM)
        await responses.submit_response(state.id, actor=SYSTEM)
    return rnd.id


def _me() -> Principal:
    return Principal("resp", Role.RESPONDENT, frozenset({"own"}))


@pytest.mark.parametrize("others", [1, 2])
async def test_median_is_withheld_with_too_few_other_units(db, others):
    units = ["own"] + [f"u{i}" for i in range(others)]
    rid = await _round(units, units)
    doc = json.loads((await reports.unit_report(rid, "own", "json", actor=_me()))[0])
    for area in doc["areas"]:
        assert area["city_median_level"] is None and area["city_median_percent"] is None, area
        assert area["city_median_suppressed"] is True
    assert "för få enheter" in doc["city"]["note"]
    html = (await reports.unit_report(rid, "own", "html", actor=_me()))[0].decode()
    assert "för få enheter" in html
    csv_text = (await reports.unit_report(rid, "own", "csv", actor=_me()))[0].decode()
    assert "för få enheter" in csv_text
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO((await reports.unit_report(rid, "own", "xlsx", actor=_me()))[0]))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "för få enheter" in cells


async def test_median_is_shown_with_enough_other_units(db):
    units = ["own", "u0", "u1", "u2"]
    rid = await _round(units, units)
    doc = json.loads((await reports.unit_report(rid, "own", "json", actor=_me()))[0])
    assert all(a["city_median_level"] is not None for a in doc["areas"] if a["assessed"])


async def test_min_group_size_is_configurable(db, monkeypatch):
    units = ["own", "u0", "u1", "u2"]
    rid = await _round(units, units)
    monkeypatch.setenv("MIN_GROUP_SIZE", "4")
    doc = json.loads((await reports.unit_report(rid, "own", "json", actor=_me()))[0])
    assert all(a["city_median_level"] is None for a in doc["areas"])


async def test_anonymised_export_refuses_too_few_units(db):
    rid = await _round(["own", "u0"], ["own", "u0"])
    with pytest.raises(Invalid, match="För få enheter"):
        await reports.anonymised(rid)
