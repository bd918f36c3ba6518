"""The principal cache (services/principals.py): a token revoked or a user disabled in
another worker is refused once PRINCIPAL_CACHE_SECONDS have passed; changes made
through this process take effect at once. The bound is set small here; the only
statement about time is "after the bound it is refused"."""
import asyncio

import pytest

from survey_engine import clock
from survey_engine.errors import InvalidCredentials
from survey_engine.services import principals, tokens, users as service
from survey_engine.settings import SettingsError, principal_cache_seconds
from survey_engine.store.auth_tables import ApiToken, User
from tests.helpers.auth import ensure_units

pytestmark = pytest.mark.db
BOUND = 0.3


@pytest.fixture
async def resp(db, monkeypatch):
    monkeypatch.setenv("PRINCIPAL_CACHE_SECONDS", str(BOUND))
    principals.forget_all()
    await ensure_units("SOC", "GRF")
    await service.create_user("cli:test", "resp", "respondent", password=None, units=["SOC"])
    yield
    principals.forget_all()


async def test_token_revoked_elsewhere_is_refused_after_the_bound(resp):
    plain, info = await tokens.create_token("cli:test", "resp", "script")
    assert (await principals.for_token(plain)).username == "resp"
    # another worker revokes it: this process's cache is not told
    await ApiToken.update({ApiToken.revoked_at: clock.now()}).where(ApiToken.id == info.id)
    await asyncio.sleep(BOUND * 2)
    with pytest.raises(InvalidCredentials):
        await principals.for_token(plain)


async def test_user_disabled_elsewhere_is_refused_after_the_bound(resp):
    plain, _ = await tokens.create_token("cli:test", "resp", "script")
    user_id = (await principals.for_token(plain)).user_id
    assert (await principals.for_session(user_id, clock.now())).username == "resp"
    await User.update({User.active: False}).where(User.id == user_id)
    await asyncio.sleep(BOUND * 2)
    assert await principals.for_session(user_id, clock.now()) is None
    with pytest.raises(InvalidCredentials):
        await principals.for_token(plain)


async def test_changes_through_this_process_take_effect_at_once(resp, monkeypatch):
    monkeypatch.setenv("PRINCIPAL_CACHE_SECONDS", "300")  # the bound plays no part here
    plain, info = await tokens.create_token("cli:test", "resp", "script")
    user_id = (await principals.for_token(plain)).user_id
    await service.set_units("cli:test", "resp", ["GRF"])
    assert (await principals.for_token(plain)).units == frozenset({"GRF"})
    await tokens.revoke_token("cli:test", info.id)
    with pytest.raises(InvalidCredentials):
        await principals.for_token(plain)
    assert (await principals.for_session(user_id, clock.now())).username == "resp"
    await service.disable_user("cli:test", "resp")
    assert await principals.for_session(user_id, clock.now()) is None


async def test_failures_are_not_cached(resp):
    with pytest.raises(InvalidCredentials):
        await principals.for_token("se_" + "A" * 43)
    assert principals._cache == {}


def test_setting_is_checked():
    assert principal_cache_seconds({}) == 5.0
    assert principal_cache_seconds({"PRINCIPAL_CACHE_SECONDS": "0"}) == 0.0
    for bad in ("-1", "301", "fem"):
        with pytest.raises(SettingsError):
            principal_cache_seconds({"PRINCIPAL_CACHE_SECONDS": bad})
