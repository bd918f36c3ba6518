"""Issue 14: "log out everywhere" on the pages, for oneself on /konto and for an
administrator acting on a user on /admin/anvandare; POST forms with CSRF that ask first
(data-confirm, static/confirm.js). docs/security.md, "Sessions"."""
from __future__ import annotations


async def _signed_in(b) -> bool:
    r = await b.get("/konto")
    return r.status_code == 200


async def test_konto_logs_out_every_session_of_oneself(browser, site):
    here = await browser("analytiker")
    elsewhere = await browser("analytiker")
    someone_else = await browser("revisor")
    page = await here.get("/konto")
    assert 'action="/konto/logga-ut-overallt"' in page.text and "Logga ut överallt" in page.text
    form = page.text.split('action="/konto/logga-ut-overallt"', 1)[1].split(">", 1)[0]
    assert "data-confirm=" in form

    # Without the form's CSRF token: refused, every session still works.
    r = await here.post("/konto/logga-ut-overallt", {}, csrf=False)
    assert r.status_code == 403
    assert await _signed_in(here) and await _signed_in(elsewhere)

    r = await here.post("/konto/logga-ut-overallt", {})
    assert r.status_code == 303 and r.headers["location"].startswith("/logga-in")
    assert not await _signed_in(here)
    assert not await _signed_in(elsewhere)
    assert await _signed_in(someone_else)  # only the account's own sessions end


async def test_konto_logout_everywhere_needs_a_login(browser, site):
    anonymous = await browser()
    await anonymous.get("/logga-in", follow=True)
    r = await anonymous.post("/konto/logga-ut-overallt", {})
    assert r.status_code in (302, 303, 307, 401) and r.status_code != 500


async def test_admin_logs_a_user_out_everywhere(browser, site):
    victim = await browser("resp-kultur")
    victim_other = await browser("resp-kultur")
    admin = await browser("admin")
    page = await admin.get("/admin/anvandare")
    assert 'value="logout_everywhere"' in page.text
    assert "Logga ut resp-kultur överallt?" in page.text  # asks first (data-confirm)

    # Another role may not: 403, the sessions live on.
    analyst = await browser("analytiker")
    await analyst.get("/konto")
    r = await analyst.post("/admin/anvandare/resp-kultur", {"do": "logout_everywhere"})
    assert r.status_code == 403
    assert await _signed_in(victim)

    # Without CSRF: refused.
    r = await admin.post("/admin/anvandare/resp-kultur", {"do": "logout_everywhere"}, csrf=False)
    assert r.status_code == 403
    assert await _signed_in(victim)

    await admin.get("/admin/anvandare")
    r = await admin.post("/admin/anvandare/resp-kultur", {"do": "logout_everywhere"})
    assert r.status_code == 303, r.text
    assert not await _signed_in(victim) and not await _signed_in(victim_other)
    assert await _signed_in(admin)  # the administrator's own session goes on
    # An unknown user: a clear answer, not a 500.
    await admin.get("/admin/anvandare")
    r = await admin.post("/admin/anvandare/ingen-sadan", {"do": "logout_everywhere"})
    assert r.status_code in (404, 422)
