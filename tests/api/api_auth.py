"""Users and bearer tokens for API tests (a module, not a conftest: several folders
have a conftest.py, and `from conftest import` would pick whichever came first)."""
import itertools

from survey_engine.services import users as auth_service
from survey_engine.services.policy import Role
from survey_engine.services import tokens

_names = itertools.count(1)


async def make_token(role: Role | str, units=(), username: str | None = None) -> str:
    """A user of `role` (bound to `units`) and a bearer token for it."""
    name = username or f"{Role(role).value}-{next(_names)}"
    await auth_service.create_user("tests", name, role, units=units)
    plain, _ = await tokens.create_token("tests", name, "tests")
    return plain
