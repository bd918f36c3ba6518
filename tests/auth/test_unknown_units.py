"""Issue 14, finding 11: a respondent cannot be bound to a unit code that no unit has
(API, command line and service); the answer names the unknown codes and nothing is
stored. docs/security.md, "Roles and units"."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.helpers.auth import bearer_clients, ensure_units
from survey_engine.cli import main
from survey_engine.errors import Invalid
from survey_engine.services import users as service

API = "/api/v1"


def run(*args):
    return CliRunner().invoke(main, list(args))


async def test_service_refuses_unknown_codes_and_stores_nothing(db):
    await ensure_units("SOC")
    with pytest.raises(Invalid) as caught:
        await service.create_user("tests", "ulla", "respondent", units=["SOC", "FINNS-EJ"])
    assert "FINNS-EJ" in caught.value.text.sv and "FINNS-EJ" in caught.value.text.en
    assert "SOC" not in caught.value.text.sv.split(":", 1)[1].split(".")[0]
    assert "ulla" not in [u.username for u in await service.list_users()]

    await service.create_user("tests", "ulla", "respondent", units=["SOC"])
    with pytest.raises(Invalid, match="NOPE"):
        await service.set_units("tests", "ulla", ["SOC", "NOPE"])
    with pytest.raises(Invalid, match="NOPE"):
        await service.set_role("tests", "ulla", "respondent", units=["NOPE"])
    await service.create_user("tests", "olle", "analyst")
    with pytest.raises(Invalid, match="NOPE"):
        await service.set_role("tests", "olle", "respondent", units=["NOPE"])
    assert (await service.get_user("ulla")).units == ("SOC",)
    assert (await service.get_user("olle")).role.value == "analyst"


async def test_api_answers_422_naming_the_unknown_codes(db):
    await ensure_units("SOC")
    async with bearer_clients() as client_as:
        admin = await client_as("admin")
        r = await admin.post(f"{API}/users", json={"username": "ulla", "role": "respondent", "units": ["SOC", "XYZ"]})
        assert r.status_code == 422, r.text
        assert "XYZ" in r.text and "Okänd enhetskod" in r.text
        assert (await admin.get(f"{API}/users/ulla")).status_code == 404
        r = await admin.post(f"{API}/users", json={"username": "ulla", "role": "respondent", "units": ["SOC"]})
        assert r.status_code == 201, r.text
        r = await admin.put(f"{API}/users/ulla/units", json={"units": ["XYZ"]})
        assert r.status_code == 422 and "XYZ" in r.text
        r = await admin.put(f"{API}/users/ulla/role", json={"role": "respondent", "units": ["QQ"]})
        assert r.status_code == 422 and "QQ" in r.text


def test_cli_refuses_unknown_codes(db):
    r = run("user", "create", "bo", "--role", "respondent", "--unit", "SAKNAS", "--no-password")
    assert r.exit_code != 0
    assert "SAKNAS" in r.output and "Traceback" not in r.output
    assert "bo" not in run("user", "list").output.split()
