"""Every page type for each role, refusals on the server, CSRF, and escaping."""
from __future__ import annotations

import re

import pytest

from tests.ui.test_ui_respondent import revision_of, start
from tests.ui.ui_site import PASSWORD


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


async def answered_response(browser, site, unit="kultur", user="resp-kultur", submit=False) -> int:
    b = await browser(user)
    rid = await start(b, site, unit)
    page = await b.get(f"/svar/{rid}/omrade/styrning")
    await b.post(f"/svar/{rid}/omrade/styrning", {"revision": revision_of(page.text), "a:policy": "ja",
                                                  "a:policy-oversyn": "ja", "a:risk": "delvis", "c:policy": XSS})
    page = await b.get(f"/svar/{rid}/omrade/drift")
    await b.post(f"/svar/{rid}/omrade/drift", {"revision": revision_of(page.text), "a:utbildade": "90",
                                               "a:ovningar": ["kris"], "a:kommentar": XSS})
    if submit:
        page = await b.get(f"/svar/{rid}/sammanfattning")
        r = await b.post(f"/svar/{rid}/skicka-in", {"revision": revision_of(page.text), "confirm": "yes"})
        assert r.status_code == 303
    return rid


async def test_anonymous_is_sent_to_login(browser, site):
    b = await browser()
    for url in ("/", "/mina-enkater", "/analys", "/admin", "/granskning/logg", "/svar/1/omrade/styrning"):
        r = await b.get(url)
        assert r.status_code == 303, url
        assert r.headers["location"].startswith("/logga-in"), url


async def test_wrong_password_and_throttling_message(browser, site):
    b = await browser()
    await b.get("/logga-in")
    r = await b.post("/logga-in", {"username": "resp-kultur", "password": "fel-lösenord-123"})
    assert r.status_code == 401 and 'role="alert"' in r.text and 'aria-invalid="true"' in r.text
    for _ in range(5):
        r = await b.post("/logga-in", {"username": "resp-kultur", "password": "fel-lösenord-123"})
    assert r.status_code == 429
    assert "För många misslyckade inloggningar" in r.text
    assert r.headers["retry-after"]


async def test_login_next_is_kept_on_site(browser, site):
    b = await browser()
    r = await b.get("/logga-in?next=//evil.example/x")
    assert 'name="next" value="/"' in r.text
    r = await b.get("/logga-in?next=https://evil.example/")
    assert 'name="next" value="/"' in r.text
    r = await b.post("/logga-in", {"username": "analytiker", "password": PASSWORD,
                                   "next": "https://evil.example/"})
    assert r.status_code == 303 and r.headers["location"] == "/analys"


async def test_start_page_routes_by_role(browser, site):
    for user, home in (("resp-kultur", "/mina-enkater"), ("analytiker", "/analys"), ("revisor", "/analys"),
                       ("admin", "/admin"), ("planerare", "/analys")):
        b = await browser(user)
        r = await b.get("/")
        assert r.headers["location"] == home, user


async def test_csrf_token_is_required_for_forms(browser, site):
    b = await browser("resp-kultur")
    await b.get("/mina-enkater")
    r = await b.post("/mina-enkater/starta", {"round": str(site.round_id), "unit": "kultur"}, csrf=False)
    assert r.status_code == 403
    r = await b.post("/logga-ut", {}, csrf=False)
    assert r.status_code == 403
    anonymous = await browser()
    await anonymous.get("/logga-in")
    r = await anonymous.post("/logga-in", {"username": "admin", "password": "x"}, csrf=False)
    assert r.status_code == 403


