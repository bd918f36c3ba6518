"""Approved-only on every analysis page that counts responses (docs/sign-off.md): the
comparison's downloads and unit links carry the toggle, the unit page's report links
and the unit report say so, and the trends page's city line has its own toggle. The
data is prepared through the services before the first browser opens."""
import csv
import io

from survey_engine.services import responses, signoff
from survey_engine.services.access import system_actor

ANSWERS = {"policy": "ja", "policy-oversyn": "ja", "risk": "delvis", "utbildade": 90, "ovningar": ["kris"]}


async def _prepare(site) -> None:
    """kultur submitted and approved, miljo submitted and waiting."""
    actor = system_actor("tests")
    for code in ("kultur", "miljo"):
        state, _ = await responses.start_response(site.round_id, code, actor=actor)
        state = await responses.save_answers(state.id, state.revision, ANSWERS, actor=actor)
        state = await responses.submit_response(state.id, actor=actor)
        if code == "kultur":
            await signoff.approve(state.id, actor=actor)


async def test_approved_only_reaches_downloads_unit_reports_and_trends(site, browser):
    await _prepare(site)
    analyst = await browser("analytiker")
    rid = site.round_id
    page = await analyst.get(f"/analys/omgang/{rid}/jamforelse?godkanda=1&sort=-percent")
    assert page.status_code == 200
    assert f"/analys/omgang/{rid}/jamforelse/csv?sort=-percent&amp;godkanda=1" in page.text
    assert f"/analys/omgang/{rid}/enhet/kultur?godkanda=1" in page.text
    assert 'data-unit="kultur"' in page.text and 'data-stage="approved"' in page.text
    assert 'data-stage="submitted"' in page.text  # the same stages as the files
    plain = await analyst.get(f"/analys/omgang/{rid}/jamforelse")
    assert "godkanda=1" not in plain.text.split('id="compare-table"')[1]

    r = await analyst.get(f"/analys/omgang/{rid}/jamforelse/csv?godkanda=1")
    assert r.status_code == 200 and "-godkanda.csv" in r.headers["content-disposition"]
    rows = {x["unit"]: x for x in csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")))}
    assert (rows["kultur"]["stage"], rows["kultur"]["counted"]) == ("approved", "true")
    assert (rows["miljo"]["stage"], rows["miljo"]["counted"]) == ("submitted", "false")

    unit = await analyst.get(f"/analys/omgang/{rid}/enhet/kultur?godkanda=1")
    assert unit.status_code == 200 and "stadens median över godkända svar" in unit.text
    assert f"/analys/omgang/{rid}/enhet/kultur/rapport/html?godkanda=1" in unit.text
    assert "godkända svar" not in (await analyst.get(f"/analys/omgang/{rid}/enhet/kultur")).text
    report = await analyst.get(f"/analys/omgang/{rid}/enhet/kultur/rapport/html?godkanda=1")
    assert report.status_code == 200 and "med godkända svar" in report.text
    report = await analyst.get(f"/analys/omgang/{rid}/enhet/kultur/rapport/html")
    assert "med godkända svar" not in report.text and "med inskickade svar" in report.text

    trends = await analyst.get("/analys/trender?godkanda=1")
    assert trends.status_code == 200 and 'data-approved-only="true"' in trends.text
    assert 'id="godkanda" name="godkanda" value="1" checked' in trends.text
    assert "Staden (medelvärde, godkända svar)" in trends.text
    trends = await analyst.get("/analys/trender")
    assert 'data-approved-only="false"' in trends.text and "Staden (medelvärde, inskickade svar)" in trends.text
