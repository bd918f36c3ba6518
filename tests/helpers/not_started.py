"""A round where some units have not started, for the comparison export tests of the
services and the API (docs/web-pages.md, "Comparison export")."""
from __future__ import annotations

from survey_engine.services import responses, units as units_service
from survey_engine.services.access import system_actor
from survey_engine.services.units import UnitInput
from tests.survey_samples import FULL_2024, V2024, setup_round

ADMIN = system_actor("tests")


async def seed_round_with_units_not_started() -> int:
    """The round id. b submitted, d a draft; a and c (named as a formula, so its name
    sorts first) have not started."""
    rnd = await setup_round(V2024, ("a", "b", "c", "d"))
    await units_service.import_units([UnitInput("c", "=HYPERLINK(\"x\")", 10.0)], actor=ADMIN)
    for code in ("b", "d"):
        state, _ = await responses.start_response(rnd.id, code, actor=ADMIN)
        state = await responses.save_answers(state.id, state.revision, FULL_2024, actor=ADMIN)
        if code == "b":
            await responses.submit_response(state.id, actor=ADMIN)
    return rnd.id
