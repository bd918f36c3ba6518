"""The summary before submitting lists the "Vet ej" answers with links to the
questions (issue 13, docs/web-pages.md "Vet ej in the summary")."""
from __future__ import annotations

import re

from tests.ui.test_ui_respondent import revision_of, start


async def test_summary_lists_vet_ej_answers_with_links(browser, site):
    b = await browser("resp-kultur")
    rid = await start(b, site, "kultur")
    page = await b.get(f"/svar/{rid}/sammanfattning")
    assert page.status_code == 200 and 'id="unknown-answers"' not in page.text
    page = await b.get(f"/svar/{rid}/omrade/styrning")
    r = await b.post(f"/svar/{rid}/omrade/styrning", {"revision": revision_of(page.text), "a:policy": "ja",
                                                      "a:policy-oversyn": "nej", "a:risk": "vet-ej"})
    assert r.status_code in (200, 303)
    page = await b.get(f"/svar/{rid}/sammanfattning")
    assert page.status_code == 200
    block = re.search(r'<ul class="unknown" id="unknown-answers".*?</ul>', page.text, re.S)
    assert block, "the Vet ej list is missing"
    items = re.findall(r'<li data-question="([^"]+)"><a href="([^"]+)">', block.group(0))
    assert [i for i, _ in items] == ["risk"]  # "nej" is an answer, not a "Vet ej"
    href = items[0][1]
    assert href.startswith(f"/svar/{rid}/omrade/styrning#")
    area = await b.get(href.split("#")[0])
    assert f'id="{href.split("#")[1]}"' in area.text  # the link lands on the question
    assert "Vet ej" in page.text
