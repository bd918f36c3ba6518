"""The whole flow through the JSON API, on the database of this pass."""
import asyncio

import pytest

from survey_engine.questionnaire.load import parse_questionnaire
from survey_engine.scoring import ENGINE_VERSION, score_response
from tests.survey_samples import FULL_2024, V2024, V2026, many_questions

API = "/api/v1"
ANNA: dict = {}  # the admin client acts; named users are in test_history_…


async def _setup(client, source=V2024, units=("a", "b")):
    r = await client.post(f"{API}/questionnaires", content=source.encode(), headers={"Content-Type": "application/yaml"})
    assert r.status_code in (200, 201), r.text
    version = r.json()["version"]
    for code in units:
        r = await client.post(f"{API}/units", json={"code": code, "name": f"Enhet {code}", "weight": 5})
        assert r.status_code in (201, 409), r.text
    r = await client.post(f"{API}/rounds", json={"name": "R", "questionnaire": version["family"],
                                                  "version": version["version"], "units": list(units)})
    assert r.status_code == 201, r.text
    round_id = r.json()["id"]
    r = await client.post(f"{API}/rounds/{round_id}/open")
    assert r.status_code == 200 and r.json()["status"] == "open"
    return round_id


async def _start(client, round_id, unit="a"):
    r = await client.post(f"{API}/rounds/{round_id}/responses", json={"unit": unit}, headers=ANNA)
    assert r.status_code == 201, r.text
    return r.json()


async def test_publish_round_answer_submit_score_close(client):
    round_id = await _setup(client)
    resp = await _start(client, round_id)
    rid = resp["id"]

    r = await client.post(f"{API}/responses/{rid}/answers", headers=ANNA,
                          json={"revision": 0, "answers": {"policy": "ja", "antal": 72},
                                "comments": {"policy": "beslutad 2019"}})
    assert r.status_code == 200, r.text
    assert r.json()["revision"] == 1 and r.json()["answers"]["antal"]["value"] == 72

    r = await client.post(f"{API}/responses/{rid}/submit", headers=ANNA)
    assert r.status_code == 422
    body = r.json()
    assert set(body["missing"]) == {"ansvar", "risk", "mal", "typer"}
    assert {e["question"] for e in body["errors"]} == set(body["missing"])

    r = await client.post(f"{API}/responses/{rid}/answers", headers=ANNA, json={"revision": 1, "answers": FULL_2024})
    assert r.status_code == 200
    r = await client.post(f"{API}/responses/{rid}/submit", headers=ANNA, json={"revision": 2})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "submitted"

    expected = score_response(parse_questionnaire(V2024), FULL_2024).to_dict()
    r = await client.get(f"{API}/responses/{rid}/scores")
    assert r.status_code == 200 and r.json()["scores"] == expected
    r = await client.get(f"{API}/responses/{rid}/snapshot")
    assert r.json()["scores"] == expected and r.json()["engine_version"] == ENGINE_VERSION

    r = await client.get(f"{API}/rounds/{round_id}/overview")
    ov = r.json()
    assert ov["participating"] == 2 and ov["submitted"] == 1 and ov["response_rate"] == 0.5
    by_unit = {u["unit"]: u for u in ov["units"]}
    assert by_unit["a"]["completeness"] == 1.0 and by_unit["b"]["status"] == "not_started"

    r = await client.post(f"{API}/responses/{rid}/reopen")
    assert r.status_code == 200 and r.json()["status"] == "reopened"
    revision = r.json()["revision"]

    r = await client.post(f"{API}/rounds/{round_id}/close")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    r = await client.post(f"{API}/responses/{rid}/answers", headers=ANNA,
                          json={"revision": revision, "answers": {"policy": "nej"}})
    assert r.status_code == 423 and "closed" in r.json()["detail"]
    r = await client.post(f"{API}/rounds/{round_id}/responses", json={"unit": "b"})
    assert r.status_code == 423
    r = await client.get(f"{API}/responses/{rid}")
    assert r.json()["answers"]["policy"]["value"] == "ja"

    r = await client.get(f"{API}/rounds/{round_id}/export")
    export = r.json()
    assert export["questionnaire"]["hash"] == parse_questionnaire(V2024).hash
    assert export["responses"][0]["answers"]["answers"] == FULL_2024
    assert export["responses"][0]["comments"] == {"policy": "beslutad 2019"}


async def test_same_revision_twice_gives_one_409_with_current_state(client):
    round_id = await _setup(client)
    rid = (await _start(client, round_id))["id"]
    first, second = await asyncio.gather(
        client.post(f"{API}/responses/{rid}/answers", json={"revision": 0, "answers": {"policy": "ja"}}),
        client.post(f"{API}/responses/{rid}/answers", json={"revision": 0, "answers": {"policy": "nej"}}),
    )
    statuses = sorted([first.status_code, second.status_code])
    assert statuses == [200, 409]
    loser = first if first.status_code == 409 else second
    winner = second if loser is first else first
    body = loser.json()
    assert body["current"]["revision"] == 1
    assert body["current"]["answers"]["policy"]["value"] == winner.json()["answers"]["policy"]["value"]
    assert "revision" in body["detail"]


