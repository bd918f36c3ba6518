"""Shared answers on the pages (docs/shared-answers.md): the served unit's area page shows
the provider's answer read-only with "Besvaras av …", its own answer needs a reason, it
can go back to the provider's; the configuration page is for admins and analysts."""
import json
import re

from survey_engine.services import provided, responses
from survey_engine.services.policy import Principal, Role
from tests.ui.ui_site import system


def _resp(unit: str) -> Principal:
    return Principal(f"{unit}.svar", Role.RESPONDENT, frozenset({unit}), via="cli")


async def _share(site):
    """skola answers the drift area for kultur and miljo; kultur has started."""
    await provided.set_provider(site.round_id, "skola", "area:drift", ["kultur", "miljo"], actor=system())
    p, _ = await responses.start_response(site.round_id, "skola", actor=_resp("skola"))
    await responses.save_answers(p.id, p.revision, {"utbildade": 85, "ovningar": ["kris"]},
                                 comments={"utbildade": "Från lärplattformen"}, evidence={"ovningar": "Övningsrapport 2026"},
                                 actor=_resp("skola"))
    mine, _ = await responses.start_response(site.round_id, "kultur", actor=_resp("kultur"))
    return mine.id


async def test_served_unit_sees_provided_answer_and_overrides_with_a_reason(site, browser):
    rid = await _share(site)
    b = await browser("resp-kultur")
    page = await b.get(f"/svar/{rid}/omrade/drift")
    assert page.status_code == 200
    assert page.text.count("Besvaras av Skolförvaltningen") == 3  # the three questions of the area
    assert "85 %" in page.text and "Från lärplattformen" in page.text and "Övningsrapport 2026" in page.text
    assert 'name="a:utbildade"' not in page.text  # not an input of the area form
    assert "Svara själva i stället" in page.text
    revision = re.search(r'id="revision" value="(\d+)"|name="revision" value="(\d+)" id="revision"', page.text)
    rev = next(g for g in revision.groups() if g)
    # the area form (autosave) leaves the provided questions alone, even when a field is forged
    r = await b.post(f"/svar/{rid}/omrade/drift", {"revision": rev, "a:kommentar": "egen text"})
    assert r.status_code == 303, r.text
    # an own answer without a reason is refused at the question, nothing is saved
    r = await b.post(f"/svar/{rid}/delat/utbildade", {"revision": rev, "oa:utbildade": "40", "reason": "  "})
    assert r.status_code == 422 and "Ange ett skäl" in r.text and "aria-invalid" in r.text
    assert 'value="40"' in r.text  # what was typed is kept
    r = await b.post(f"/svar/{rid}/delat/utbildade", {"revision": rev, "oa:utbildade": "4O", "reason": "x"})
    assert r.status_code == 422 and "Skriv ett tal" in r.text
    r = await b.post(f"/svar/{rid}/delat/utbildade", {"revision": rev, "oa:utbildade": "40",
                                                      "reason": "Vi har egen personal som inte finns i lärplattformen"})
    assert r.status_code == 303
    page = await b.get(f"/svar/{rid}/omrade/drift")
    assert page.text.count("Besvaras av Skolförvaltningen") == 2
    assert "Eget svar" in page.text and "egen personal" in page.text and 'name="a:utbildade"' in page.text
    assert 'value="40"' in page.text
    printed = await b.get(f"/svar/{rid}/utskrift")
    assert "Eget svar i stället för Skolförvaltningens" in printed.text and "Besvaras av Skolförvaltningen" in printed.text
    # another unit's respondent can neither override nor go back for kultur
    other = await browser("resp-miljo")
    await other.get("/mina-enkater")
    r = await other.post(f"/svar/{rid}/delat/ovningar", {"revision": rev, "oa:ovningar": "kris", "reason": "x"})
    assert r.status_code == 403
    r = await other.post(f"/svar/{rid}/delat/utbildade/tillbaka", {})
    assert r.status_code == 403
    # back to the provider's answer
    r = await b.post(f"/svar/{rid}/delat/utbildade/tillbaka", {"revision": rev})
    assert r.status_code == 303
    page = await b.get(f"/svar/{rid}/omrade/drift")
    assert page.text.count("Besvaras av Skolförvaltningen") == 3 and "egen text" not in page.text
    # the history page data says where the answer came from
    api = await b.get(f"/api/v1/responses/{rid}/history?question=utbildade")
    actors = [i["actor"] for i in api.json()["items"]]
    assert actors[0].startswith("provided:skola:") and actors[-1].startswith("provided:skola:")


async def test_configuration_page_for_admins_and_analysts(site, browser):
    await provided.set_provider(site.round_id, "skola", "area:drift", ["kultur"], actor=system())
    analyst = await browser("analytiker")
    page = await analyst.get(f"/delade-svar/{site.round_id}")
    assert page.status_code == 200 and "Skolförvaltningen (skola)" in page.text and "Kulturförvaltningen" in page.text
    r = await analyst.post(f"/delade-svar/{site.round_id}", {"provider": "skola", "selector": "area:okant"})
    assert r.status_code == 422 and "styrning, drift" in r.text
    r = await analyst.post(f"/delade-svar/{site.round_id}", [("provider", "skola"), ("selector", "area:drift"),
                                                            ("served", "miljo")])
    assert r.status_code == 303
    page = await analyst.get(f"/delade-svar/{site.round_id}")
    assert "Kulturförvaltningen, Miljöförvaltningen" in page.text
    r = await analyst.post(f"/delade-svar/{site.round_id}/ta-bort", {"provider": "skola", "selector": "area:drift"})
    assert r.status_code == 303
    assert "Inga delade svar" in (await analyst.get(f"/delade-svar/{site.round_id}")).text
    auditor = await browser("revisor")
    page = await auditor.get(f"/delade-svar/{site.round_id}")
    assert page.status_code == 200 and "Sluta dela" not in page.text and "Låt en förvaltning" not in page.text
    r = await auditor.post(f"/delade-svar/{site.round_id}", {"provider": "skola", "selector": "area:drift"})
    assert r.status_code == 403
    resp = await browser("resp-kultur")
    assert (await resp.get(f"/delade-svar/{site.round_id}")).status_code == 403
    log = await (await browser("admin")).get("/granskning/logg?handelse=provided.")
    assert log.text.count("provided.set") >= 2 and "provided.remove" in log.text


