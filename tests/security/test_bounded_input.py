"""Finding 5 of issue 14: deep JSON, huge YAML integers and absurd unit weights were
500s (or a city report printing "nan %"). Each is now a 4xx naming what is wrong."""
from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from tests.helpers.auth import make_token
from survey_engine.web import create_app
from survey_engine.web.limits import MAX_JSON_DEPTH, json_depth
from tests.survey_samples import V2024

pytestmark = pytest.mark.db
API = "/api/v1"


def _app():
    return create_app(secure_cookies=False, db_pool=False)


def test_json_depth_ignores_brackets_in_strings():
    assert json_depth(b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}') == 1
    assert json_depth(b"[" * 40 + b"]" * 40) > MAX_JSON_DEPTH
    assert json_depth(b'[{"x": [1, 2]}]') == 3


@pytest.mark.parametrize("body", [b"[" * 1000 + b"]" * 1000, b"[" * 100_000, b'{"username": ' + b"{\"a\":" * 5000])
async def test_deeply_nested_login_body_is_400_not_500(db, body):
    async with AsyncTestClient(app=_app()) as c:
        r = await c.post(f"{API}/auth/login", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    assert "nested" in r.text


async def test_huge_integer_in_questionnaire_is_422_naming_the_field(db):
    admin = await make_token("admin")
    source = V2024.replace("max: 100", "max: " + "9" * 5000)
    async with AsyncTestClient(app=_app()) as c:
        r = await c.post(f"{API}/questionnaires", content=source.encode(),
                         headers={"Authorization": f"Bearer {admin}", "content-type": "application/yaml"})
    assert 400 <= r.status_code < 500, r.text
    assert "max" in r.text and "siffror" in r.text


@pytest.mark.parametrize("weight", [1e308, 1e12, 0.0, -5, 1e-9])
async def test_unit_weight_out_of_range_is_422(db, weight):
    admin = await make_token("admin")
    async with AsyncTestClient(app=_app()) as c:
        r = await c.post(f"{API}/units", headers={"Authorization": f"Bearer {admin}"},
                         json={"code": "w1", "name": "Vikt", "weight": weight})
    assert r.status_code in (400, 422), r.text
    assert "weight" in r.text


async def test_sane_unit_weight_is_accepted(db):
    admin = await make_token("admin")
    async with AsyncTestClient(app=_app()) as c:
        r = await c.post(f"{API}/units", headers={"Authorization": f"Bearer {admin}"},
                         json={"code": "w2", "name": "Vikt", "weight": 6000})
    assert r.status_code == 201, r.text
