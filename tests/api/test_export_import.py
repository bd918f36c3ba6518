"""Export a response's answers, import them into a fresh database: identical scores."""
import pytest
from litestar.testing import AsyncTestClient

from tests.helpers.auth import make_token
from survey_engine.web import create_app
from tests.survey_samples import FULL_2024, V2024

API = "/api/v1"


async def _round_with_response(client):
    await client.post(f"{API}/questionnaires", json={"source": V2024})
    await client.post(f"{API}/units", json={"code": "a", "name": "A"})
    rnd = (await client.post(f"{API}/rounds", json={"name": "R", "questionnaire": "liten", "version": "2024.1"})).json()
    await client.post(f"{API}/rounds/{rnd['id']}/open")
    return (await client.post(f"{API}/rounds/{rnd['id']}/responses", json={"unit": "a"})).json()


async def _admin(username="admin"):
    client = AsyncTestClient(app=create_app(secure_cookies=False, db_pool=False))
    client.headers["Authorization"] = "Bearer " + await make_token("admin", username=username)
    return client


async def test_export_then_import_into_fresh_database_gives_identical_scores(db, reset_database):
    async with await _admin() as client:
        resp = await _round_with_response(client)
        answers = dict(FULL_2024, risk="vet-ej", mal="ej-tillampligt")
        r = await client.post(f"{API}/responses/{resp['id']}/answers", json={"revision": 0, "answers": answers})
        assert r.status_code == 200
        exported = (await client.get(f"{API}/responses/{resp['id']}/answers-file")).json()
        scores = (await client.get(f"{API}/responses/{resp['id']}/scores")).json()["scores"]
    assert exported == {"questionnaire": "liten", "version": "2024.1", "answers": answers}

    await reset_database()  # a fresh database: nothing of the first one is left
    async with await _admin("import") as client:
        resp = await _round_with_response(client)
        r = await client.put(f"{API}/responses/{resp['id']}/answers-file", json=exported)
        assert r.status_code == 200, r.text
        again = (await client.get(f"{API}/responses/{resp['id']}/scores")).json()["scores"]
        history = (await client.get(f"{API}/responses/{resp['id']}/history")).json()
    assert again == scores
    assert {h["actor"] for h in history["items"]} == {"import"}


async def test_import_replaces_answers_absent_means_unanswered(db):
    async with await _admin() as client:
        resp = await _round_with_response(client)
        await client.post(f"{API}/responses/{resp['id']}/answers", json={"revision": 0, "answers": FULL_2024})
        r = await client.put(f"{API}/responses/{resp['id']}/answers-file",
                             json={"questionnaire": "liten", "version": "2024.1", "answers": {"policy": "nej"}})
        assert r.status_code == 200
        assert {k: a["value"] for k, a in r.json()["answers"].items() if a["value"] is not None} == {"policy": "nej"}
        r = await client.put(f"{API}/responses/{resp['id']}/answers-file", params={"revision": 0},
                             json={"questionnaire": "liten", "version": "2024.1", "answers": {}})
        assert r.status_code == 409
