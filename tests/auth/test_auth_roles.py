"""The permission policy, checked against an independent table of every role × action
× (own unit / other unit / no unit)."""
import pytest

from survey_engine.errors import PermissionDenied
from survey_engine.services.policy import (
    POLICY,
    UNIT_SCOPED,
    Action,
    Decision,
    Principal,
    Role,
    decide,
    require,
    visible_units,
)

# What each role may do, written out by hand from issue 5 (not derived from POLICY):
# "A" everywhere, "O" only on the principal's own units, absent = never.
EXPECTED = {
    Role.ADMIN: {a.value: "A" for a in Action},
    Role.ANALYST: {
        "questionnaire.read": "A", "unit.read": "A", "round.read": "A", "response.read": "A", "scores.read": "A",
        "overview.read": "A", "export.read": "A", "plan.read": "A", "token.manage_own": "A", "account.manage_own": "A",
        "indicator.read": "A", "indicator.manage": "A", "reminder.read": "A", "reminder.send": "A",
        "recommendation.read": "A", "provider.manage": "A",
    },
    Role.PLANNER: {
        "questionnaire.read": "A", "unit.read": "A", "round.read": "A", "response.read": "A", "scores.read": "A",
        "overview.read": "A", "plan.read": "A", "plan.write": "A", "token.manage_own": "A", "account.manage_own": "A",
        "recommendation.read": "A", "recommendation.write": "A",
        "indicator.read": "A",
    },
    Role.RESPONDENT: {
        "questionnaire.read": "A", "unit.read": "A", "round.read": "A", "response.read": "O", "response.write": "O",
        "response.submit": "O", "scores.read": "O", "plan.read": "O", "token.manage_own": "A", "account.manage_own": "A",
        "indicator.read": "O",
    },
    Role.AUDITOR: {
        "questionnaire.read": "A", "unit.read": "A", "round.read": "A", "response.read": "A", "scores.read": "A",
        "overview.read": "A", "export.read": "A", "plan.read": "A", "audit.read": "A",
        "token.manage_own": "A", "account.manage_own": "A", "indicator.read": "A", "reminder.read": "A",
        "recommendation.read": "A",
    },
    # issue 17 item 2 (docs/sign-off.md): the förvaltningschef reads and signs off their
    # own units' responses and results, and writes no answers.
    Role.APPROVER: {
        "questionnaire.read": "A", "unit.read": "A", "round.read": "A", "response.read": "O",
        "response.approve": "O", "scores.read": "O", "plan.read": "O", "indicator.read": "O",
        "token.manage_own": "A", "account.manage_own": "A",
    },
}

OWN, OTHER = "SOC", "KS"


def principal(role: Role) -> Principal:
    units = {OWN, "UTB"} if role in (Role.RESPONDENT, Role.APPROVER) else set()
    return Principal("someone", role, frozenset(units))


CASES = [
    (role, action, where)
    for role in Role
    for action in Action
    for where in ("own", "other", "none")
]


@pytest.mark.parametrize("role,action,where", CASES, ids=[f"{r.value}-{a.value}-{w}" for r, a, w in CASES])
def test_matrix(role, action, where):
    unit = {"own": OWN, "other": OTHER, "none": None}[where]
    expected_scope = EXPECTED[role].get(action.value)
    if expected_scope == "A":
        expected = True
    elif expected_scope == "O":
        expected = where == "own"
    else:
        expected = False
    decision = decide(principal(role), action, unit)
    assert isinstance(decision, Decision)
    assert decision.allowed is expected, decision.reason
    assert bool(decision) is expected
    # The string form of an action decides the same way.
    assert decide(principal(role), action.value, unit).allowed is expected


def test_the_enumeration_is_the_one_the_api_relies_on():
    assert {a.value for a in Action} == {
        "questionnaire.read", "questionnaire.publish", "round.read", "round.manage", "response.read",
        "response.write", "response.submit", "response.reopen", "scores.read", "overview.read",
        "export.read", "plan.read", "plan.write", "audit.read", "user.manage", "unit.read", "unit.manage",
        "token.manage_own", "account.manage_own", "indicator.read", "indicator.manage", "reminder.read", "reminder.send",
        "recommendation.read", "recommendation.write", "provider.manage", "response.approve",
    }
    assert set(POLICY) == set(Role)
    for role in Role:
        assert set(POLICY[role]) == set(Action), role


