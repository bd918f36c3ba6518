"""Demo logins: one per role, a respondent per unit, always usable after a re-run."""
import pytest

from survey_engine.services import users as service
from survey_engine.services.demo_users import ensure_demo_users
from survey_engine.services.policy import Role
from survey_engine.services import login as login_service
from tests.helpers.auth import ensure_units



async def test_demo_users_can_log_in_and_rerun_refreshes_them(db):
    await ensure_units("SOC", "KS")  # the demo loader creates the units before the logins
    first = await ensure_demo_users(["SOC", "KS"])
    assert sorted(login.role.value for login in first) == sorted(
        ["admin", "analyst", "planner", "auditor", "respondent", "respondent"]
    )
    by_name = {login.username: login for login in first}
    assert by_name["demo-soc"].units == ("SOC",)
    for login in first:
        principal = await login_service.authenticate(login.username, login.password, None)
        assert principal.role is login.role and principal.units == frozenset(login.units)
    await service.disable_user("cli:test", "demo-soc")
    second = await ensure_demo_users(["SOC", "KS"])
    again = {login.username: login for login in second}
    assert again["demo-soc"].password != by_name["demo-soc"].password
    assert (await login_service.authenticate("demo-soc", again["demo-soc"].password, None)).role is Role.RESPONDENT
    assert len(await service.list_users()) == 6
