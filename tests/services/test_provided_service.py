"""Shared answers (issue 17, item 1; docs/shared-answers.md) through the services: a
provider's answer reaches the served units, an override wins and needs a reason, the
provider's later change flows (with history rows), and scores, the round's results and
the city report use the effective answers."""
import json

import pytest

from tests.helpers.provided import DELAD, DELAD_NEXT, VILLKOR
from survey_engine.errors import Conflict, Invalid, NotFound, PermissionDenied
from survey_engine.questionnaire.load import parse_questionnaire
from survey_engine.scoring import score_response
from survey_engine.services import overview, provided, reports, responses, rounds
from survey_engine.services.access import system_actor
from survey_engine.services.policy import Principal, Role
from survey_engine.services.round_results import load_round
from survey_engine.store.auth_tables import AuditEvent
from survey_engine.store.provided_tables import ProvidedOverride
from tests.survey_samples import setup_round

ADMIN = system_actor("tests")

def resp(unit: str) -> Principal:
    return Principal(f"{unit}.svarande", Role.RESPONDENT, frozenset({unit}), via="cli")


async def _world():
    rnd = await setup_round(DELAD, units=("it", "a", "b"))
    await provided.set_provider(rnd.id, "it", "tag:it-drift", None, actor=ADMIN)
    p, _ = await responses.start_response(rnd.id, "it", actor=resp("it"))
    p = await responses.save_answers(p.id, p.revision, {"backup": "ja", "patchar": "delvis", "logg": "ja"},
                                     comments={"patchar": "Månadsvis"}, evidence={"backup": "Driftrutin 4.2"},
                                     actor=resp("it"))
    return rnd, p


async def test_provider_answer_reaches_served_units_read_only(db):
    rnd, p = await _world()
    a, _ = await responses.start_response(rnd.id, "a", actor=resp("a"))
    assert {k: v.value for k, v in a.answers.items()} == {"backup": "ja", "patchar": "delvis", "logg": "ja"}
    assert a.answers["patchar"].comment == "Månadsvis"
    assert a.answers["backup"].evidence == "Driftrutin 4.2"
    assert a.answers["backup"].updated_by.startswith("provided:it:")
    info = await provided.provided_for_response(a.id, actor=resp("a"))
    assert info["questions"]["logg"]["source"] == "provided"
    assert info["questions"]["logg"]["provider_name"] == "Enhet it"
    assert "policy" not in info["questions"]
    # the served unit cannot change the provider's answer, not even through an import
    with pytest.raises(PermissionDenied) as exc:
        await responses.save_answers(a.id, a.revision, {"logg": "nej"}, actor=resp("a"))
    assert "Enhet it" in exc.value.text.sv and exc.value.errors[0]["question"] == "logg"
    with pytest.raises(PermissionDenied):
        await responses.save_answers(a.id, a.revision, {}, comments={"logg": "vi vet bättre"}, actor=resp("a"))
    with pytest.raises(PermissionDenied):
        await responses.import_answers(a.id, {"questionnaire": "delad", "version": "2026.1",
                                                 "answers": {"policy": "ja", "logg": "nej"}}, actor=resp("a"))
    # its own questions it answers as ever; an import without the provided ones keeps them
    a = await responses.import_answers(a.id, {"questionnaire": "delad", "version": "2026.1",
                                                 "answers": {"policy": "ja"}}, actor=resp("a"))
    assert a.answers["logg"].value == "ja" and a.answers["policy"].value == "ja"
    # the provider's own unit reads which units it answers for
    mine = await provided.provided_for_response(p.id, actor=resp("it"))
    assert mine["serves"][0]["units"] == ["a", "b"] and mine["questions"] == {}
    # another unit's respondent reads neither
    with pytest.raises(PermissionDenied):
        await provided.provided_for_response(a.id, actor=resp("b"))


