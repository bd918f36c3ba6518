"""The demo's shared answers (issue 17, item 5): Serviceförvaltningen answers the
it-drift questions for the other förvaltningar in the open 2026 round, and a few
förvaltningar answer a question themselves with their reason."""
from survey_engine.services import provided, responses
from survey_engine.services.access import system_actor
from survey_engine.services.demo import NOT_SERVED, NOT_STARTED_2026, OVERRIDES, PROVIDER, UNITS, load_demo
from survey_engine.services.round_results import load_round

ADMIN = system_actor("tests")


async def test_demo_serviceforvaltningen_answers_the_it_questions(db, questionnaires_dir):
    result = await load_demo(questionnaires_dir, log=lambda *_: None)
    r24, r26 = result["rounds"]
    assert await provided.list_providers(r24, actor=ADMIN) == []
    [link] = await provided.list_providers(r26, actor=ADMIN)
    assert (link["provider"], link["provider_name"], link["selector"]) == (PROVIDER, "Serviceförvaltningen",
                                                                          "tag:it-drift")
    assert {"tek-patchning", "tek-overvakning", "kon-backup"} <= set(link["questions"])
    assert set(link["served"]) == {u.code for u in UNITS} - {PROVIDER} - NOT_SERVED
    data = await load_round(r26)
    units = {u.code: u for u in data.units}
    sf = units[PROVIDER]
    for code in link["served"]:
        if code in NOT_STARTED_2026:
            continue
        entry = units[code]
        for qid in link["questions"]:
            overridden = [o for o in OVERRIDES.get(code, []) if o[0] == qid]
            if overridden:
                assert entry.sources[qid]["source"] == "override" and entry.answers[qid] == overridden[0][1]
            else:
                assert entry.sources[qid]["source"] == "provided"
                assert entry.answers.get(qid) == sf.answers.get(qid), (code, qid)
    assert not units["MKB"].sources
    # the override's reason is on the served unit's page data
    hvof = units["HVOF"]
    info = await provided.provided_for_response(hvof.response_id, actor=ADMIN)
    assert info["questions"]["kon-backup"]["source"] == "override"
    assert "Journalsystemet" in info["questions"]["kon-backup"]["reason"]
    state = await responses.get_response(hvof.response_id, actor=ADMIN)
    assert state.answers["tek-patchning"].updated_by.startswith("provided:SF:")
