"""Evidence files on the survey pages (docs/evidence.md, "On the pages"): upload per
question with the CSRF token, the list with download and delete links, delete asks
first, refusals as a page that names the file and the reason; readers only read,
another unit gets 403."""
from __future__ import annotations

import re

from tests.helpers.evidence_files import exe_bytes, pdf_bytes, png_bytes
from tests.ui.test_ui_roles import answered_response

XSS_NAME = '<img src=x onerror=alert(1)>.png'


async def _upload(b, rid, question, name, data, mime="application/octet-stream", area="styrning"):
    await b.get(f"/svar/{rid}/omrade/{area}")  # the CSRF token of the page
    return await b.post(f"/svar/{rid}/bilagor", {"question": question, "area": area},
                        files={"file": (name, data, mime)})


async def test_upload_list_download_delete_on_the_survey_page(browser, site):
    rid = await answered_response(browser, site, "kultur", "resp-kultur")
    b = await browser("resp-kultur")
    page = await b.get(f"/svar/{rid}/omrade/styrning")
    assert 'form="q-policy-upload"' in page.text and 'id="q-policy-upload"' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    r = await _upload(b, rid, "policy", "Policy 2026 – beslutad.pdf", pdf_bytes())
    assert r.status_code == 303 and r.headers["location"].startswith(f"/svar/{rid}/omrade/styrning?ok=")
    assert r.headers["location"].endswith("#q-policy-files")
    page = await b.get(r.headers["location"].split("#")[0])
    assert "Policy 2026 – beslutad.pdf är uppladdad" in page.text
    link = re.search(rf'<a href="(/svar/{rid}/bilagor/(\d+))">Policy 2026 – beslutad.pdf</a>', page.text)
    assert link, page.text
    got = await b.get(link.group(1))
    assert got.status_code == 200 and got.content == pdf_bytes()
    assert got.headers["content-disposition"].startswith('attachment; filename="Policy 2026 _ beslutad.pdf"')
    assert got.headers["x-content-type-options"] == "nosniff"

    # delete asks first, on its own page (no JavaScript needed)
    ask = await b.get(f"{link.group(1)}/ta-bort?omrade=styrning")
    assert ask.status_code == 200 and "Ta bort filen?" in ask.text and "Ja, ta bort filen" in ask.text
    assert "Finns en fastställd informationssäkerhetspolicy?" in ask.text
    r = await b.post(f"{link.group(1)}/ta-bort", {"area": "styrning"})
    assert r.status_code == 303
    page = await b.get(f"/svar/{rid}/omrade/styrning")
    assert "Policy 2026 – beslutad.pdf" not in page.text


async def test_refusals_name_the_file_and_what_to_do(browser, site):
    rid = await answered_response(browser, site, "kultur", "resp-kultur")
    b = await browser("resp-kultur")
    r = await _upload(b, rid, "policy", "avtal.pdf", exe_bytes())
    assert r.status_code == 415
    assert "avtal.pdf" in r.text and "Windows-program" in r.text and "Spara dokumentet som" in r.text
    assert f'href="/svar/{rid}/omrade/styrning#q-policy-files"' in r.text
    big = b"%PDF-" + b"0" * (10 * 1024 * 1024 + 10)
    r = await _upload(b, rid, "policy", "stor.pdf", big)
    assert r.status_code == 413 and "10 MB" in r.text
    r = await _upload(b, rid, "policy", "större.pdf", b"%PDF-" + b"0" * (11 * 1024 * 1024))  # over the body limit
    assert r.status_code == 413 and "högst 10 MB per fil" in r.text and "Tillbaka till frågan" in r.text
    r = await _upload(b, rid, "policy", "tom.txt", b"")
    assert r.status_code in (415, 422)
    # without the CSRF token nothing is stored
    r = await b.post(f"/svar/{rid}/bilagor", {"question": "policy", "area": "styrning"}, csrf=False,
                     files={"file": ("p.pdf", pdf_bytes(), "application/pdf")})
    assert r.status_code == 403
    page = await b.get(f"/svar/{rid}/omrade/styrning")
    assert "Bifogade filer (" not in page.text


async def test_names_are_escaped_and_readers_only_read(browser, site):
    rid = await answered_response(browser, site, "kultur", "resp-kultur")
    b = await browser("resp-kultur")
    assert (await _upload(b, rid, "risk", XSS_NAME, png_bytes())).status_code == 303
    page = await b.get(f"/svar/{rid}/omrade/styrning")
    assert "<img src=x" not in page.text and "_img src=x onerror=alert(1)_.png" in page.text
    file_id = re.search(rf'/svar/{rid}/bilagor/(\d+)"', page.text).group(1)

    # a page shown again after an error keeps the files
    page = await b.get(f"/svar/{rid}/omrade/drift")
    revision = re.search(r'name="revision" value="(\d+)"', page.text).group(1)
    assert (await _upload(b, rid, "utbildade", "intyg.txt", b"intyg\n", area="drift")).status_code == 303
    again = await b.post(f"/svar/{rid}/omrade/drift", {"revision": revision, "a:utbildade": "många"})
    assert again.status_code == 422 and "intyg.txt" in again.text

    printed = await b.get(f"/svar/{rid}/utskrift")
    assert "Bifogade filer:" in printed.text and "_img src=x onerror=alert(1)_.png (PNG," in printed.text

    auditor = await browser("revisor")
    page = await auditor.get(f"/svar/{rid}/omrade/styrning")
    assert page.status_code == 200 and f"/svar/{rid}/bilagor/{file_id}" in page.text
    assert "Ladda upp" not in page.text and "/ta-bort" not in page.text
    assert (await auditor.get(f"/svar/{rid}/bilagor/{file_id}")).content == png_bytes()
    r = await auditor.post(f"/svar/{rid}/bilagor/{file_id}/ta-bort", {"area": "styrning"})
    assert r.status_code == 403

    other = await browser("resp-miljo")
    assert (await other.get(f"/svar/{rid}/bilagor/{file_id}")).status_code == 403
    r = await _upload(other, rid, "policy", "x.pdf", pdf_bytes())
    assert r.status_code == 403
    # a file id under another response's address is refused (its unit is checked first) ...
    own = await answered_response(browser, site, "miljo", "resp-miljo")
    assert (await other.get(f"/svar/{own}/bilagor/{file_id}")).status_code == 403
    # ... and for someone who may read both, it is not found there
    assert (await auditor.get(f"/svar/{own}/bilagor/{file_id}")).status_code == 404
