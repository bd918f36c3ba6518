"""The permission policy: who may do what, on which unit. Pure: no I/O, no database.

Every route and every service call asks `decide(principal, action, unit_code)` (or
`require`, which raises). The policy is a table: role -> action -> scope, where the
scope says whether the role may do the action everywhere, only on its own units, or
not at all. A new action must be added to every role's row, which the matrix test
in tests/auth/test_roles.py checks.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Iterable, Literal

from survey_engine.errors import PermissionDenied
from survey_engine.text import Text
from survey_engine.errors import Invalid


class Role(str, enum.Enum):
    ADMIN = "admin"
    ANALYST = "analyst"  # stadskontoret: reads everything, compares, exports
    PLANNER = "planner"  # reads results, edits plans
    RESPONDENT = "respondent"  # bound to units: reads and answers only their own
    AUDITOR = "auditor"  # reads everything including the audit log, changes nothing
    # förvaltningschef (godkännare): bound to units; reads their responses and signs off
    # (approves or returns) what was submitted, never edits answers (docs/sign-off.md)
    APPROVER = "approver"

    @classmethod
    def parse(cls, value: str) -> "Role":
        try:
            return cls(value.strip().lower())
        except ValueError:
            names = ", ".join(r.value for r in cls)
            raise Invalid(
                Text(f"Okänd roll {value!r}; välj en av: {names}.",
                f"Unknown role {value!r}; choose one of: {names}."),
            ) from None


class Action(str, enum.Enum):
    QUESTIONNAIRE_READ = "questionnaire.read"
    QUESTIONNAIRE_PUBLISH = "questionnaire.publish"
    ROUND_READ = "round.read"
    ROUND_MANAGE = "round.manage"  # open, close, add units to a round
    RESPONSE_READ = "response.read"
    RESPONSE_WRITE = "response.write"  # change answers and comments of a draft
    RESPONSE_SUBMIT = "response.submit"
    RESPONSE_REOPEN = "response.reopen"  # turn a submitted response back into a draft
    SCORES_READ = "scores.read"
    OVERVIEW_READ = "overview.read"  # comparisons across units
    EXPORT_READ = "export.read"  # CSV/XLSX/PDF exports across units
    PLAN_READ = "plan.read"
    PLAN_WRITE = "plan.write"
    AUDIT_READ = "audit.read"
    USER_MANAGE = "user.manage"  # users, roles, unit bindings, other people's tokens
    UNIT_READ = "unit.read"  # the list of units (the organisation), not their data
    UNIT_MANAGE = "unit.manage"
    TOKEN_MANAGE_OWN = "token.manage_own"  # create, list and revoke one's own tokens
    # Audits (granskningar), their recommendations and the follow-up statement
    # (docs/indicators.md §4-§5): city-level documents, read by the roles that read
    # across units, recorded and edited by admins and planners.
    RECOMMENDATION_READ = "recommendation.read"
    RECOMMENDATION_WRITE = "recommendation.write"
    ACCOUNT_MANAGE_OWN = "account.manage_own"  # change one's own password (docs/security.md)
    # Measured indicators (docs/indicators.md): read the figures of a unit; publish
    # definitions and import measurements.
    INDICATOR_READ = "indicator.read"
    INDICATOR_MANAGE = "indicator.manage"
    REMINDER_READ = "reminder.read"  # the e-mail outbox and the units' contact addresses
    REMINDER_SEND = "reminder.send"  # send reminders now, retry failed e-mails
    # Shared answers (docs/shared-answers.md): which unit answers which questions for
    # which others in a round. Overriding a provided answer is response.write.
    PROVIDER_MANAGE = "provider.manage"
    # Sign-off (docs/sign-off.md): approve a submitted response, or return it with a comment.
    RESPONSE_APPROVE = "response.approve"


class Scope(enum.Enum):
    NONE = "none"
    OWN_UNITS = "own_units"  # only on units the principal is bound to
    ALL = "all"


# Actions about data that belongs to one unit. For these, a unit-bound role needs the
# unit's code; other actions are about shared things (questionnaires, rounds, users).
UNIT_SCOPED: frozenset[Action] = frozenset(
    {
        Action.RESPONSE_READ,
        Action.RESPONSE_WRITE,
        Action.RESPONSE_SUBMIT,
        Action.RESPONSE_REOPEN,
        Action.RESPONSE_APPROVE,
        Action.SCORES_READ,
        Action.EXPORT_READ,
        Action.PLAN_READ,
        Action.PLAN_WRITE,
        Action.INDICATOR_READ,
    }
)

_A, _O, _N = Scope.ALL, Scope.OWN_UNITS, Scope.NONE
_READS = {
    Action.QUESTIONNAIRE_READ,
    Action.UNIT_READ,
    Action.ROUND_READ,
    Action.RESPONSE_READ,
    Action.SCORES_READ,
    Action.OVERVIEW_READ,
    Action.EXPORT_READ,
    Action.PLAN_READ,
    Action.RECOMMENDATION_READ,
    Action.INDICATOR_READ,
}


def _row(**scopes: Scope) -> dict[Action, Scope]:
    return {action: scopes.get(action.name.lower(), _N) for action in Action}


POLICY: dict[Role, dict[Action, Scope]] = {
    Role.ADMIN: {action: _A for action in Action},
    # Analysts also bring in measured data (indicators) and remind units by e-mail.
    Role.ANALYST: _row(**{a.name.lower(): _A for a in _READS}, indicator_manage=_A, token_manage_own=_A,
                       account_manage_own=_A, reminder_read=_A, reminder_send=_A, provider_manage=_A),
    # Planners read results (answers, scores, the overview) to plan from them, and edit
    # plans; exports are left to analysts.
    Role.PLANNER: _row(
        **{a.name.lower(): _A for a in _READS - {Action.EXPORT_READ}},
        plan_write=_A,
        recommendation_write=_A,
        token_manage_own=_A,
        account_manage_own=_A,
    ),
    # Respondents answer for their own units only. Reopening a submitted response is an
    # administrative act: otherwise "submitted" would mean nothing. The overview and
    # exports compare units, so they are closed to respondents.
    Role.RESPONDENT: _row(
        questionnaire_read=_A,
        unit_read=_A,
        round_read=_A,
        response_read=_O,
        response_write=_O,
        response_submit=_O,
        scores_read=_O,
        plan_read=_O,
        indicator_read=_O,
        token_manage_own=_A,
        account_manage_own=_A,
    ),
    # Auditors read everything and change nothing. Their own tokens are their own
    # credentials (a script that reads the audit log needs one), not data.
    Role.AUDITOR: _row(**{a.name.lower(): _A for a in _READS}, audit_read=_A, token_manage_own=_A,
                       account_manage_own=_A, reminder_read=_A),
    # Approvers (förvaltningschefer) read their own units' responses and results and sign
    # them off; they never write answers, so an approval is always of someone else's work.
    Role.APPROVER: _row(
        questionnaire_read=_A,
        unit_read=_A,
        round_read=_A,
        response_read=_O,
        response_approve=_O,
        scores_read=_O,
        plan_read=_O,
        indicator_read=_O,
        token_manage_own=_A,
        account_manage_own=_A,
    ),
}

# Roles whose rights hold only on the units they are bound to (services/users.py binds
# them, and refuses units for every other role).
UNIT_BOUND_ROLES: frozenset[Role] = frozenset({Role.RESPONDENT, Role.APPROVER})


@dataclass(frozen=True)
class Principal:
    """Who is acting: built by the API layer from a session or a bearer token (or by the
    CLI), from the user's current row, so that a disabled user or a changed role takes
    effect at once."""

    username: str
    role: Role
    units: frozenset[str] = field(default_factory=frozenset)
    via: Literal["session", "token", "cli"] = "session"
    user_id: int | None = None
    token_id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", Role(self.role))
        object.__setattr__(self, "units", frozenset(self.units))

    def can(self, action: Action | str, unit_code: str | None = None) -> bool:
        return decide(self, action, unit_code).allowed


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # a short English reason for logs and tests

    def __bool__(self) -> bool:
        return self.allowed


def decide(principal: Principal, action: Action | str, unit_code: str | None = None) -> Decision:
    """May `principal` do `action` (on the data of unit `unit_code`, if the action is
    about one unit)? Unknown actions are refused."""
    try:
        action = Action(action)
    except ValueError:
        return Decision(False, f"unknown action {action!r}")
    scope = POLICY[principal.role][action]
    if scope is Scope.ALL:
        return Decision(True, f"{principal.role.value} may {action.value}")
    if scope is Scope.NONE:
        return Decision(False, f"{principal.role.value} may not {action.value}")
    # OWN_UNITS
    if action not in UNIT_SCOPED:  # pragma: no cover - guarded by the policy test
        return Decision(False, f"{action.value} is not about a unit")
    if unit_code is None:
        return Decision(False, f"{action.value} needs a unit for {principal.role.value}")
    if unit_code in principal.units:
        return Decision(True, f"{unit_code} is one of {principal.username}'s units")
    return Decision(False, f"{unit_code} is not one of {principal.username}'s units")


def allowed_somewhere(principal: Principal, action: Action | str) -> bool:
    """May `principal` do `action` on at least one unit (or everywhere)? For a route
    guard in front of an object whose unit is only known once the service has loaded it
    (a response id, say): the guard lets the request through, and the service then
    calls `require(principal, action, unit)` with the object's unit."""
    try:
        action = Action(action)
    except ValueError:
        return False
    scope = POLICY[principal.role][action]
    return scope is Scope.ALL or (scope is Scope.OWN_UNITS and bool(principal.units))


def require(principal: Principal, action: Action | str, unit_code: str | None = None) -> None:
    """Raise PermissionDenied unless `decide` allows the action."""
    decision = decide(principal, action, unit_code)
    if not decision:
        raise PermissionDenied(
            Text("Du har inte behörighet att göra detta.",
            "You are not allowed to do this."),
        )


def visible_units(principal: Principal, action: Action | str, all_units: Iterable[str]) -> list[str]:
    """The units among `all_units` on which `principal` may do `action`: for list
    endpoints, which must filter rather than refuse."""
    return [code for code in all_units if decide(principal, action, code)]
