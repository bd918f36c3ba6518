"""The demo's sign-off (docs/sign-off.md): every förvaltning has a förvaltningschef
(`demo-chef-<code>`, services/demo_users.py). In the closed 2024 round each submitted
response was approved in May 2024; in the open 2026 round some are approved, some wait,
and one was returned with a comment, so its respondents see the banner."""
from __future__ import annotations

import datetime as dt

from survey_engine import clock
from survey_engine.services import signoff
from survey_engine.services.demo_users import approver_username
from survey_engine.services.policy import Principal, Role
from survey_engine.store.tables import Response

APPROVED_2026 = ("SK", "HVOF", "MF", "SF", "MKB")
RETURNED_2026 = {"ASF": "Området Kontinuitet och återställning saknar belägg: bifoga den beslutade "
                        "kontinuitetsplanen. Stäm också av svaren om säkerhetskopior med Serviceförvaltningen, "
                        "som driftar era system."}
COMMENTS_2024 = {"SK": "Godkänt; följ upp utbildningsfrågorna nästa år.", "HVOF": "Godkänt efter genomgång i "
                 "ledningsgruppen."}


def chef(code: str) -> Principal:
    return Principal(approver_username(code), Role.APPROVER, frozenset({code}), via="cli")


async def _responses(round_id: int) -> dict[str, int]:
    rows = await Response.select(Response.id, Response.unit.code.as_alias("code")).where(Response.round == round_id)
    return {r["code"]: r["id"] for r in rows}


async def load_demo_signoff(r24: int, r26: int, log=print) -> dict[str, int]:
    """Approve the 2024 round's submitted responses (dated May 2024), approve some of the
    2026 round's, return one. The return sends no e-mail here (the demo has no mail
    server); the loader's log says so."""
    from survey_engine.services.demo import _clock_at  # the demo's clock; imported late: demo imports this module

    approved = 0
    with _clock_at(dt.datetime(2024, 5, 20, 10, 0, tzinfo=clock.STOCKHOLM)):
        for code, rid in sorted((await _responses(r24)).items()):
            state = await signoff.signoff_state(rid, actor=chef(code))
            if state.state == signoff.AWAITING:
                await signoff.approve(rid, actor=chef(code), comment=COMMENTS_2024.get(code, ""))
                approved += 1
    ids26 = await _responses(r26)
    for code in APPROVED_2026:
        if code in ids26:
            await signoff.approve(ids26[code], actor=chef(code))
            approved += 1
    returned = 0
    for code, comment in RETURNED_2026.items():
        if code in ids26:
            await signoff.return_response(ids26[code], comment, actor=chef(code), notify=False)
            returned += 1
    log(f"  godkännanden / sign-off: {approved} godkända / approved, {returned} återsänt / returned")
    return {"approved": approved, "returned": returned}
