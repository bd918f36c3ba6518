"""The demo's sign-off (docs/sign-off.md): a förvaltningschef per förvaltning who can log
in, the 2024 round approved, some 2026 responses approved, one returned with a comment."""
from tests.helpers.auth import cheap_password_hashing
from survey_engine.services import login, overview, rounds, signoff
from survey_engine.services.access import system_actor
from survey_engine.services.demo import RETURNED_2026, UNITS, load_demo
from survey_engine.services.policy import Role
from survey_engine.services.signoff_demo import APPROVED_2026

ADMIN = system_actor("tests")


async def test_demo_has_approvers_approvals_and_one_return(db, questionnaires_dir, monkeypatch):
    cheap_password_hashing(monkeypatch)
    lines: list[str] = []
    await load_demo(questionnaires_dir, log=lines.append)
    assert any("godkännanden / sign-off" in line for line in lines)
    table = "\n".join(lines)
    assert "demo-chef-asf" in table and "approver" in table
    rows = {row.split()[0]: row.split() for row in table.splitlines() if row.strip().startswith("demo-")}
    items, _ = await rounds.list_rounds()
    r24, r26 = items
    ov24 = await overview.round_overview(r24.id, actor=ADMIN)
    assert ov24.approved == ov24.submitted == 14
    ov26 = await overview.round_overview(r26.id, actor=ADMIN)
    stages = {u.unit: u.stage for u in ov26.units}
    assert {c for c, s in stages.items() if s == "approved"} == set(APPROVED_2026)
    assert {c for c, s in stages.items() if s == "submitted"}  # some still wait for their chef
    returned = next(u for u in ov26.units if u.unit in RETURNED_2026)
    state = await signoff.signoff_state(returned.response_id, actor=ADMIN)
    assert state.returned and "kontinuitetsplanen" in state.latest.comment
    assert state.latest.decided_by == "demo-chef-asf"

    # the printed approver logins work, each bound to its own förvaltning
    assert rows["demo-chef-asf"][2:] == ["approver", "ASF"]
    principal = await login.authenticate("demo-chef-asf", rows["demo-chef-asf"][1])
    assert principal.role is Role.APPROVER and principal.units == frozenset({"ASF"})
    queue = await signoff.approval_queue(actor=principal)
    assert queue == []  # ASF's response is back with its respondents
    waiting = {u.unit for u in ov26.units if u.stage == "submitted"}
    code = sorted(waiting)[0]
    other = await login.authenticate(f"demo-chef-{code.lower()}", rows[f"demo-chef-{code.lower()}"][1])
    assert [i.unit for i in await signoff.approval_queue(actor=other)] == [code]
    assert sum(1 for name in rows if name.startswith("demo-chef-")) == len(UNITS)