async def test_override_needs_a_reason_wins_and_can_be_undone(db):
    rnd, p = await _world()
    a, _ = await responses.start_response(rnd.id, "a", actor=resp("a"))
    for reason in ("", "   ", None, "x" * 2001, "fel\x00tecken"):
        with pytest.raises(Invalid):
            await provided.override_answer(a.id, "logg", "nej", reason, revision=a.revision, actor=resp("a"))
    with pytest.raises(NotFound):  # not a provided question
        await provided.override_answer(a.id, "policy", "nej", "skäl", revision=a.revision, actor=resp("a"))
    with pytest.raises(PermissionDenied):  # another unit's respondent
        await provided.override_answer(a.id, "logg", "nej", "skäl", revision=a.revision, actor=resp("b"))
    a = await provided.override_answer(a.id, "logg", "nej", "Vår egen larmcentral övervakar inte helger",
                                       comment="egen", revision=a.revision, actor=resp("a"))
    assert a.answers["logg"].value == "nej" and a.answers["logg"].comment == "egen"
    info = await provided.provided_for_response(a.id, actor=resp("a"))
    assert info["questions"]["logg"]["source"] == "override"
    assert info["questions"]["logg"]["reason"] == "Vår egen larmcentral övervakar inte helger"
    assert info["questions"]["logg"]["provider_value"] == "ja"
    # an overridden question is the unit's own: it saves it as any other
    a = await responses.save_answers(a.id, a.revision, {"logg": "delvis"}, actor=resp("a"))
    events = await AuditEvent.select(AuditEvent.action, AuditEvent.details).where(
        AuditEvent.action == "provided.override").output(load_json=True)
    assert len(events) == 1 and "larmcentral" in json.dumps(events[0]["details"], ensure_ascii=False)
    # back to the provider's answer
    a = await provided.remove_override(a.id, "logg", revision=a.revision, actor=resp("a"))
    assert a.answers["logg"].value == "ja" and a.answers["logg"].comment == ""
    assert not await ProvidedOverride.exists()
    with pytest.raises(NotFound):
        await provided.remove_override(a.id, "logg", actor=resp("a"))
    assert await AuditEvent.exists().where(AuditEvent.action == "provided.override_remove")


async def test_provider_change_flows_with_history_except_overrides(db):
    rnd, p = await _world()
    a, _ = await responses.start_response(rnd.id, "a", actor=resp("a"))
    b, _ = await responses.start_response(rnd.id, "b", actor=resp("b"))
    a = await provided.override_answer(a.id, "logg", "nej", "Egen drift av larm", revision=a.revision,
                                       actor=resp("a"))
    b = await responses.save_answers(b.id, b.revision, {"policy": "ja"}, actor=resp("b"))
    b = await responses.submit_response(b.id, actor=resp("b"), revision=b.revision)
    p = await responses.save_answers(p.id, p.revision, {"logg": "delvis", "patchar": "ja"}, actor=resp("it"))
    a2 = await responses.get_response(a.id, actor=ADMIN)
    b2 = await responses.get_response(b.id, actor=ADMIN)
    assert a2.answers["logg"].value == "nej" and a2.answers["patchar"].value == "ja"
    assert b2.answers["logg"].value == "delvis" and b2.answers["patchar"].value == "ja"
    assert b2.status == "submitted" and b2.revision == b.revision + 1
    history, _ = await responses.answer_history(b.id, "logg", actor=ADMIN)
    assert [(h.old_value, h.new_value) for h in history] == [(None, "ja"), ("ja", "delvis")]
    assert history[-1].actor == "provided:it:it.svarande"
    # the round's results (the one read path) read the effective answers and their source
    data = await load_round(rnd.id)
    units = {u.code: u for u in data.units}
    assert units["b"].answers["logg"] == "delvis" and units["a"].answers["logg"] == "nej"
    assert units["b"].sources["logg"]["source"] == "provided" and units["a"].sources["logg"]["source"] == "override"
    assert "policy" not in units["b"].sources
    # a submitted served response is scored on the provider's new answer (a new snapshot)
    expected = score_response(data.questionnaire, {"policy": "ja", "backup": "ja", "patchar": "ja", "logg": "delvis"})
    assert units["b"].result.overall.percent == expected.overall.percent and units["b"].submitted
    live = await responses.live_scores(b.id, actor=ADMIN)
    assert live.scores["overall"]["percent"] == expected.overall.percent
    # the city report says where each answer came from
    content, _, _ = await reports.city_report(rnd.id, "json", include_drafts=True)
    doc = json.loads(content)
    rows = {(u["code"], r["id"]): r for u in doc["units"] for r in u["answers"]}
    assert rows[("b", "logg")]["source_text"] == "Besvaras av Enhet it"
    assert rows[("a", "logg")]["source"] == "override" and rows[("a", "policy")]["source"] == "own"
    csv_bytes, _, _ = await reports.city_report(rnd.id, "csv", csv_table="answers", include_drafts=True)
    assert "Besvaras av Enhet it" in csv_bytes.decode("utf-8")
    # the round export (JSON) too
    export = await overview.export_round(rnd.id, actor=ADMIN)
    by_unit = {r["unit"]: r for r in export["responses"]}
    assert by_unit["b"]["sources"]["logg"]["source"] == "provided" and by_unit["b"]["answers"]["answers"]["logg"] == "delvis"
    assert by_unit["a"]["sources"]["logg"]["source"] == "override" and by_unit["it"]["sources"] == {}
    xlsx, _, _ = await reports.unit_report(rnd.id, "a", "xlsx", include_drafts=True)
    from openpyxl import load_workbook
    import io
    cells = [c.value for ws in load_workbook(io.BytesIO(xlsx)).worksheets for row in ws.iter_rows() for c in row]
    assert "Källa" in cells and "Eget svar (avviker från Enhet it)" in cells