async def test_respondent_cannot_reach_other_units_or_other_pages(browser, site):
    theirs = await answered_response(browser, site, "miljo", "resp-miljo")
    b = await browser("resp-kultur")
    for url in (f"/svar/{theirs}/omrade/styrning", f"/svar/{theirs}/sammanfattning", f"/svar/{theirs}/resultat",
                f"/analys/omgang/{site.round_id}", f"/analys/omgang/{site.round_id}/jamforelse",
                f"/analys/omgang/{site.round_id}/enhet/miljo", "/admin", "/admin/anvandare", "/granskning/logg",
                "/analys/trender"):
        r = await b.get(url)
        assert r.status_code == 403, url
        assert "Ingen behörighet" in r.text
    r = await b.post(f"/svar/{theirs}/omrade/styrning", {"revision": "1", "a:policy": "nej"})
    assert r.status_code == 403
    r = await b.post("/mina-enkater/starta", {"round": str(site.round_id), "unit": "miljo"})
    assert r.status_code == 403
    r = await b.get("/svar/999999/omrade/styrning")
    assert r.status_code == 404


async def test_analyst_overview_comparison_unit_and_trends(browser, site):
    await answered_response(browser, site, "kultur", "resp-kultur", submit=True)
    await answered_response(browser, site, "miljo", "resp-miljo")
    b = await browser("analytiker")
    r = await b.get("/analys")
    assert r.status_code == 200 and "Omgång 2026" in r.text
    r = await b.get(f"/analys/omgang/{site.round_id}")
    assert r.status_code == 200
    assert "Skolförvaltningen" in r.text  # has not answered
    assert re.search(r"Har inte skickat in.*Miljöförvaltningen.*Skolförvaltningen", r.text, re.S)
    r = await b.get(f"/analys/omgang/{site.round_id}/jamforelse")
    assert r.status_code == 200
    assert '<svg role="img"' in r.text and "Kulturförvaltningen" in r.text
    assert 'aria-sort="ascending"' in r.text
    r = await b.get(f"/analys/omgang/{site.round_id}/jamforelse?sort=-percent")
    assert 'aria-sort="descending"' in r.text
    r = await b.get(f"/analys/omgang/{site.round_id}/enhet/kultur")
    assert r.status_code == 200 and 'data-testid="overall-level"' in r.text
    r = await b.get("/analys/trender")
    assert r.status_code == 200 and "Trender" in r.text
    # analysts read answers but do not change them
    rid = re.search(r'href="/svar/(\d+)"', r.text) or re.search(r'href="/svar/(\d+)"',
                                                                 (await b.get(f"/analys/omgang/{site.round_id}/enhet/kultur")).text)
    page = await b.get(f"/svar/{rid.group(1)}/omrade/styrning")
    assert page.status_code == 200 and 'type="radio"' not in page.text
    r = await b.post(f"/svar/{rid.group(1)}/omrade/styrning", {"revision": "1", "a:policy": "nej"})
    assert r.status_code == 403
    r = await b.get("/admin/anvandare")
    assert r.status_code == 403


async def test_xss_payload_in_comment_is_escaped_everywhere(browser, site):
    rid = await answered_response(browser, site, "kultur", "resp-kultur")
    b = await browser("resp-kultur")
    r = await b.get(f"/svar/{rid}/omrade/styrning")
    assert XSS not in r.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in r.text
    r = await b.get(f"/svar/{rid}/omrade/drift")
    assert XSS not in r.text and "<img src=x" not in r.text
    auditor = await browser("revisor")
    r = await auditor.get(f"/svar/{rid}/omrade/styrning")
    assert r.status_code == 200 and XSS not in r.text and "&lt;script&gt;" in r.text


