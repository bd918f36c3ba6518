"""The demo's logins: one user per role and a respondent per förvaltning, printed with
fresh passwords that work; never added to a database without the demo's units."""
import pytest

from survey_engine.services import users as auth_service
from survey_engine.services.policy import Role
from survey_engine.services.demo import UNITS, demo_logins
from survey_engine.services import units
from survey_engine.services.access import system_actor
from survey_engine.services.units import UnitInput
from survey_engine.services import login



async def test_no_demo_units_no_demo_accounts(db):
    await units.import_units([UnitInput("EGEN", "Egen förvaltning")], actor=system_actor("t"))
    lines = []
    assert await demo_logins(log=lines.append) == []
    assert lines == [] and await auth_service.list_users() == []


async def test_one_login_per_role_and_a_respondent_per_forvaltning(db):
    present = UNITS[:3]
    await units.import_units([UnitInput(u.code, u.name, float(u.employees)) for u in present],
                             actor=system_actor("t"))
    lines = []
    logins = await demo_logins(log=lines.append)
    roles = [x.role for x in logins]
    assert {Role.ADMIN, Role.ANALYST, Role.PLANNER, Role.AUDITOR} <= set(roles)
    respondents = {x.units for x in logins if x.role is Role.RESPONDENT}
    assert respondents == {(u.code,) for u in present}
    table = "\n".join(lines)
    for x in logins:
        assert x.username in table and x.password in table
        principal = await login.authenticate(x.username, x.password)
        assert principal.role is x.role and principal.units == frozenset(x.units)
    # a second start gives new passwords, and the old ones stop working
    again = {x.username: x.password for x in await demo_logins(log=lambda _: None)}
    first = logins[0]
    assert again[first.username] != first.password
    with pytest.raises(Exception):
        await login.authenticate(first.username, first.password)
