"""Report downloads by role, trends over two rounds, and every area of the flagship
questionnaire rendered and saved through the pages."""
from __future__ import annotations

import re

import pytest

from tests.ui.test_ui_respondent import revision_of, start
from tests.ui.test_ui_roles import answered_response
from tests.ui.ui_site import PASSWORD, system
from tests.helpers.auth import ensure_units



async def test_report_downloads_follow_the_roles(browser, site):
    await answered_response(browser, site, "kultur", "resp-kultur", submit=True)
    analyst = await browser("analytiker")
    r = await analyst.get(f"/analys/omgang/{site.round_id}/enhet/kultur/rapport/html")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    r = await analyst.get(f"/analys/omgang/{site.round_id}/rapport/pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    own = await browser("resp-kultur")
    r = await own.get(f"/analys/omgang/{site.round_id}/enhet/kultur/rapport/pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    other = await browser("resp-miljo")
    r = await other.get(f"/analys/omgang/{site.round_id}/enhet/kultur/rapport/pdf")
    assert r.status_code == 403
    r = await other.get(f"/analys/omgang/{site.round_id}/rapport/html")
    assert r.status_code == 403
    planner = await browser("planerare")
    r = await planner.get(f"/analys/omgang/{site.round_id}/rapport/xlsx")
    assert r.status_code == 403


async def test_trends_over_two_rounds(browser, site):
    from survey_engine.services import rounds

    second = await rounds.create_round("Omgång 2028", "ui-test", "2026.1", ["kultur"], actor=system())
    await rounds.open_round(second.id, actor=system())
    await answered_response(browser, site, "kultur", "resp-kultur", submit=True)
    b = await browser("resp-kultur")
    await b.get("/mina-enkater")
    r = await b.post("/mina-enkater/starta", {"round": str(second.id), "unit": "kultur"})
    rid = int(re.search(r"/svar/(\d+)", r.headers["location"]).group(1))
    page = await b.get(f"/svar/{rid}/omrade/styrning")
    await b.post(f"/svar/{rid}/omrade/styrning", {"revision": revision_of(page.text), "a:policy": "ja",
                                                  "a:policy-oversyn": "ja", "a:risk": "ja"})
    analyst = await browser("analytiker")
    r = await analyst.get("/analys/trender?enhet=kultur&enkat=ui-test")
    assert r.status_code == 200
    assert "Omgång 2026" in r.text and "Omgång 2028" in r.text
    assert r.text.count('<svg role="img"') == 2  # the city line and kultur's chart


async def test_flagship_areas_render_and_save(browser, db, questionnaires_dir):
    from survey_engine.services import users as auth_service
    from survey_engine.services import questionnaires, rounds, units

    actor = system()
    text = (questionnaires_dir / "mcf-cybersakerhet" / "2026.1.yaml").read_text(encoding="utf-8")
    await questionnaires.publish_questionnaire(text, actor=actor, source="2026.1.yaml")
    await units.create_unit("stad", "Stadskontoret", actor=actor)
    rnd = await rounds.create_round("MCF 2026", "mcf-cybersakerhet", "2026.1", ["stad"], actor=actor)
    await rounds.open_round(rnd.id, actor=actor)
    await ensure_units("stad")
    await auth_service.create_user(actor, "resp-stad", "respondent", password=PASSWORD, units=["stad"])
    b = await browser("resp-stad")
    await b.get("/mina-enkater")
    r = await b.post("/mina-enkater/starta", {"round": str(rnd.id), "unit": "stad"})
    rid = int(re.search(r"/svar/(\d+)", r.headers["location"]).group(1))
    q = questionnaires.parse_source(text)
    for area in q.areas:
        r = await b.get(f"/svar/{rid}/omrade/{area.id}")
        assert r.status_code == 200, area.id
        # answer the first option of every visible choice question of the area
        fields = {"revision": revision_of(r.text)}
        for question in area.questions:
            if question.type == "choice" and f'id="q-{question.id.replace(".", "_")}"' in r.text:
                fields[f"a:{question.id}"] = q.scale_of(question).options[0].value
        r = await b.post(f"/svar/{rid}/omrade/{area.id}", fields)
        assert r.status_code == 303, (area.id, r.text[:2000])
    r = await b.get(f"/svar/{rid}/resultat")
    assert r.status_code == 200 and '<svg role="img"' in r.text
    assert len(re.findall(r"<tr data-area=", r.text)) == len(q.areas)