async def test_configuration_is_checked_and_audited(db):
    rnd = await setup_round(DELAD, units=("it", "a", "b", "c"))
    with pytest.raises(Invalid) as exc:
        await provided.set_provider(rnd.id, "it", "tag:it", None, actor=ADMIN)
    assert "it-drift" in exc.value.text.sv  # names the tags there are
    with pytest.raises(Invalid) as exc:
        await provided.set_provider(rnd.id, "it", "area:teknik", None, actor=ADMIN)
    assert "styr, drift" in exc.value.text.en
    for bad in ("it-drift", "kind:x", "", None, "tag:"):
        with pytest.raises(Invalid):
            await provided.set_provider(rnd.id, "it", bad, None, actor=ADMIN)
    with pytest.raises(Invalid):
        await provided.set_provider(rnd.id, "it", "tag:it-drift", ["it"], actor=ADMIN)
    with pytest.raises(Invalid):
        await provided.set_provider(rnd.id, "it", "tag:it-drift", ["okand"], actor=ADMIN)
    with pytest.raises(PermissionDenied):
        await provided.set_provider(rnd.id, "it", "tag:it-drift", None, actor=resp("it"))
    items = await provided.set_provider(rnd.id, "it", "tag:it-drift", ["a", "b"], actor=ADMIN)
    assert items == [{"provider": "it", "provider_name": "Enhet it", "selector": "tag:it-drift",
                      "questions": ["backup", "patchar", "logg"], "served": ["a", "b"],
                      "served_names": ["Enhet a", "Enhet b"]}]
    again = await provided.set_provider(rnd.id, "it", "tag:it-drift", ["a", "b"], actor=ADMIN)
    assert again == items
    with pytest.raises(Conflict):  # a served unit cannot provide
        await provided.set_provider(rnd.id, "a", "area:styr", ["c"], actor=ADMIN)
    with pytest.raises(Conflict):  # nor a provider be served
        await provided.set_provider(rnd.id, "c", "area:styr", ["it"], actor=ADMIN)
    with pytest.raises(Conflict):  # one provider per question and unit
        await provided.set_provider(rnd.id, "c", "area:drift", ["b"], actor=ADMIN)
    items = await provided.remove_provider(rnd.id, "it", "tag:it-drift", ["b"], actor=ADMIN)
    assert items[0]["served"] == ["a"]
    actions = [r["action"] for r in await AuditEvent.select(AuditEvent.action).where(
        AuditEvent.action.like("provided.%")).order_by(AuditEvent.id)]
    assert actions == ["provided.set", "provided.remove"]
    assert (await provided.list_providers(rnd.id, actor=resp("a")))[0]["served"] == ["a"]


async def test_next_round_keeps_the_provider_links(db):
    rnd, p = await _world()
    from survey_engine.services import questionnaires

    await questionnaires.publish_questionnaire(DELAD_NEXT, actor=ADMIN)
    nxt = await rounds.create_round("Nästa", "delad", "2027.1", ["it", "a", "b"], actor=ADMIN)
    items = await provided.list_providers(nxt.id, actor=ADMIN)
    assert [(i["provider"], i["selector"], i["served"]) for i in items] == [("it", "tag:it-drift", ["a", "b"])]
    await rounds.open_round(nxt.id, actor=ADMIN)
    p2, _ = await responses.start_response(nxt.id, "it", actor=resp("it"))  # pre-filled from last round
    a2, _ = await responses.start_response(nxt.id, "a", actor=resp("a"))
    assert a2.answers["patchar"].value == "delvis"
    assert a2.answers["patchar"].updated_by.startswith("provided:it:")


