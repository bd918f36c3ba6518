"""/api/v1/indicators: publish, multipart and raw CSV import with line-by-line 422s,
show, series, lagging, acting, the unit's figures and the measured-value button."""
from __future__ import annotations

from tests.indicators.indicator_samples import ADMIN, PERSON_IDS, PERSONS_CSV, SMALL, setup_units

API = "/api/v1/indicators"


async def test_publish_import_show_over_the_api(client_as):
    await setup_units()
    admin = await client_as("analyst")
    r = await admin.post(API, content=SMALL.replace("target: 0.9", "target: nio").encode(),
                         headers={"Content-Type": "application/yaml"})
    assert r.status_code == 422 and r.json()["errors"][0]["line"] > 1
    r = await admin.post(API, json={"source": SMALL})
    assert r.status_code == 201 and r.json()["created"] is True
    r = await admin.post(API, json={"source": SMALL})
    assert r.status_code == 200 and r.json()["created"] is False
    # multipart upload of person rows, period as a form field
    r = await admin.post(f"{API}/kurs/measurements", files={"file": ("export.csv", PERSONS_CSV.encode(), "text/csv")},
                         data={"period": "2026-03"})
    assert r.status_code == 200, r.text
    assert r.json()["rows"] == 2 and r.json()["layout"] == "persons"
    assert not any(pid in r.text for pid in PERSON_IDS)
    # raw CSV body, one bad line: 422 naming lines and columns, nothing stored
    bad = "unit,period,numerator,denominator\nSF1,2026-03,5,10\nSF2,2026-3,5,10\nSF2,2026-03,11,10\n"
    r = await admin.post(f"{API}/kurs/measurements", content=bad.encode(), headers={"Content-Type": "text/csv"})
    assert r.status_code == 422
    assert [(e["line"], e["field"]) for e in r.json()["errors"]] == [(3, "period"), (4, "numerator")]
    r = await admin.post(f"{API}/kurs/measurements", files={"nofile": ("x.csv", b"", "text/csv")})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "file"
    r = await admin.get(f"{API}/kurs")
    assert r.status_code == 200
    data = r.json()
    assert data["series"][0]["units"] == {"KF": {"numerator": 1, "denominator": 4, "value": 0.25},
                                          "MF": {"numerator": 1, "denominator": 1, "value": 1.0}}
    assert data["series"][0]["total"]["denominator"] == 5
    r = await admin.get(f"{API}/kurs/series")
    assert r.status_code == 200 and r.json()["periods"] == ["2026-03"]
    units = {u["code"]: u for u in r.json()["units"]}
    assert units["K"]["figures"]["2026-03"]["denominator"] == 5 and not units["K"]["measured"]["2026-03"]
    r = await admin.get(f"{API}/okand")
    assert r.status_code == 404
    r = await admin.get(API)
    assert r.status_code == 200 and {i["id"] for i in r.json()} == {"kurs", "klick", "incidenter", "patchdagar"}
    r = await admin.get(f"{API}/kurs/lagging")
    assert r.status_code == 200 and [u["code"] for u in r.json()["units"]] == ["KF"]
    r = await admin.get(f"{API}/units/KF")
    assert r.status_code == 200 and r.json()[0]["period"] == "2026-03" and r.json()[0]["indicator"]["id"] == "kurs"
    planner = await client_as("planner")
    r = await planner.post(f"{API}/kurs/lagging/KF/action")
    assert r.status_code == 409 and "plan" in r.json()["detail"]


async def test_roles_over_the_api(client_as):
    await setup_units()
    from survey_engine.services import indicators

    await indicators.publish(SMALL, actor=ADMIN)
    await indicators.import_measurements("kurs", "unit,period,numerator,denominator\nKF,2026-01,1,2\nMF,2026-01,1,4\n",
                                         actor=ADMIN)
    respondent = await client_as("respondent", units=("KF",))
    r = await respondent.get(f"{API}/kurs")
    assert r.status_code == 200 and set(r.json()["series"][0]["units"]) == {"KF"}
    r = await respondent.get(f"{API}/kurs/series")
    assert {u["code"] for u in r.json()["units"]} == {"KF"}
    assert (await respondent.get(f"{API}/units/MF")).status_code == 403
    assert (await respondent.get(f"{API}/kurs/lagging")).status_code == 403
    assert (await respondent.post(f"{API}/kurs/measurements", content=b"x", headers={"Content-Type": "text/csv"})).status_code == 403
    planner = await client_as("planner")
    assert (await planner.post(API, json={"source": SMALL})).status_code == 403
    auditor = await client_as("auditor")
    assert (await auditor.get(f"{API}/kurs/lagging")).status_code == 200
    assert (await auditor.post(f"{API}/kurs/lagging/MF/action")).status_code == 403