def test_only_unit_scoped_actions_are_granted_per_unit():
    from survey_engine.services.policy import Scope

    for role, row in POLICY.items():
        for action, scope in row.items():
            if scope is Scope.OWN_UNITS:
                assert action in UNIT_SCOPED, (role, action)


def test_auditor_changes_nothing():
    writes = {a for a in Action if not a.value.endswith(".read")} - {Action.TOKEN_MANAGE_OWN, Action.ACCOUNT_MANAGE_OWN}
    auditor = principal(Role.AUDITOR)
    assert not any(decide(auditor, a, OWN) for a in writes)


def test_respondent_without_units_may_read_no_responses():
    lonely = Principal("x", Role.RESPONDENT)
    assert not decide(lonely, Action.RESPONSE_READ, OWN)
    assert decide(lonely, Action.QUESTIONNAIRE_READ)


def test_unknown_action_is_refused_even_for_admin():
    decision = decide(principal(Role.ADMIN), "response.delete")
    assert not decision
    assert "unknown action" in decision.reason


def test_require_raises_with_a_sentence():
    require(principal(Role.RESPONDENT), Action.RESPONSE_WRITE, OWN)
    with pytest.raises(PermissionDenied) as info:
        require(principal(Role.RESPONDENT), Action.RESPONSE_WRITE, OTHER)
    assert "behörighet" in info.value.text.sv and "not allowed" in info.value.text.en


def test_visible_units_filters_lists():
    units = ["KS", "SOC", "UTB", "MILJ"]
    assert visible_units(principal(Role.RESPONDENT), Action.SCORES_READ, units) == ["SOC", "UTB"]
    assert visible_units(principal(Role.ANALYST), Action.SCORES_READ, units) == units
    assert visible_units(principal(Role.ANALYST), Action.PLAN_WRITE, units) == []


def test_allowed_somewhere_lets_unit_checks_wait_for_the_service():
    from survey_engine.services.policy import allowed_somewhere

    for role in Role:
        for action in Action:
            expected = EXPECTED[role].get(action.value) in ("A", "O")
            assert allowed_somewhere(principal(role), action) is expected, (role, action)
    assert not allowed_somewhere(Principal("x", Role.RESPONDENT), Action.RESPONSE_READ)  # no units at all
    assert not allowed_somewhere(principal(Role.ADMIN), "nonsense")


def test_principal_coerces_role_and_units():
    p = Principal("a", "planner", ["X", "X"])
    assert p.role is Role.PLANNER and p.units == frozenset({"X"})
    assert p.can("plan.write") and not p.can("user.manage")
    with pytest.raises(ValueError):
        Principal("a", "boss")


def test_sign_off_is_the_approvers_on_their_own_units_only():
    """An approver of SOC may approve SOC, not KS; never edits, submits or reopens; a
    respondent never approves, not even their own unit's response (docs/sign-off.md)."""
    approver = Principal("chef", Role.APPROVER, frozenset({OWN}))
    assert decide(approver, Action.RESPONSE_APPROVE, OWN)
    assert not decide(approver, Action.RESPONSE_APPROVE, OTHER)
    assert not decide(approver, Action.RESPONSE_APPROVE)
    for action in (Action.RESPONSE_WRITE, Action.RESPONSE_SUBMIT, Action.RESPONSE_REOPEN, Action.OVERVIEW_READ,
                   Action.EXPORT_READ):
        assert not decide(approver, action, OWN), action
    respondent = Principal("r", Role.RESPONDENT, frozenset({OWN}))
    assert not decide(respondent, Action.RESPONSE_APPROVE, OWN)
    assert not decide(Principal("x", Role.APPROVER), Action.RESPONSE_READ, OWN)  # no units: nothing