async def test_provider_and_served_units_saving_at_once(db):
    """The provider's saves lock the served responses in one order, before the audit
    chain: saving at the same moment as the served units never deadlocks and loses
    nothing (each side retries a stale revision, as the page does)."""
    import asyncio

    rnd, p = await _world()
    served = {}
    for code in ("a", "b"):
        s, _ = await responses.start_response(rnd.id, code, actor=resp(code))
        served[code] = s.id

    async def save(response_id, unit, answers):
        for _ in range(20):
            state = await responses.get_response(response_id, actor=ADMIN)
            try:
                return await responses.save_answers(response_id, state.revision, answers, actor=resp(unit))
            except Conflict:
                continue
        raise AssertionError("never saved")

    values = ["ja", "nej", "delvis"]
    jobs = []
    for i in range(6):
        jobs.append(save(p.id, "it", {"logg": values[i % 3], "backup": values[(i + 1) % 3]}))
        jobs.append(save(served["a"], "a", {"policy": values[i % 3]}))
        jobs.append(save(served["b"], "b", {"policy": values[(i + 2) % 3]}))
    await asyncio.gather(*jobs)
    final_p = await responses.get_response(p.id, actor=ADMIN)
    for code, rid in served.items():
        state = await responses.get_response(rid, actor=ADMIN)
        for qid in ("logg", "backup", "patchar"):
            assert state.answers[qid].value == final_p.answers[qid].value, (code, qid)
        history, total = await responses.answer_history(rid, "logg", limit=1000, actor=ADMIN)
        assert all(h.actor.startswith("provided:it:") for h in history)


async def test_links_and_overrides_survive_backup_and_restore(db, reset_database):
    from survey_engine.store import backup
    from survey_engine.store.provided_tables import ProviderLink
    import io

    rnd, p = await _world()
    a, _ = await responses.start_response(rnd.id, "a", actor=resp("a"))
    await provided.override_answer(a.id, "logg", "nej", "Egen larmcentral", revision=a.revision, actor=resp("a"))
    out = io.StringIO()
    await backup.write_backup(out, key=b"k" * 40)
    header, rows = backup.read_backup(iter(out.getvalue().splitlines(True)), key=b"k" * 40)
    await reset_database()
    assert not await ProviderLink.exists()
    await backup.restore_backup(header, rows)
    assert [i["served"] for i in await provided.list_providers(rnd.id, actor=ADMIN)] == [["a", "b"]]
    info = await provided.provided_for_response(a.id, actor=ADMIN)
    assert (info["questions"]["logg"]["source"], info["questions"]["logg"]["reason"]) == ("override", "Egen larmcentral")


async def test_show_if_on_a_provided_question_uses_the_effective_answer(db):
    """A question of the served unit that shows only when a provided question is ja or
    delvis follows the provider's answer (and the override, when there is one): the
    score, the missing required questions and the submission see the effective value."""
    rnd = await setup_round(VILLKOR, units=("it", "a"))
    await provided.set_provider(rnd.id, "it", "tag:it-drift", ["a"], actor=ADMIN)
    p, _ = await responses.start_response(rnd.id, "it", actor=resp("it"))
    p = await responses.save_answers(p.id, p.revision, {"backup": "nej"}, actor=resp("it"))
    a, _ = await responses.start_response(rnd.id, "a", actor=resp("a"))
    q = parse_questionnaire(VILLKOR)

    def status(state, qid):
        result = score_response(q, responses.values_of(state)).to_dict()
        return {i["id"]: i["status"] for i in result["questions"]}[qid], result

    # the provider says nej: the dependent question is hidden, so not required
    a = await responses.save_answers(a.id, a.revision, {"rutin": "ja"}, actor=resp("a"))
    assert status(a, "aterlasning")[0] == "hidden"
    # the provider changes to ja: it shows and is missing; the submission names it
    p = await responses.save_answers(p.id, p.revision, {"backup": "ja"}, actor=resp("it"))
    a = await responses.get_response(a.id, actor=resp("a"))
    shown, result = status(a, "aterlasning")
    assert shown == "missing"
    assert responses.missing_required(q, result, responses.values_of(a)) == ["aterlasning"]
    with pytest.raises(Invalid) as exc:
        await responses.submit_response(a.id, actor=resp("a"), revision=a.revision)
    assert exc.value.extra["missing"] == ["aterlasning"]
    a = await responses.save_answers(a.id, a.revision, {"aterlasning": "ja"}, actor=resp("a"))
    assert status(a, "aterlasning")[0] == "answered"
    # the provider goes back to nej: the answer stays stored but counts no more
    p = await responses.save_answers(p.id, p.revision, {"backup": "nej"}, actor=resp("it"))
    a = await responses.get_response(a.id, actor=resp("a"))
    assert a.answers["aterlasning"].value == "ja" and status(a, "aterlasning")[0] == "hidden"
    # the unit's own answer (an override) wins over the provider's
    a = await provided.override_answer(a.id, "backup", "delvis", "Vi tar egna kopior av arkivet",
                                       revision=a.revision, actor=resp("a"))
    assert status(a, "aterlasning")[0] == "answered"
    a = await responses.submit_response(a.id, actor=resp("a"), revision=a.revision)
    assert a.status == "submitted"