async def test_admin_pages_create_things(browser, site, questionnaires_dir):
    b = await browser("admin")
    r = await b.get("/admin")
    assert r.status_code == 200
    r = await b.get("/admin/enheter")
    r = await b.post("/admin/enheter", {"code": "social", "name": "Socialförvaltningen", "weight": "2"})
    assert r.status_code == 303
    r = await b.get("/admin/enheter")
    assert "Socialförvaltningen" in r.text
    r = await b.post("/admin/enheter", {"code": "", "name": ""})
    assert r.status_code == 422 and 'aria-invalid="true"' in r.text
    r = await b.post("/admin/enheter/import", {"csv": "code,name,weight,parent\nfritid,Fritidsförvaltningen,1,\n"})
    assert r.status_code == 303
    r = await b.post("/admin/enheter/import", {"csv": "code,name,weight,parent\nx,X,tung,\n"})
    assert r.status_code == 422 and "rad 2" in r.text
    # users
    r = await b.get("/admin/anvandare")
    r = await b.post("/admin/anvandare", [("username", "ny-resp"), ("role", "respondent"), ("units", "social"),
                                          ("password", "ett-långt-lösenord-9")])
    assert r.status_code == 303, r.text
    r = await b.get("/admin/anvandare")
    assert "ny-resp" in r.text
    r = await b.post("/admin/anvandare/ny-resp", {"do": "disable"})
    assert r.status_code == 303
    r = await b.post("/admin/anvandare/ny-resp", [("do", "role"), ("role", "analyst")])
    assert r.status_code == 303
    r = await b.get("/admin/anvandare")
    assert re.search(r"ny-resp</th>\s*<td>–</td>\s*<td>Analytiker", r.text)
    # rounds
    r = await b.get("/admin/omgangar")
    r = await b.post("/admin/omgangar", [("name", "Extra 2026"), ("questionnaire", "ui-test@2026.1"),
                                         ("closes_on", "2026-12-31"), ("units", "social")])
    assert r.status_code == 303
    new_id = r.headers["location"].rsplit("=", 1)[1]
    r = await b.post(f"/admin/omgangar/{new_id}/oppna", {})
    assert r.status_code == 303
    r = await b.post(f"/admin/omgangar/{new_id}/stang", {"bekraftat": "ja"})
    assert r.status_code == 303
    r = await b.get("/admin/omgangar")
    assert "Extra 2026" in r.text
    # questionnaire versions: a broken file is listed line by line
    r = await b.get("/admin/enkater")
    bad = "format: 1\nid: Fel Id\nversion: '2026.1'\ntitle: x\nlanguages: [sv]\nlevels: []\nareas: []\n"
    r = await b.post("/admin/enkater", files={"file": ("trasig.yaml", bad.encode(), "application/x-yaml")})
    assert r.status_code == 422
    assert "rad 2" in r.text and "<code>id</code>" in r.text
    good = (questionnaires_dir / "mcf-cybersakerhet" / "2024.1.yaml").read_bytes()
    r = await b.post("/admin/enkater", files={"file": ("2024.1.yaml", good, "application/x-yaml")})
    assert r.status_code == 303, r.text
    r = await b.get("/admin/enkater")
    assert "mcf-cybersakerhet" in r.text


async def test_auditor_reads_everything_changes_nothing(browser, site):
    await answered_response(browser, site, "kultur", "resp-kultur")
    b = await browser("revisor")
    for url in ("/admin", "/admin/enheter", "/admin/anvandare", "/admin/omgangar", "/admin/enkater",
                "/granskning/logg", f"/analys/omgang/{site.round_id}", f"/analys/omgang/{site.round_id}/jamforelse"):
        r = await b.get(url)
        assert r.status_code == 200, url
        assert "<form method=\"post\" action=\"/admin" not in r.text, url
    r = await b.get("/granskning/logg")
    assert "Användare skapad" in r.text and "user.create" not in r.text.replace('"user.create"', "")
    for url, data in (("/admin/enheter", {"code": "x", "name": "X"}), ("/admin/anvandare", {"username": "y", "role": "admin"}),
                      (f"/admin/omgangar/{site.round_id}/stang", {}), ("/admin/enheter/import", {"csv": "code,name\nz,Z\n"}),
                      ("/admin/anvandare/admin", {"do": "logout_everywhere"})):
        r = await b.post(url, data)
        assert r.status_code == 403, url
    r = await b.post("/admin/enkater", files={"file": ("a.yaml", b"x: 1", "application/x-yaml")})
    assert r.status_code == 403
