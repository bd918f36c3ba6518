"""The plan pages: list, create, edit (with the revision: a stale form comes back as
409 with the current plan and the user's values kept), follow-up and the city-wide
follow-up; permissions by role; hostile text is escaped."""
from __future__ import annotations

import re

import pytest
from litestar.testing import AsyncTestClient

from tests.helpers.auth import bearer_clients
from tests.plans.plan_samples import EXPECTED_EFFECTS, PLANNER, setup_rounds
from survey_engine.services import plans

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
ROW = re.compile(r'<tr id="action-(\d+)" data-action="\d+" data-question="([^"]*)" data-status="(\w+)" '
                 r'data-period="([^"]*)"')


class Page:
    """A browser of one user: a bearer token, its own cookies (the CSRF cookie) and the
    CSRF token of the last page it read."""

    def __init__(self, client: AsyncTestClient):
        self.client = client
        self.token = ""

    async def get(self, url: str):
        r = await self.client.get(url)
        m = CSRF.search(r.text)
        if m:
            self.token = m.group(1)
        return r

    async def post(self, url: str, data: dict):
        r = await self.client.post(url, data={**data, "_csrf_token": self.token}, follow_redirects=False)
        m = CSRF.search(r.text)
        if m:
            self.token = m.group(1)
        return r


@pytest.fixture
async def page_as(db):
    """`await page_as("planner", name="pia")` -> a Page with that new user's bearer token."""
    async with bearer_clients() as client_as:
        async def make(role, units=(), name=None):
            return Page(await client_as(role, units, name))

        yield make


async def test_planner_makes_and_edits_a_plan_in_the_pages(page_as):
    ids = await setup_rounds()
    pia = await page_as("planner", name="pia")
    r = await pia.get("/planer")
    assert r.status_code == 200 and "Gör en ny plan" in r.text
    r = await pia.post("/planer", {"round_id": str(ids["r24"]), "unit": "A", "start": "2024H2", "periods": "4",
                                   "capacity": "20", "method": "weakest", "title": ""})
    assert r.status_code == 303, r.text
    plan_url = r.headers["location"].split("?")[0]
    r = await pia.get(plan_url)
    assert r.status_code == 200
    rows = {q: (int(i), status, period) for i, q, status, period in ROW.findall(r.text)}
    assert set(rows) == set(EXPECTED_EFFECTS)
    plan_id = int(plan_url.rsplit("/", 1)[1])
    action_id = rows["s-ansvar"][0]
    r = await pia.post(f"{plan_url}/atgarder/{action_id}", {"revision": "0", "period": "", "owner": "<b>IT</b>",
                                                           "status": "done", "due_date": "2025-12-31", "note": ""})
    assert r.status_code == 303, r.text
    r = await pia.get(plan_url)
    rows = {q: (int(i), status, period) for i, q, status, period in ROW.findall(r.text)}
    assert rows["s-ansvar"][1:] == ("done", "")
    assert "&lt;b&gt;IT&lt;/b&gt;" in r.text and "<b>IT</b>" not in r.text

    # a second planner's form still carries revision 0: 409, the current plan, their input kept
    per = await page_as("planner", name="per")
    await per.get(plan_url)
    other = rows["d-logg"][0]
    r = await per.post(f"{plan_url}/atgarder/{other}", {"revision": "0", "period": "2026H1", "owner": "Pers ägare",
                                                       "status": "in_progress", "due_date": "", "note": "min text"})
    assert r.status_code == 409
    assert "Någon annan ändrade planen" in r.text and 'value="Pers ägare"' in r.text and 'value="min text"' in r.text
    now = await plans.get_plan(PLANNER, plan_id)
    assert {a.question: a for a in now.actions}["d-logg"].owner == ""  # nothing saved silently
    assert f'name="revision" value="{now.revision}"' in r.text
    r = await per.post(f"{plan_url}/atgarder/{other}", {"revision": str(now.revision), "period": "2026H1",
                                                       "owner": "Pers ägare", "status": "in_progress",
                                                       "due_date": "", "note": "min text"})
    assert r.status_code == 303
    final = {a.question: a for a in (await plans.get_plan(PLANNER, plan_id)).actions}
    assert final["s-ansvar"].owner == "<b>IT</b>" and final["d-logg"].owner == "Pers ägare"

    # an own action, then a bad one
    r = await pia.get(plan_url)
    revision = re.search(r'name="revision" value="(\d+)"', r.text).group(1)
    r = await pia.post(f"{plan_url}/atgarder", {"revision": revision, "title": "Utbilda cheferna", "area": "styr",
                                                "level": "1", "period": "2025H1", "owner": "HR", "due_date": "",
                                                "note": ""})
    assert r.status_code == 303
    r = await pia.post(f"{plan_url}/atgarder", {"revision": str(int(revision) + 1), "title": "x", "area": "",
                                                "level": "", "period": "2040H1", "owner": "", "due_date": "",
                                                "note": ""})
    assert r.status_code == 422 and "period" in r.text

    r = await pia.get(f"{plan_url}/uppfoljning")
    assert r.status_code == 200
    effects = dict(re.findall(r'data-question="([^"]+)" data-status="\w+" data-effect="(\w+)"', r.text))
    assert effects == EXPECTED_EFFECTS
    assert r.text.count('data-flagged="true"') == 1  # s-ansvar: done, unchanged
    r = await pia.get(f"/planer/uppfoljning?omgang={ids['r24']}")
    assert r.status_code == 200 and "Vilka åtgärder vidtogs" in r.text and 'id="totals"' in r.text


async def test_plan_pages_by_role(page_as):
    ids = await setup_rounds()
    plan = await plans.create_plan(PLANNER, ids["r24"], "A", start="2024H2")
    url = f"/planer/{plan.id}"
    own = await page_as("respondent", units=("A",))
    r = await own.get(url)
    assert r.status_code == 200 and "<form method=\"post\" action=\"/planer/" not in r.text  # read only
    r = await own.get("/planer")
    assert "Gör en ny plan" not in r.text and f'data-plan="{plan.id}"' in r.text
    other = await page_as("respondent", units=("B",))
    assert (await other.get(url)).status_code == 403
    assert (await other.get(f"{url}/uppfoljning")).status_code == 403
    analyst = await page_as("analyst")
    assert (await analyst.get(url)).status_code == 200
    await analyst.get(url)
    r = await analyst.post(f"{url}/atgarder/{plan.actions[0].id}", {"revision": "0", "owner": "x"})
    assert r.status_code == 403
    assert (await plans.get_plan(PLANNER, plan.id)).revision == 0
