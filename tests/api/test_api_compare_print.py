"""The comparison export and the printable answers through the API (issue 13,
docs/web-pages.md "Comparison export" and "Printable answers"): the same service as the
pages, permission-checked, audited, formula-safe; refusals in the API's error shape."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.helpers.auth import bearer_clients
from survey_engine.services import audit, responses
from survey_engine.services.access import system_actor
from tests.survey_samples import FULL_2024, V2024, setup_round

SYSTEM = system_actor("tests")


async def _seed() -> dict:
    """Unit a a draft with a hostile comment and no answer to `mal`, b submitted."""
    rnd = await setup_round(V2024, ("a", "b"))
    ids = {}
    for code in ("a", "b"):
        state, _ = await responses.start_response(rnd.id, code, actor=SYSTEM)
        answers = dict(FULL_2024, antal=72.5) if code == "a" else FULL_2024
        if code == "a":
            answers.pop("mal")
        state = await responses.save_answers(state.id, state.revision, answers,
                                             comments={"policy": "=HYPERLINK(\"x\")"}, actor=SYSTEM)
        ids[code] = state.id
    await responses.submit_response(ids["b"], actor=SYSTEM)
    return {"round": rnd.id, "responses": ids}


async def test_comparison_export_csv_and_xlsx_by_role(db):
    seeded = await _seed()
    url = f"/api/v1/rounds/{seeded['round']}/comparison"  # .csv | .xlsx
    async with bearer_clients() as client_as:
        analyst = await client_as("analyst")
        r = await analyst.get(url + ".csv", params={"sort": "-percent"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert 'filename="jamforelse-omgang' in r.headers["content-disposition"]
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert rows[0][:4] == ["unit", "name", "status", "draft"] and "styr.percent" in rows[0]
        assert {(x[0], x[2], x[3]) for x in rows[1:]} == {("a", "draft", "true"), ("b", "submitted", "false")}
        percents = [float(x[7]) for x in rows[1:]]
        assert percents == sorted(percents, reverse=True)

        r = await analyst.get(url + ".xlsx", params={"lang": "sv"})
        assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
        sheet = [list(x) for x in load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True)]
        assert sheet[0][:4] == ["Förvaltningskod", "Förvaltning", "Svarsstatus", "Utkast"]
        assert {x[0]: (x[2], x[3]) for x in sheet[1:]} == {"a": ("Utkast", "Ja"), "b": ("Inskickad", "Nej")}
        assert all(v is None or not isinstance(v, float) or round(v, 1) == v for x in sheet[1:] for v in x)
        r = await analyst.get(url + ".xlsx", params={"lang": "en"})
        sheet = [list(x) for x in load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True)]
        assert sheet[0][:4] == ["Unit code", "Unit", "Response status", "Draft"]

        r = await analyst.get(url + ".pdf")
        assert r.status_code == 404 and "detail" in r.json()
        r = await analyst.get(url + ".csv", params={"lang": "de"})  # csv has no language; unknown params are ignored
        assert r.status_code == 200
        r = await analyst.get(url + ".xlsx", params={"lang": "de"})
        assert r.status_code == 400 and "detail" in r.json()
        r = await analyst.get(f"/api/v1/rounds/999999/comparison.csv")
        assert r.status_code == 404 and "detail" in r.json()
        for role, units in (("planner", ()), ("respondent", ("a",))):
            other = await client_as(role, list(units))
            r = await other.get(url + ".csv")
            assert r.status_code == 403, (role, r.text)
    events = await audit.list_events(audit.AuditFilter(action="report.compare"))
    assert {e.details["format"] for e in events} == {"csv", "xlsx"}


async def test_printable_answers_own_unit_only(db):
    seeded = await _seed()
    a = seeded["responses"]["a"]
    async with bearer_clients() as client_as:
        own = await client_as("respondent", ["a"])
        r = await own.get(f"/api/v1/responses/{a}/printable")
        assert r.status_code == 200, r.text
        copy = r.json()
        assert copy["response"]["unit"] == "a" and copy["response"]["status"] == "draft"
        rows = {q["id"]: q for area in copy["areas"] for q in area["questions"]}
        assert [area["id"] for area in copy["areas"]] == ["styr", "drift"]
        assert rows["policy"]["answer"] == "Ja" and rows["policy"]["comment"] == "=HYPERLINK(\"x\")"
        assert rows["mal"] == {**rows["mal"], "answered": False, "answer": "Inte besvarad"}
        assert rows["antal"]["answer"] == "72,5 %"
        r = await own.get(f"/api/v1/responses/{a}/printable", params={"lang": "en"})
        rows = {q["id"]: q for area in r.json()["areas"] for q in area["questions"]}
        assert rows["mal"]["answer"] == "Not answered" and rows["antal"]["answer"] == "72.5 %"
        other = await client_as("respondent", ["b"])
        r = await other.get(f"/api/v1/responses/{a}/printable")
        assert r.status_code == 403 and "detail" in r.json()
        analyst = await client_as("analyst")
        assert (await analyst.get(f"/api/v1/responses/{a}/printable")).status_code == 200
        assert (await analyst.get("/api/v1/responses/999999/printable")).status_code == 404
        r = await analyst.get(f"/api/v1/responses/{a}/printable", params={"lang": "de"})
        assert r.status_code == 400
