"""A printable copy of one's own answers (issue 13, docs/web-pages.md "Printable
answers"): every question with answer, comment and evidence; only one's own unit."""
from __future__ import annotations

import re

from tests.ui.test_ui_roles import XSS, answered_response


async def test_printable_answers_list_every_question_with_comment(browser, site):
    rid = await answered_response(browser, site, "kultur", "resp-kultur")
    b = await browser("resp-kultur")
    area = await b.get(f"/svar/{rid}/omrade/styrning")
    rev = re.search(r'name="revision" value="(\d+)"', area.text).group(1)
    r = await b.post(f"/svar/{rid}/omrade/styrning", {"revision": rev, "a:policy": "ja", "a:policy-oversyn": "ja",
                                                      "a:risk": "delvis", "c:policy": XSS, "e:risk": "Riskanalys 2026-03"})
    assert r.status_code in (200, 303)
    summary = await b.get(f"/svar/{rid}/sammanfattning")
    assert f'href="/svar/{rid}/utskrift"' in summary.text
    result = await b.get(f"/svar/{rid}/resultat")
    assert f'href="/svar/{rid}/utskrift"' in result.text
    page = await b.get(f"/svar/{rid}/utskrift")
    assert page.status_code == 200
    shown = re.findall(r'<div class="print-question" data-question="([^"]+)">', page.text)
    assert shown == ["policy", "policy-oversyn", "risk", "utbildade", "ovningar", "kommentar"]
    block = re.search(r'data-question="risk">.*?</div>', page.text, re.S).group(0)
    assert "Delvis" in block and "Underlag:" in block and "Riskanalys 2026-03" in block
    block = re.search(r'data-question="policy">.*?</div>', page.text, re.S).group(0)
    assert "Kommentar:" in block and XSS not in page.text and "&lt;script&gt;" in block
    block = re.search(r'data-question="utbildade">.*?</div>', page.text, re.S).group(0)
    assert "90" in block
    assert "<script>" not in page.text.split("</main>")[0].split("<main")[-1]  # no inline script


async def test_printable_answers_only_for_own_unit(browser, site):
    rid = await answered_response(browser, site, "kultur", "resp-kultur")
    other = await browser("resp-miljo")
    r = await other.get(f"/svar/{rid}/utskrift")
    assert r.status_code in (403, 404)
    analyst = await browser("analytiker")
    r = await analyst.get(f"/svar/{rid}/utskrift")
    assert r.status_code == 200
