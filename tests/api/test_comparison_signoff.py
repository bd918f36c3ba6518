"""The sign-off state in the comparison export and its approved-only variant, through the
API (docs/sign-off.md, "The comparison export"): a machine-readable `stage` per unit in
the CSV, a Swedish (or English) "Status" in the Excel file, `approved_only=true` on both
routes (the `counted` column, the file name, the sheet's note, the audit event), and
neutralised cells."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.helpers.auth import bearer_clients
from survey_engine.services import audit, comparison, responses, signoff, units as units_service
from survey_engine.services.access import system_actor
from survey_engine.services.policy import Principal, Role
from survey_engine.services.units import UnitInput
from tests.survey_samples import FULL_2024, V2024, setup_round

ADMIN = system_actor("tests")
CHEF = Principal("chef", Role.APPROVER, frozenset({"a", "b", "c", "d", "e"}), via="cli")


async def _seed() -> int:
    """a approved, b submitted (awaiting), c returned, d a draft, e not started."""
    rnd = await setup_round(V2024, ("a", "b", "c", "d", "e"))
    # a name a spreadsheet would read as a formula: neutralised in both files
    await units_service.import_units([UnitInput("d", "=HYPERLINK(\"x\")", 10.0)], actor=ADMIN)
    ids = {}
    for code in ("a", "b", "c", "d"):
        state, _ = await responses.start_response(rnd.id, code, actor=ADMIN)
        state = await responses.save_answers(state.id, state.revision, FULL_2024, actor=ADMIN)
        ids[code] = state.id
        if code != "d":
            await responses.submit_response(state.id, actor=ADMIN)
    await signoff.approve(ids["a"], actor=CHEF)
    await signoff.return_response(ids["c"], "Komplettera.", actor=CHEF, notify=False)
    return rnd.id


def _csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _sheet(content: bytes) -> tuple[str, list[list]]:
    ws = load_workbook(io.BytesIO(content)).active
    return ws.title, [list(x) for x in ws.iter_rows(values_only=True)]


async def test_stage_per_unit_in_csv_and_excel(db):
    rid = await _seed()
    url = f"/api/v1/rounds/{rid}/comparison"
    async with bearer_clients() as client_as:
        analyst = await client_as("analyst")
        r = await analyst.get(url + ".csv")
        assert r.status_code == 200
        rows = _csv(r.content)
        assert list(rows[0])[:4] == ["unit", "name", "status", "draft"]  # the existing columns stay first
        assert {x["unit"]: x["stage"] for x in rows} == {"a": "approved", "b": "submitted", "c": "returned",
                                                          "d": "draft", "e": "not_started"}
        assert {x["unit"]: x["status"] for x in rows}["c"] == "reopened"
        assert {x["unit"]: x["counted"] for x in rows} == {"a": "true", "b": "true", "c": "false", "d": "false",
                                                            "e": "false"}
        assert {x["unit"]: x["name"] for x in rows}["d"].startswith("'=")  # neutralised
        assert 'filename="jamforelse-omgang%d.csv"' % rid in r.headers["content-disposition"]

        r = await analyst.get(url + ".xlsx")
        title, sheet = _sheet(r.content)
        head = sheet[0]
        assert title == "Jämförelse" and head[:4] == ["Förvaltningskod", "Förvaltning", "Svarsstatus", "Utkast"]
        status = head.index("Status")
        assert {x[0]: x[status] for x in sheet[1:]} == {"a": "Godkänd", "b": "Inskickad", "c": "Återsänd",
                                                         "d": "Utkast", "e": "Ej påbörjad"}
        assert {x[0]: x[1] for x in sheet[1:]}["d"].startswith("'=")
        r = await analyst.get(url + ".xlsx", params={"lang": "en"})
        _title, sheet = _sheet(r.content)
        status = sheet[0].index("Status")
        assert {x[0]: x[status] for x in sheet[1:]} == {"a": "Approved", "b": "Submitted", "c": "Returned",
                                                         "d": "Draft", "e": "Not started"}


def test_every_stage_has_words():
    assert set(comparison.STAGES) == {"not_started", "draft", "submitted", "approved", "returned"}
    assert comparison.stage_of("not_started", False, None) == "not_started"
    assert comparison.stage_of("reopened", False, None) == "draft"  # an administrator's reopen
    assert comparison.stage_of("reopened", False, "returned") == "returned"
    assert comparison.stage_of("submitted", True, "approved") == "approved"


async def test_approved_only_on_both_routes(db):
    rid = await _seed()
    url = f"/api/v1/rounds/{rid}/comparison"
    async with bearer_clients() as client_as:
        analyst = await client_as("analyst")
        r = await analyst.get(url + ".csv", params={"approved_only": "true"})
        assert r.status_code == 200
        assert 'filename="jamforelse-omgang%d-godkanda.csv"' % rid in r.headers["content-disposition"]
        rows = _csv(r.content)
        assert {x["unit"]: x["counted"] for x in rows} == {"a": "true", "b": "false", "c": "false", "d": "false",
                                                            "e": "false"}

        r = await analyst.get(url + ".xlsx", params={"approved_only": "true", "sort": "-percent"})
        title, sheet = _sheet(r.content)
        assert title == "Jämförelse (godkända)"
        assert "förvaltningschefen har godkänt" in sheet[-1][0]
        counted = sheet[0].index("Räknas i stadens siffror")
        assert {x[0]: x[counted] for x in sheet[1:] if x[0] and len(x) > counted and x[counted]} == {
            "a": "Ja", "b": "Nej", "c": "Nej", "d": "Nej", "e": "Nej"}
        r = await analyst.get(url + ".xlsx", params={"approved_only": "true", "lang": "en"})
        title, sheet = _sheet(r.content)
        assert title == "Comparison (approved)" and "approved by the head" in sheet[-1][0]

        r = await analyst.get(url + ".csv", params={"approved_only": "kanske"})
        assert r.status_code == 400 and "detail" in r.json()
        planner = await client_as("planner")
        assert (await planner.get(url + ".csv", params={"approved_only": "true"})).status_code == 403
    events = await audit.list_events(audit.AuditFilter(action="report.compare"))
    assert sorted(bool(e.details.get("approved_only")) for e in events) == [True, True, True]