async def test_hundred_concurrent_autosaves_through_the_api(client):
    """100 autosaves at once through the ASGI app, one question each, on 10 responses."""
    units = tuple(f"u{i}" for i in range(10))
    round_id = await _setup(client, many_questions(10), units)
    ids = {u: (await _start(client, round_id, u))["id"] for u in units}

    async def autosave(unit, i):
        revision = 0
        for _ in range(200):
            r = await client.post(f"{API}/responses/{ids[unit]}/answers", 
                                  json={"revision": revision, "answers": {f"q{i:03d}": i * 10}})
            if r.status_code == 200:
                return
            assert r.status_code == 409, r.text
            revision = r.json()["current"]["revision"]
        raise AssertionError("autosave never got through")

    await asyncio.gather(*(autosave(u, i) for u in units for i in range(10)))
    for unit in units:
        state = (await client.get(f"{API}/responses/{ids[unit]}")).json()
        assert state["revision"] == 10
        assert {k: a["value"] for k, a in state["answers"].items()} == {f"q{i:03d}": i * 10 for i in range(10)}


async def test_history_shows_every_change_with_who_and_when(client, client_as):
    round_id = await _setup(client)
    rid = (await _start(client, round_id))["id"]
    anna = await client_as("respondent", ["a"], "anna")
    bertil = await client_as("respondent", ["a", "b"], "bertil")
    r = await anna.post(f"{API}/responses/{rid}/answers", json={"revision": 0, "answers": {"policy": "nej"}})
    assert r.status_code == 200, r.text
    r = await bertil.post(f"{API}/responses/{rid}/answers",
                          json={"revision": 1, "answers": {"policy": "ja"}, "evidence": {"policy": "https://intra/p"}})
    assert r.status_code == 200, r.text
    r = await client.get(f"{API}/responses/{rid}/history", params={"question": "policy"})
    page = r.json()
    assert page["total"] == 2
    assert [(h["actor"], h["old_value"], h["new_value"]) for h in page["items"]] == [
        ("anna", None, "nej"), ("bertil", "nej", "ja")]
    assert page["items"][1]["new_evidence"] == "https://intra/p" and page["items"][1]["at"]
    r = await client.get(f"{API}/responses/{rid}/history", params={"limit": 1, "offset": 1})
    assert r.json()["total"] == 2 and len(r.json()["items"]) == 1 and r.json()["items"][0]["actor"] == "bertil"


async def test_prefill_through_the_api(client):
    old_round = await _setup(client, V2024, ("a",))
    old = await _start(client, old_round)
    await client.post(f"{API}/responses/{old['id']}/answers", json={"revision": 0, "answers": FULL_2024})
    await client.post(f"{API}/rounds/{old_round}/close")
    new_round = await _setup(client, V2026, ("a",))
    new = await _start(client, new_round)
    assert {k: a["value"] for k, a in new["answers"].items()} == {
        "policy": "ja", "roller": "delvis", "typer": ["a", "c"], "kommentar": "bra"}
    assert new["prefilled_from"] == old["id"]


