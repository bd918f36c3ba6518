"""The sign-off pages (docs/sign-off.md): the approver's list, the review page with its
approve and return forms (CSRF, a required comment, a confirmation for return), the
respondents' banner with the approver's comment, the overview's sign-off column and the
comparison's "only approved" toggle; the "returned" e-mail to a real SMTP server on
loopback. The data is prepared before the first browser opens; after that the test
reads the state through the pages only."""
import re

from tests.smtp_support import smtp  # noqa: F401
from survey_engine.services import contacts, responses
from survey_engine.services import users as auth_service
from survey_engine.services.access import system_actor
from tests.ui.ui_site import PASSWORD

ANSWERS = {"policy": "ja", "policy-oversyn": "ja", "risk": "delvis", "utbildade": 90, "ovningar": ["kris"]}


async def _prepare(site) -> dict[str, int]:
    actor = system_actor("tests")
    await auth_service.create_user(actor, "chef-kultur", "approver", password=PASSWORD, units=["kultur"])
    await contacts.replace_contacts([contacts.contact_input("kultur", "kultur@kommun.example.invalid", "")],
                                    actor=actor)
    ids = {}
    for code in ("kultur", "miljo"):
        state, _ = await responses.start_response(site.round_id, code, actor=actor)
        state = await responses.save_answers(state.id, state.revision, ANSWERS,
                                             comments={"risk": f"Riskanalys {code} pågår"}, actor=actor)
        ids[code] = (await responses.submit_response(state.id, actor=actor)).id
    return ids


def _revision(html: str) -> str:
    return re.search(r'name="revision" value="(\d+)"', html).group(1)


async def test_return_and_approve_through_the_pages(site, browser, smtp):
    ids = await _prepare(site)
    kultur, miljo = ids["kultur"], ids["miljo"]
    chef = await browser("chef-kultur")
    home = await chef.get("/", follow=True)
    assert home.status_code == 200 and "Svar att godkänna" in home.text and "Att godkänna" in home.text
    assert f'href="/godkannande/{kultur}"' in home.text and f'/godkannande/{miljo}"' not in home.text

    page = await chef.get(f"/godkannande/{kultur}")
    assert page.status_code == 200
    assert "Riskanalys kultur pågår" in page.text and "Godkänn svaret" in page.text and "Skicka tillbaka" in page.text
    assert 'id="return-confirm"' in page.text and "data-confirm" in page.text
    # another unit's response: refused, and its answers never shown
    other = await chef.get(f"/godkannande/{miljo}")
    assert other.status_code == 403 and "Riskanalys miljo" not in other.text
    assert (await chef.post(f"/godkannande/{miljo}/godkann", {})).status_code == 403
    # approvers never change answers
    assert (await chef.post(f"/svar/{kultur}/omrade/styrning", {"revision": "0"})).status_code in (403, 409)

    action = f"/godkannande/{kultur}/skicka-tillbaka"
    revision = _revision(page.text)
    r = await chef.post(action, {"comment": "Komplettera riskanalysen.", "confirm": "yes", "revision": revision},
                        csrf=False)
    assert r.status_code == 403
    r = await chef.post(action, {"comment": "Komplettera riskanalysen.", "revision": revision})
    assert r.status_code == 422 and "bekräfta" in r.text and "Komplettera riskanalysen." in r.text
    r = await chef.post(action, {"comment": "  ", "confirm": "yes", "revision": revision})
    assert r.status_code == 422 and "Skriv varför" in r.text
    r = await chef.post(action, {"comment": "Komplettera riskanalysen.\nBifoga beslutet.", "confirm": "yes",
                                 "revision": revision})
    assert r.status_code == 303, r.text
    page = await chef.get(r.headers["location"])
    assert 'data-state="returned"' in page.text and "Komplettera riskanalysen." in page.text
    # the e-mail is queued and sent after the redirect (web/mail_later.py): the notice says
    # so; the test client returns only once the background send has run
    assert "e-posten ligger i kön och skickas strax (1 mottagare)" in page.text
    mail = smtp.mailbox.to("kultur@kommun.example.invalid")
    assert len(mail) == 1 and "Komplettera riskanalysen." in mail[0].body

    # the respondents see why, on their list and in the survey
    respondent = await browser("resp-kultur")
    mine = await respondent.get("/mina-enkater")
    assert 'id="returned-' in mine.text and "Komplettera riskanalysen." in mine.text and "Återsänd" in mine.text
    summary = await respondent.get(f"/svar/{kultur}/sammanfattning")
    assert 'id="returned-banner"' in summary.text and "Bifoga beslutet." in summary.text
    assert (await respondent.get("/godkannande")).status_code == 403
    assert (await respondent.post(f"/godkannande/{kultur}/godkann", {})).status_code == 403
    # ... and submit again, which ends the banner and puts the response back in the queue
    r = await respondent.post(f"/svar/{kultur}/skicka-in", {"confirm": "yes", "revision": _revision(summary.text)})
    assert r.status_code == 303, r.text
    assert 'id="returned-' not in (await respondent.get("/mina-enkater")).text

    page = await chef.get(f"/godkannande/{kultur}")
    assert 'data-state="awaiting_approval"' in page.text
    r = await chef.post(f"/godkannande/{kultur}/godkann", {"comment": "Bra.", "revision": "1"})
    assert r.status_code == 409 and "ändrats sedan du läste" in r.text  # a stale revision
    r = await chef.post(f"/godkannande/{kultur}/godkann", {"comment": "Bra.", "revision": _revision(page.text)})
    assert r.status_code == 303
    page = await chef.get(f"/godkannande/{kultur}")
    assert 'data-state="approved"' in page.text and 'id="approved-notice"' in page.text and "Bra." in page.text
    assert 'badge-approved">Godkänd<' in (await respondent.get("/mina-enkater")).text

    # the analyst: the overview's sign-off column, the comparison's toggle, the audit trail
    analyst = await browser("analytiker")
    overview = await analyst.get(f"/analys/omgang/{site.round_id}")
    assert 'id="approved-count">1<' in overview.text
    assert 'data-stage="approved"' in overview.text and 'data-stage="submitted"' in overview.text
    compare = await analyst.get(f"/analys/omgang/{site.round_id}/jamforelse")
    assert 'data-counted="2"' in compare.text and 'id="godkanda"' in compare.text
    only = await analyst.get(f"/analys/omgang/{site.round_id}/jamforelse?godkanda=1")
    assert 'data-counted="1"' in only.text and 'data-approved-only="true"' in only.text
    assert "/rapport/html?godkanda=1" in only.text
    report = await analyst.get(f"/analys/omgang/{site.round_id}/rapport/html?godkanda=1")
    assert report.status_code == 200 and "godkända svar" in report.text
    admin = await browser("admin")
    log = await admin.get("/granskning/logg?action=response.")
    assert "Svar återsänt för ändringar" in log.text and "Svar godkänt av förvaltningschef" in log.text
