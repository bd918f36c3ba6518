"""Who a request is, cached per process for a few seconds (docs/security.md).

Every API request used to look up its bearer token and the user's units (two
statements), every page request its session user. The principal of a token or a
session user is now kept in this process for at most `PRINCIPAL_CACHE_SECONDS`
(default 5; 0 turns the cache off). The bound is what a revocation waits for:

- a token revoked, a user disabled, a role or the units changed **through this
  process** take effect at once (those services call `forget_all()`);
- the same change made by another worker process (or directly in the database) takes
  effect here within the bound: after `PRINCIPAL_CACHE_SECONDS` the token or the
  session is checked against the database again and refused.

Failures are never cached: an unknown, revoked or expired token is looked up on every
request. The time is measured with `time.monotonic` (a duration, not a time of day:
survey_engine.clock is for times that are stored or shown).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import time
from typing import Awaitable, Callable

from survey_engine import clock
from survey_engine.services.policy import Principal
from survey_engine.settings import principal_cache_seconds

MAX_ENTRIES = 10_000  # far more than the active users of one city; then start over

_cache: dict[tuple[str, str], tuple[float, Principal]] = {}


def forget_all() -> None:
    """Drop every cached principal of this process (after a revocation or a change of
    a user's role, units or state)."""
    _cache.clear()


async def _cached(key: tuple[str, str], load: Callable[[], Awaitable[Principal | None]]) -> Principal | None:
    bound = principal_cache_seconds()
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    principal = await load()
    if principal is None or bound <= 0:
        _cache.pop(key, None)
        return principal
    if len(_cache) >= MAX_ENTRIES:
        _cache.clear()
    _cache[key] = (now + bound, principal)
    return principal


async def for_token(plain: str) -> Principal:
    """The principal of a bearer token; InvalidCredentials as tokens.authenticate_token."""
    # tokens (and users) call forget_all() here, so they import this module: importing
    # them at the top would make the import circular.
    from survey_engine.services import tokens

    digest = hashlib.sha256((plain or "").strip().encode("utf-8", "replace")).hexdigest()
    principal = await _cached(("token", digest), lambda: tokens.authenticate_token(plain))
    assert principal is not None  # authenticate_token raises instead of returning None
    return principal


async def for_session(user_id: int, since: dt.datetime | None) -> Principal | None:
    """The principal of a logged-in session's user; None when the user no longer exists
    or is disabled, or the session (begun at `since`) is no longer current (the session
    must then end). Sessions of one user begun at different times are cached apart."""
    from survey_engine.services import users  # circular at the top, as above

    # The absolute lifetime needs no database: checked on every request, cached or not.
    if not users.session_is_current(since, None, clock.now()):
        return None
    key = ("session", f"{user_id}@{since.isoformat() if since else '-'}")
    return await _cached(key, lambda: users.load_principal(user_id, via="session", since=since))
