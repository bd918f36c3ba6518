"""Who is acting, and may they? The services' side of the permission policy.

Every service function that reads unit data or changes anything takes `actor`, a
`Principal` (from the web layer's session or bearer token, or `system_actor()` for the
command line), and asks the policy in `survey_engine.services.policy` itself: a route guard
alone cannot know the unit of a response that is only named by its id.

Refusals raise `auth.errors.PermissionDenied` (HTTP 403). A respondent asking for a
response of another unit gets 403, not 404: response ids are sequential, so hiding
their existence would protect nothing, and one status for "not yours" keeps clients
and tests simple.
"""
from __future__ import annotations

import getpass
import os
from typing import Iterable

from survey_engine.services.policy import Action, Principal, Role, decide, require, visible_units

__all__ = ["Action", "Principal", "actor_name", "check", "check_unit", "system_actor", "unit_filter"]


def system_actor(name: str | None = None) -> Principal:
    """The trusted local actor of the command line and the demo loader: an
    administrator named `cli:<name>` (default $SURVEY_ENGINE_USER, else the
    operating-system user), which is what the audit log and answer history show."""
    who = (name or os.environ.get("SURVEY_ENGINE_USER", "")).strip()
    if not who:
        try:
            who = getpass.getuser()
        except Exception:  # no user name in this environment
            who = "unknown"
    if not who.startswith("cli:"):
        who = f"cli:{who}"
    return Principal(username=who[:150], role=Role.ADMIN, via="cli")


def _principal(actor: Principal) -> Principal:
    if not isinstance(actor, Principal):
        # A plain name would skip every check; refuse it loudly (a programming error).
        raise TypeError(f"actor must be a Principal, not {type(actor).__name__}")
    return actor


def actor_name(actor: Principal) -> str:
    """The name written into the answer history and similar `*_by` columns."""
    return _principal(actor).username[:200]


def check(actor: Principal, action: Action) -> None:
    """Refuse unless the actor may do `action` (an action not about one unit, or one
    the actor must hold everywhere)."""
    require(_principal(actor), action)


def check_unit(actor: Principal, action: Action, unit_code: str) -> None:
    """Refuse unless the actor may do `action` on the data of unit `unit_code`."""
    require(_principal(actor), action, unit_code)


def unit_filter(actor: Principal, action: Action, candidates: Iterable[str] | None = None) -> list[str] | None:
    """For list queries: None when the actor may do `action` on every unit, else the
    codes it may (possibly empty), taken from `candidates` or the actor's own units."""
    actor = _principal(actor)
    if decide(actor, action, None):
        return None
    pool = sorted(actor.units) if candidates is None else list(candidates)
    return visible_units(actor, action, pool)
