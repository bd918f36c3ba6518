"""The production configuration without Docker: two `survey-engine serve` processes
(two workers each) on one database, as behind a load balancer. A login made on one is
used on the other, changes made through one are read through the other, and a logout
on one ends the session on both. The first process logs JSON lines (LOG_FORMAT=json)."""
from __future__ import annotations

import asyncio
import json
import os
import uuid

import httpx
import pytest

from bench.serverkit import Server, cli


PASSWORD = "korrekt häst batteri häftklammer"


async def test_login_on_one_process_works_on_the_other(db, tmp_path):
    env = dict(os.environ, SECURE_COOKIES="false", LOG_LEVEL="info", DB_POOL_MAX="4")
    user = f"ops-{uuid.uuid4().hex[:6]}"
    await asyncio.to_thread(cli, env, "user", "create", user, "--role", "admin", "--password-stdin",
                            input=PASSWORD + "\n")
    a = Server(dict(env, LOG_FORMAT="json"), workers=2, log_path=tmp_path / "a.log")
    b = Server(dict(env, LOG_FORMAT="text"), workers=2, log_path=tmp_path / "b.log")
    await asyncio.gather(asyncio.to_thread(a.start), asyncio.to_thread(b.start))
    try:
        for server in (a, b):
            ready = httpx.get(server.url + "/health/ready").json()
            assert ready["status"] == "ready"
            assert ready["database"] == ("postgres" if os.environ.get("DATABASE_URL") else "sqlite")

        async with httpx.AsyncClient(base_url=a.url + "/api/v1") as ca, \
                httpx.AsyncClient(base_url=b.url + "/api/v1") as cb:
            login = await ca.post("/auth/login", json={"username": user, "password": PASSWORD})
            assert login.status_code == 200, login.text
            csrf = login.json()["csrf_token"]
            cookie = login.cookies.get("se_session")
            assert cookie
            session = {"Cookie": f"se_session={cookie}"}

            me = await cb.get("/auth/me", headers=session)
            assert me.status_code == 200 and me.json()["username"] == user

            code = f"OPS{uuid.uuid4().hex[:5].upper()}"
            made = await cb.post("/units", json={"code": code, "name": "Driftförvaltningen"},
                                 headers={**session, "X-CSRF-Token": csrf})
            assert made.status_code == 201, made.text
            seen = await ca.get(f"/units/{code}", headers=session)
            assert seen.status_code == 200 and seen.json()["name"] == "Driftförvaltningen"

            no_csrf = await ca.post("/units", json={"code": code + "X", "name": "x"}, headers=session)
            assert no_csrf.status_code == 403

            out = await cb.post("/auth/logout", headers={**session, "X-CSRF-Token": csrf})
            assert out.status_code == 200, out.text
            after = await ca.get("/auth/me", headers=session)
            assert after.status_code == 401
    finally:
        a.stop()
        b.stop()

    lines = [line for line in (tmp_path / "a.log").read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line of the JSON log is one JSON object
    assert all({"ts", "level", "logger", "msg", "pid"} <= set(r) for r in records)
    access = [r for r in records if r["logger"] == "uvicorn.access"]
    assert any(r["path"] == "/api/v1/auth/login" and r["status"] == 200 and r["method"] == "POST" for r in access)
    assert len({r["pid"] for r in records}) >= 2  # the supervisor and its workers
