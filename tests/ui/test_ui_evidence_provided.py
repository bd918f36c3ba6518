"""A provider's evidence files on a served unit's pages (docs/shared-answers.md,
docs/evidence.md): listed under the provided answer with the provider's name and a
download link, no delete link; the download is refused for a unit that is not served;
every download is in the audit log in Swedish."""
from __future__ import annotations

import re

from tests.helpers.evidence_files import pdf_bytes
from survey_engine.services import evidence, provided, responses
from survey_engine.services.policy import Principal, Role
from tests.ui.ui_site import system


def _resp(unit: str) -> Principal:
    return Principal(f"{unit}.svar", Role.RESPONDENT, frozenset({unit}), via="cli")


async def _share(site):
    """skola answers the drift area for kultur (not miljo) and attaches a file to ovningar."""
    await provided.set_provider(site.round_id, "skola", "area:drift", ["kultur"], actor=system())
    p, _ = await responses.start_response(site.round_id, "skola", actor=_resp("skola"))
    item = await evidence.add_file(p.id, "ovningar", "Övningsrapport <2026>.pdf", pdf_bytes(), actor=_resp("skola"))
    mine, _ = await responses.start_response(site.round_id, "kultur", actor=_resp("kultur"))
    other, _ = await responses.start_response(site.round_id, "miljo", actor=_resp("miljo"))
    return mine.id, other.id, item


async def test_served_page_shows_the_providers_file_read_only(site, browser):
    rid, other_rid, item = await _share(site)
    b = await browser("resp-kultur")
    page = await b.get(f"/svar/{rid}/omrade/drift")
    assert page.status_code == 200
    link = f'<a href="/svar/{rid}/bilagor/{item["id"]}">Övningsrapport _2026_.pdf</a>'
    assert link in page.text
    assert "Bifogade filer från Skolförvaltningen" in page.text
    assert f'/bilagor/{item["id"]}/ta-bort' not in page.text  # no delete link
    got = await b.get(f"/svar/{rid}/bilagor/{item['id']}")
    assert got.status_code == 200 and got.content == pdf_bytes()
    assert got.headers["content-disposition"].startswith("attachment")
    # the delete page says it cannot, and the delete itself is refused
    confirm = await b.get(f"/svar/{rid}/bilagor/{item['id']}/ta-bort")
    assert confirm.status_code == 200 and 'Ja, ta bort filen' not in confirm.text
    await b.get(f"/svar/{rid}/omrade/drift")  # the CSRF token of the page
    r = await b.post(f"/svar/{rid}/bilagor/{item['id']}/ta-bort", {"area": "drift"})
    assert r.status_code == 403 and "Övningsrapport" in (await b.get(f"/svar/{rid}/omrade/drift")).text
    # the printable page names the file and its provider
    printed = await b.get(f"/svar/{rid}/utskrift")
    assert printed.status_code == 200
    assert "Övningsrapport _2026_.pdf" in printed.text and "från Skolförvaltningen" in printed.text
    # a unit that is not served sees nothing and cannot download, whatever the address
    m = await browser("resp-miljo")
    page = await m.get(f"/svar/{other_rid}/omrade/drift")
    assert "Övningsrapport" not in page.text
    assert (await m.get(f"/svar/{other_rid}/bilagor/{item['id']}")).status_code == 403
    assert (await m.get(f"/svar/{rid}/bilagor/{item['id']}")).status_code == 403
    # the downloads are in the audit log, in Swedish
    log = await (await browser("admin")).get("/granskning/logg?handelse=evidence.download")
    assert log.status_code == 200 and "Fil i underlaget hämtad" in log.text
    assert len(re.findall("Fil i underlaget hämtad", log.text)) >= 1
