"""API tokens: shown once, stored hashed, revocable, refused when revoked, expired or
when their user is disabled."""
import datetime as dt
import hashlib

import pytest

from survey_engine.services import audit, users as service
from survey_engine.services.audit import AuditFilter
from survey_engine.errors import InvalidCredentials, Invalid, NotFound, PermissionDenied
from survey_engine.services.policy import Principal, Role
from survey_engine.store.auth_tables import ApiToken
from survey_engine import clock
from survey_engine.services import tokens
from tests.helpers.auth import ensure_units



@pytest.fixture
async def users(db):
    await service.create_user("cli:test", "root", "admin", password=None)
    await ensure_units("SOC")
    await service.create_user("cli:test", "resp", "respondent", password=None, units=["SOC"])
    await service.create_user("cli:test", "ann", "analyst", password=None)


async def test_token_is_stored_hashed_and_authenticates(users):
    plain, info = await tokens.create_token("cli:test", "resp", "nightly import")
    assert plain.startswith("se_") and len(plain) == 46
    assert info.prefix == plain[:10] and info.username == "resp" and info.active and info.last_used_at is None
    row = await ApiToken.select().where(ApiToken.id == info.id).first()
    assert row["token_hash"] == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in str(row)
    principal = await tokens.authenticate_token(plain)
    assert principal == Principal("resp", Role.RESPONDENT, frozenset({"SOC"}), "token", principal.user_id, info.id)
    [listed] = await tokens.list_tokens("cli:test", "resp")
    assert listed.last_used_at is not None
    events = await audit.list_events(AuditFilter(action="token.create"))
    assert events[0].object_id == str(info.id) and events[0].details["user"] == "resp"
    assert plain not in str(events[0].details)


async def test_two_tokens_differ(users):
    a, _ = await tokens.create_token("cli:test", "resp", "a")
    b, _ = await tokens.create_token("cli:test", "resp", "b")
    assert a != b


async def test_revoked_token_is_refused(users):
    plain, info = await tokens.create_token("cli:test", "ann", "report")
    await tokens.authenticate_token(plain)
    revoked = await tokens.revoke_token("cli:test", info.id)
    assert revoked.revoked_at is not None and not revoked.active
    with pytest.raises(InvalidCredentials, match="Invalid API token"):
        await tokens.authenticate_token(plain)
    # Revoking again changes nothing and writes no second event.
    await tokens.revoke_token("cli:test", info.id)
    assert len(await audit.list_events(AuditFilter(action="token.revoke"))) == 1
    with pytest.raises(NotFound):
        await tokens.revoke_token("cli:test", 9999)


async def test_disabled_user_token_is_refused(users):
    plain, _ = await tokens.create_token("cli:test", "ann", "report")
    await service.disable_user("cli:test", "ann")
    with pytest.raises(InvalidCredentials):
        await tokens.authenticate_token(plain)
    with pytest.raises(Invalid, match="avstängd"):
        await tokens.create_token("cli:test", "ann", "another")


async def test_expired_token_is_refused(users, monkeypatch):
    plain, info = await tokens.create_token("cli:test", "ann", "short", expires_in=dt.timedelta(hours=1))
    assert info.expires_at is not None
    await tokens.authenticate_token(plain)
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2)
    monkeypatch.setattr(clock, "now", lambda: later)
    with pytest.raises(InvalidCredentials):
        await tokens.authenticate_token(plain)


@pytest.mark.parametrize("bad", ["", "se_", "Bearer x", "se_" + "a" * 42, "se_" + "a" * 43 + "'", "x" * 1000])
async def test_malformed_or_unknown_tokens_are_refused(users, bad):
    with pytest.raises(InvalidCredentials):
        await tokens.authenticate_token(bad)


async def test_unknown_well_formed_token_is_refused(users):
    with pytest.raises(InvalidCredentials):
        await tokens.authenticate_token("se_" + "A" * 43)


async def test_token_permissions(users):
    resp = Principal("resp", Role.RESPONDENT, frozenset({"SOC"}))
    ann = Principal("ann", Role.ANALYST)
    admin = Principal("root", Role.ADMIN)
    _, own = await tokens.create_token(resp, "resp", "mine")
    with pytest.raises(PermissionDenied):
        await tokens.create_token(resp, "ann", "not mine")
    with pytest.raises(PermissionDenied):
        await tokens.revoke_token(ann, own.id)
    with pytest.raises(PermissionDenied):
        await tokens.list_tokens(ann)
    assert [t.id for t in await tokens.list_tokens(resp, "resp")] == [own.id]
    await tokens.create_token(admin, "ann", "for ann")
    assert len(await tokens.list_tokens(admin)) == 2
    await tokens.revoke_token(resp, own.id)


async def test_token_name_is_required(users):
    with pytest.raises(Invalid, match="namn"):
        await tokens.create_token("cli:test", "ann", "  ")


async def test_actions_through_a_token_name_the_token_in_the_audit_log(users):
    plain, info = await tokens.create_token("cli:test", "root", "admin script")
    principal = await tokens.authenticate_token(plain)
    await service.create_user(principal, "newbie", "auditor", password=None)
    [event] = await audit.list_events(AuditFilter(action="user.create", object_id="newbie"))
    assert event.actor == "root" and event.details["via_token"] == info.id
