"""A round where a provider's evidence files reach served units (docs/shared-answers.md,
docs/evidence.md "In the reports"), for the report tests of the services and the API."""
from __future__ import annotations

from survey_engine.services import evidence, provided, responses, units as units_service
from survey_engine.services.access import system_actor
from survey_engine.services.policy import Principal, Role
from survey_engine.services.units import UnitInput
from tests.helpers.evidence_files import pdf_bytes
from tests.helpers.provided import DELAD
from tests.survey_samples import setup_round

ADMIN = system_actor("tests")
SECRET = "INNEHALL-SOM-INTE-SKA-SYNAS"  # in the files' contents: never in a report
SF = "Serviceförvaltningen"


def resp(unit: str) -> Principal:
    return Principal(f"{unit}.svarande", Role.RESPONDENT, frozenset({unit}), via="cli")


async def seed_shared_evidence() -> int:
    """The round id. sf (Serviceförvaltningen) answers the it-drift questions (backup,
    patchar, logg) for a and b, not for c. sf attaches files to backup and patchar and to
    its own policy question; a attaches its own policy file and overrides patchar. Every
    unit has started (a unit report needs a response); sf has submitted."""
    rnd = await setup_round(DELAD, units=("sf", "a", "b", "c"))
    await units_service.import_units([UnitInput("sf", SF, 10.0)], actor=ADMIN)
    await provided.set_provider(rnd.id, "sf", "tag:it-drift", ["a", "b"], actor=ADMIN)
    p, _ = await responses.start_response(rnd.id, "sf", actor=resp("sf"))
    await responses.save_answers(p.id, p.revision, {"policy": "ja", "backup": "ja", "patchar": "delvis",
                                                    "logg": "ja"}, actor=resp("sf"))
    await evidence.add_file(p.id, "backup", "Driftrutin.pdf", pdf_bytes(SECRET), actor=resp("sf"))
    await evidence.add_file(p.id, "patchar", "Patchrutin.txt", f"{SECRET}\n".encode(), actor=resp("sf"))
    await evidence.add_file(p.id, "policy", "SF-policy.pdf", pdf_bytes(), actor=resp("sf"))
    await responses.submit_response(p.id, actor=resp("sf"))  # so the city report has a figure to show
    for code in ("a", "b", "c"):
        state, _ = await responses.start_response(rnd.id, code, actor=resp(code))
        state = await responses.save_answers(state.id, state.revision, {"policy": "ja"}, actor=resp(code))
        if code == "a":
            await evidence.add_file(state.id, "policy", "Vår policy.pdf", pdf_bytes(), actor=resp("a"))
            await provided.override_answer(state.id, "patchar", "nej", "Vi patchar våra egna system själva",
                                           revision=state.revision, actor=resp("a"))
    return rnd.id