async def test_summary_says_which_questions_wait_for_the_provider(site, browser):
    await provided.set_provider(site.round_id, "skola", "area:drift", ["kultur"], actor=system())
    mine, _ = await responses.start_response(site.round_id, "kultur", actor=_resp("kultur"))
    b = await browser("resp-kultur")
    summary = await b.get(f"/svar/{mine.id}/sammanfattning")
    assert summary.text.count("besvaras av Skolförvaltningen, som inte har svarat än") == 2  # the two required ones
    area = await b.get(f"/svar/{mine.id}/omrade/drift")
    assert area.text.count("inte besvarad än av Skolförvaltningen") == 3


async def _villkor_round(site) -> tuple[int, int]:
    """A round of the VILLKOR questionnaire: skola answers `backup` (tag it-drift) for
    kultur with nej; `aterlasning` (kultur's own) shows only when backup is ja or delvis."""
    from tests.helpers.provided import VILLKOR
    from survey_engine.services import questionnaires, rounds

    await questionnaires.publish_questionnaire(VILLKOR, actor=system(), source="villkor.yaml")
    rnd = await rounds.create_round("Villkor 2026", "villkor", "2026.1", ["kultur", "skola"], actor=system())
    await rounds.open_round(rnd.id, actor=system())
    await provided.set_provider(rnd.id, "skola", "tag:it-drift", ["kultur"], actor=system())
    p, _ = await responses.start_response(rnd.id, "skola", actor=_resp("skola"))
    p = await responses.save_answers(p.id, p.revision, {"backup": "nej"}, actor=_resp("skola"))
    mine, _ = await responses.start_response(rnd.id, "kultur", actor=_resp("kultur"))
    return p.id, mine.id


def _section_hidden(html: str, dom: str) -> bool:
    tag = re.search(r'<section [^>]*id="' + dom + r'"[^>]*>', html)
    assert tag, dom
    return bool(re.search(r"\shidden(?=[\s>])", tag.group(0)))


async def test_show_if_on_a_provided_question_sees_the_providers_answer(site, browser):
    pid, rid = await _villkor_round(site)
    b = await browser("resp-kultur")
    page = await b.get(f"/svar/{rid}/omrade/drift")
    assert page.status_code == 200 and "Besvaras av Skolförvaltningen" in page.text
    assert _section_hidden(page.text, "q-backup") is False
    assert _section_hidden(page.text, "q-aterlasning") is True  # skola said nej
    # the page's script reads the provided answer from its data (there is no input for it)
    data = json.loads(re.search(r'<script type="application/json" id="survey-data">(.*?)</script>',
                                page.text, re.S).group(1))
    assert data["others"] == {"backup": "nej"}
    # skola changes to ja (through its page; with PostgreSQL the services belong to the
    # test client's loop once a browser is open): the question shows
    admin = await browser("admin")
    theirs = await admin.get(f"/svar/{pid}/omrade/drift")
    r = await admin.post(f"/svar/{pid}/omrade/drift", {"revision": _revision(theirs.text), "a:backup": "ja"})
    assert r.status_code == 303, r.text
    page = await b.get(f"/svar/{rid}/omrade/drift")
    assert _section_hidden(page.text, "q-aterlasning") is False
    data = json.loads(re.search(r'id="survey-data">(.*?)</script>', page.text, re.S).group(1))
    assert data["others"] == {"backup": "ja"}
    summary = await b.get(f"/svar/{rid}/sammanfattning")
    assert "Provas återläsning av säkerhetskopiorna?" in summary.text
    summary = await b.get(f"/svar/{rid}/sammanfattning")
    assert "Provas återläsning av säkerhetskopiorna?" in summary.text
    # the area form (which has no field for backup) saves the dependent answer: it counts
    r = await b.post(f"/svar/{rid}/omrade/drift", {"revision": _revision(page.text),
                                                   "a:aterlasning": "ja", "a:rutin": "ja"})
    assert r.status_code == 303, r.text
    summary = await b.get(f"/svar/{rid}/sammanfattning")
    assert "Provas återläsning av säkerhetskopiorna?" not in summary.text
    r = await b.post(f"/svar/{rid}/skicka-in", {"revision": _revision(summary.text), "confirm": "yes"})
    assert r.status_code == 303, r.text
    result = await b.get(f"/svar/{rid}/utskrift")
    assert "Besvaras av Skolförvaltningen" in result.text


def _revision(html: str) -> str:
    found = re.search(r'name="revision" value="(\d+)"|id="revision" value="(\d+)"', html)
    return next(g for g in found.groups() if g)
