"""The anchor of bench/write_path.py keeps the product's save semantics (issue 15):
a stale revision is refused with 409 and the current state, a fresh one is stored with
a new revision, an answer row and a history row; only a token of the response's unit
may write. Runs on the database engine of this pass (SQLite file, or a PostgreSQL
database of its own on the pass's server). No timing assertions.

The last test drives the anchor with wrk for one second, as the bench does: skipped
when wrk is not installed, except in CI (CI=true), where it fails instead."""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.write_anchor import create_app, setup_postgres, setup_sqlite  # noqa: E402

QUESTIONS = {"policy": ["ja", "delvis", "nej"], "backup": ["ja", "nej"]}


def _pg_server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgresql://", "postgres://")) else None


async def _pg_admin(url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture
def anchor_db(tmp_path):
    """(database URL, seats, rows(sql) -> list of tuples) on this pass's engine."""
    server = _pg_server_url()
    if server is None:
        path = tmp_path / "anchor.sqlite"
        seats = setup_sqlite(str(path), QUESTIONS, 3)

        def rows(sql: str) -> list[tuple]:
            with sqlite3.connect(path) as conn:
                return conn.execute(sql).fetchall()

        yield f"sqlite:///{path}", seats, rows
        return
    name = f"se_anchor_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_admin(server, f'CREATE DATABASE "{name}"'))
    url = f"{server.rpartition('/')[0]}/{name}"
    try:
        seats = asyncio.run(setup_postgres(url, QUESTIONS, 3))

        def rows(sql: str) -> list[tuple]:
            import asyncpg

            async def go():
                conn = await asyncpg.connect(url)
                try:
                    return [tuple(r) for r in await conn.fetch(sql)]
                finally:
                    await conn.close()

            return asyncio.run(go())

        yield url, seats, rows
    finally:
        asyncio.run(_pg_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_stale_revision_is_409_fresh_is_stored_with_history(anchor_db):
    from litestar.testing import TestClient

    url, seats, rows = anchor_db
    mine, other = seats[0], seats[1]
    auth = {"Authorization": f"Bearer {mine.token}"}
    save = f"/api/v1/responses/{mine.response_id}/answers"
    with TestClient(create_app(url)) as client:
        first = client.post(save, headers=auth, json={"revision": 0, "answers": {"policy": "ja"}})
        assert first.status_code == 200, first.text
        assert first.json()["revision"] == 1
        assert first.json()["answers"]["policy"]["value"] == "ja"

        stale = client.post(save, headers=auth, json={"revision": 0, "answers": {"policy": "nej"}})
        assert stale.status_code == 409, stale.text
        assert stale.json()["current"]["revision"] == 1
        assert stale.json()["current"]["answers"]["policy"]["value"] == "ja"  # nothing overwritten

        fresh = client.post(save, headers=auth, json={"revision": 1, "answers": {"policy": "nej", "backup": "ja"},
                                                      "comments": {"policy": "ny rutin"}})
        assert fresh.status_code == 200, fresh.text
        body = fresh.json()
        assert body["revision"] == 2
        assert {q: a["value"] for q, a in body["answers"].items()} == {"policy": "nej", "backup": "ja"}
        assert body["answers"]["policy"]["comment"] == "ny rutin"

        # the reply is what is stored
        again = client.get(f"/api/v1/responses/{mine.response_id}", headers=auth).json()
        assert again["revision"] == 2 and again["answers"] == body["answers"]

        # only the response's unit may write it; a token is required; values are checked
        assert client.post(f"/api/v1/responses/{other.response_id}/answers", headers=auth,
                           json={"revision": 0, "answers": {"policy": "ja"}}).status_code == 403
        assert client.post(save, json={"revision": 2, "answers": {"policy": "ja"}}).status_code == 401
        assert client.post(save, headers={"Authorization": "Bearer se_nope"},
                           json={"revision": 2, "answers": {"policy": "ja"}}).status_code == 401
        bad = client.post(save, headers=auth, json={"revision": 2, "answers": {"policy": "kanske"}})
        assert bad.status_code == 422 and bad.json()["errors"][0]["question"] == "policy"

    history = rows(f"SELECT question_id, revision, old_value, new_value, new_comment, actor FROM anchor_history "
                   f"WHERE response_id = {mine.response_id} ORDER BY id")
    assert history[0][:5] == ("policy", 1, None, json.dumps("ja"), "")
    assert sorted(h[:5] for h in history[1:]) == [  # the two changes of revision 2, in any order
        ("backup", 2, None, json.dumps("ja"), ""),
        ("policy", 2, json.dumps("ja"), json.dumps("nej"), "ny rutin"),
    ]
    assert {(q, rev) for q, rev, *_ in history} == {("policy", 1), ("policy", 2), ("backup", 2)}
    assert all(actor.startswith("resp-") for *_, actor in history)
    assert rows(f"SELECT revision FROM anchor_response WHERE id = {mine.response_id}") == [(2,)]
    assert len(rows("SELECT id FROM anchor_audit")) == 2  # one per stored save, none for the 409
    assert rows(f"SELECT count(*) FROM anchor_history WHERE response_id = {other.response_id}") == [(0,)]


def test_one_second_of_wrk_every_save_is_a_change_and_none_conflicts(anchor_db, tmp_path):
    if shutil.which("wrk") is None:
        message = "wrk is not installed (Debian package `wrk`: apt-get install -y wrk)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI must run this test")
        pytest.skip(message)
    from bench.write_path import AnchorServer, Seat, run_wrk, write_seats_file

    url, seats, rows = anchor_db
    server = AnchorServer(dict(os.environ), workers=1, log_path=tmp_path / "anchor.log", database=url)
    with server:
        seats_file = tmp_path / "seats.lua"
        write_seats_file(seats_file, server.url, [Seat(s.response_id, s.token) for s in seats], QUESTIONS)
        result = run_wrk(server, seats_file, "save", clients=len(seats), duration=1)
    assert result["ok"] > 0, result
    assert result["conflicts"] == 0 and result["errors"] == 0, result
    # every stored save changed exactly one question: one history row per revision
    for s in seats:
        (revision,), = rows(f"SELECT revision FROM anchor_response WHERE id = {s.response_id}")
        (changes,), = rows(f"SELECT count(*) FROM anchor_history WHERE response_id = {s.response_id}")
        assert revision == changes > 0
    (stored,), = rows("SELECT count(*) FROM anchor_history")
    assert stored >= result["ok"]  # saves in flight when wrk stopped may still have been stored