async def test_bad_input_is_json_never_500(client):
    round_id = await _setup(client)
    rid = (await _start(client, round_id))["id"]
    cases = [
        ("post", f"{API}/responses/{rid}/answers", {"json": {"answers": {"policy": "ja"}}}, 400),
        ("post", f"{API}/responses/{rid}/answers", {"json": {"revision": "x"}}, 400),
        ("post", f"{API}/responses/{rid}/answers", {"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 400),
        ("post", f"{API}/responses/{rid}/answers", {"json": {"revision": 0, "answers": {"policy": True, "nope": 1}}}, 422),
        ("post", f"{API}/responses/{rid}/answers", {"json": {"revision": 5, "answers": {}}}, 409),
        ("get", f"{API}/responses/999999", {}, 404),
        ("get", f"{API}/rounds/999999/overview", {}, 404),
        ("get", f"{API}/units/NOPE", {}, 404),
        ("get", f"{API}/questionnaires/liten/1999.1", {}, 404),
        ("post", f"{API}/questionnaires", {"content": b"format: [", "headers": {"Content-Type": "application/yaml"}}, 422),
        ("post", f"{API}/questionnaires", {"json": {"src": "x"}}, 422),
        ("post", f"{API}/rounds", {"json": {"name": "x", "questionnaire": "liten", "version": "2024.1", "units": ["zz"]}}, 422),
        ("post", f"{API}/rounds", {"json": {"name": "x", "questionnaire": "nope", "version": "2024.1"}}, 404),
        ("post", f"{API}/rounds/{round_id}/open", {}, 200),
        ("get", f"{API}/rounds", {"params": {"limit": 0}}, 400),
        ("post", f"{API}/units", {"json": {"code": "a", "name": "dup"}}, 409),
        ("post", f"{API}/units", {"json": {"code": "ny", "name": "x", "weight": -1}}, 400),
        ("put", f"{API}/responses/{rid}/answers-file", {"json": {"questionnaire": "other", "version": "2024.1", "answers": {}}}, 422),
    ]
    for method, url, kwargs, status in cases:
        r = await getattr(client, method)(url, **kwargs)
        assert r.status_code == status, (method, url, kwargs, r.status_code, r.text)
        assert r.headers["content-type"].startswith("application/json")
        if status >= 400:
            assert r.json()["detail"], r.text
    r = await client.post(f"{API}/responses/{rid}/answers", json={"revision": 0, "answers": {"policy": True, "nope": 1}})
    assert {e["question"] for e in r.json()["errors"]} == {"policy", "nope"}


async def test_publish_json_body_and_conflicting_version(client):
    r = await client.post(f"{API}/questionnaires", json={"source": V2024})
    assert r.status_code == 201 and r.json()["created"] is True
    r = await client.post(f"{API}/questionnaires", json={"source": V2024})
    assert r.status_code == 200 and r.json()["created"] is False
    r = await client.post(f"{API}/questionnaires", json={"source": V2024.replace("Mål", "Målen")})
    assert r.status_code == 409 and "bump the version" in r.json()["detail"]
    r = await client.get(f"{API}/questionnaires/liten/2024.1")
    assert r.json()["content"]["id"] == "liten" and r.json()["source_text"] == V2024
    r = await client.get(f"{API}/questionnaires", params={"family": "liten"})
    assert r.json()["total"] == 1


async def test_lists_paginate(client):
    for i in range(5):
        await client.post(f"{API}/units", json={"code": f"e{i}", "name": f"Enhet {i}"})
    r = await client.get(f"{API}/units", params={"limit": 2, "offset": 3})
    page = r.json()
    assert page["total"] == 5 and page["limit"] == 2 and page["offset"] == 3
    assert [u["code"] for u in page["items"]] == ["e3", "e4"]


async def test_flagship_through_the_api(client, questionnaires_dir):
    """The real questionnaire: publish both versions as YAML, answer 2024.1, pre-fill
    2026.1 from it, and check the live scores against the engine."""
    from survey_engine.services.demo import UNITS, answers_for
    from survey_engine.questionnaire.continuity import continuity_map
    from survey_engine.questionnaire.load import load_questionnaire

    folder = questionnaires_dir / "mcf-cybersakerhet"
    q24, q26 = load_questionnaire(folder / "2024.1.yaml"), load_questionnaire(folder / "2026.1.yaml")
    for version in ("2024.1", "2026.1"):
        r = await client.post(f"{API}/questionnaires", content=(folder / f"{version}.yaml").read_bytes(),
                              headers={"Content-Type": "application/yaml"})
        assert r.status_code == 201, r.text
        assert r.json()["version"]["hash"] == (q24 if version == "2024.1" else q26).hash
    await client.post(f"{API}/units", json={"code": "GRF", "name": "Grundskoleförvaltningen", "weight": 8000})
    ids = []
    for name, version in (("2024", "2024.1"), ("2026", "2026.1")):
        r = await client.post(f"{API}/rounds", json={"name": name, "questionnaire": "mcf-cybersakerhet", "version": version})
        ids.append(r.json()["id"])
    await client.post(f"{API}/rounds/{ids[0]}/open")
    first = await _start(client, ids[0], "GRF")
    values, comments, _ = answers_for(q24, UNITS[3], 2024, 1.5)
    r = await client.post(f"{API}/responses/{first['id']}/answers",
                          json={"revision": 0, "answers": values, "comments": comments})
    assert r.status_code == 200, r.text
    r = await client.post(f"{API}/responses/{first['id']}/submit")
    assert r.status_code == 200, r.text
    scores = (await client.get(f"{API}/responses/{first['id']}/scores")).json()["scores"]
    assert scores == score_response(q24, values).to_dict()
    await client.post(f"{API}/rounds/{ids[0]}/close")

    await client.post(f"{API}/rounds/{ids[1]}/open")
    second = await _start(client, ids[1], "GRF")
    carried = {k: a["value"] for k, a in second["answers"].items()}
    cmap = continuity_map(q26, q24)
    assert carried and set(carried) <= set(cmap)
    for new_id, value in carried.items():
        assert value in [values.get(old) for old in cmap[new_id]]
    from survey_engine.questionnaire.answers import check_answers

    for new_id, olds in cmap.items():  # exactly the continued answers still valid are carried
        valid = [values[o] for o in olds if values.get(o) is not None and not check_answers(q26, {new_id: values[o]})]
        assert (new_id in carried) == bool(valid), new_id
    scores = (await client.get(f"{API}/responses/{second['id']}/scores")).json()["scores"]
    assert scores == score_response(q26, carried).to_dict()
