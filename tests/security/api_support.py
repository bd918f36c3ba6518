"""Data and credentials shared by the security tests (a plain module, not a conftest)."""
from __future__ import annotations

from tests.helpers.auth import make_token
from survey_engine.services import responses
from survey_engine.services.access import system_actor
from tests.survey_samples import FULL_2024, V2024, setup_round

SYSTEM = system_actor("tests")
token_for = make_token  # the older name; use helpers.auth.make_token


async def seed_round(units=("a", "b")) -> dict:
    """An open round on V2024 (units a and b by default): every unit's response fully
    answered with a comment, a's a draft, b's submitted (so it has a snapshot). Returns
    {"round": id, "responses": {code: id}}."""
    rnd = await setup_round(V2024, units)
    ids = {}
    for code in units:
        state, _ = await responses.start_response(rnd.id, code, actor=SYSTEM)
        state = await responses.save_answers(state.id, state.revision, FULL_2024,
                                             comments={"policy": f"kommentar {code}"}, actor=SYSTEM)
        ids[code] = state.id
    if "b" in ids:
        await responses.submit_response(ids["b"], actor=SYSTEM)
    return {"round": rnd.id, "responses": ids}
