"""`survey-engine backup` / `restore`: a database of this pass, filled through the API, round-trips into
fresh databases, on the same engine and on the other one (SQLite -> PostgreSQL and
PostgreSQL -> SQLite when a PostgreSQL server answers), row for row, and a server on
the restored database gives the same scores and snapshots."""
from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest

from bench.serverkit import SURVEY_ENGINE, Server, cli, make_token, seed_round
from survey_engine.settings import database_settings


PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@localhost:5432/postgres")


def _pg_reachable() -> bool:
    from survey_engine.store.pgcheck import main

    return main(["pgcheck", PG_URL]) == 0


async def _pg_admin(sql: str) -> None:
    import asyncpg

    from survey_engine.settings import postgres_config

    conn = await asyncpg.connect(**postgres_config(PG_URL))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SURVEY_ENGINE_SQLITE")}
    env.update(LOG_LEVEL="warning", DB_POOL_MAX="4")
    return env


def _rows(path: Path) -> list[str]:
    """The data lines of a backup (the header differs: time, source engine) and the row
    counts and table digests of its end line (whose header digest and signature differ)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    columns = next(t["columns"] for t in header["tables"] if t["name"] == "auth_audit_event")

    def kept(line: str) -> bool:  # restoring is itself an audit event (issue 14): leave those out
        item = json.loads(line)
        return item.get("t") != "auth_audit_event" or not str(item["r"][columns.index("action")]).startswith("backup.")

    end = json.loads(lines[-1])
    rows = {k: v for k, v in end["rows"].items() if k != "auth_audit_event"}
    return [line for line in lines[1:-1] if kept(line)] + [json.dumps(rows)]


async def _engine_scores() -> dict[int, dict]:
    """Every response of this pass's database scored by the engine, from the tables."""
    from survey_engine.questionnaire.load import parse_questionnaire
    from survey_engine.scoring import score_response
    from survey_engine.services.common import load_value
    from survey_engine.store.tables import Answer, Response

    out = {}
    responses = await Response.select(
        Response.id, Response.round.questionnaire.source_text.as_alias("source"))
    for r in responses:
        q = parse_questionnaire(r["source"])
        answers = {a["question_id"]: load_value(a["value"]) for a in
                   await Answer.select(Answer.question_id, Answer.value).where(Answer.response == r["id"])}
        out[r["id"]] = json.loads(json.dumps(score_response(q, answers).to_dict()))
    return out


async def _snapshots() -> dict[int, dict]:
    from survey_engine.store.tables import ScoreSnapshot

    rows = await ScoreSnapshot.select(ScoreSnapshot.response, ScoreSnapshot.result).order_by(
        ScoreSnapshot.id).output(load_json=True)
    return {r["response"]: r["result"] for r in rows}


PASSWORD = "korrekt häst batteri häftklammer"


async def _seed(base_url: str, token: str) -> None:
    """Data in most tables, through the API: units with a parent, a round, responses
    with answers, comments and evidence (non-ASCII text), submitted responses (score
    snapshots), history, audit events, and a login (a session row, a login attempt)."""
    seeded = await asyncio.to_thread(seed_round, base_url, token, 6)
    rng = random.Random(7)
    async with httpx.AsyncClient(base_url=base_url + "/api/v1", headers={"Authorization": f"Bearer {token}"}) as c:
        r = await c.post("/units/import", json={"units": [
            {"code": "KOMMUN", "name": "Kommunen", "weight": 2.5},
            {"code": "BARN", "name": "Barn- och utbildningsförvaltningen", "weight": 1200, "parent": "KOMMUN"}]})
        assert r.status_code < 300, r.text
        for n, rid in enumerate(seeded.response_ids):
            state = (await c.get(f"/responses/{rid}")).json()
            for _ in range(2):  # two saves: history with old and new values
                answers = {q: rng.choice(values) for q, values in seeded.choices.items()}
                r = await c.post(f"/responses/{rid}/answers", json={
                    "revision": state["revision"], "answers": answers,
                    "comments": {q: f"kommentar “{q}” åäö {n}" for q in list(answers)[:2]},
                    "evidence": {q: "https://intranät.example/bevis" for q in list(answers)[2:3]}})
                assert r.status_code == 200, r.text
                state = r.json()
            if n % 2 == 0:
                r = await c.post(f"/responses/{rid}/submit", json={"revision": state["revision"]})
                assert r.status_code == 200, r.text
        r = await c.post("/auth/login", json={"username": "restore-login", "password": PASSWORD})
        assert r.status_code == 200, r.text


async def test_backup_restore_round_trip(db, tmp_path):
    source_env = dict(os.environ, LOG_LEVEL="warning", DB_POOL_MAX="4", SECURE_COOKIES="false")
    token = await asyncio.to_thread(make_token, source_env, "admin", "restore")
    await asyncio.to_thread(cli, source_env, "user", "create", "restore-login", "--role", "analyst",
                            "--password-stdin", input=PASSWORD + "\n")
    with Server(source_env, workers=1, log_path=tmp_path / "source.log") as source:
        await _seed(source.url, token)
    scores = await _engine_scores()
    snapshots = await _snapshots()
    assert len(scores) == 6 and len(snapshots) == 3

    backup = tmp_path / "backup.jsonl"
    await asyncio.to_thread(cli, source_env, "backup", str(backup))
    lines = backup.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["format"] == "survey-engine-backup"
    counts = json.loads(lines[-1])["rows"]
    for table in ("unit", "response", "answer", "answer_history", "score_snapshot", "auth_user", "auth_api_token",
                  "auth_audit_event", "auth_login_attempt"):
        assert counts.get(table), f"the seed left {table} empty: {counts}"
    assert "auth_session" not in counts  # sessions are live credentials: never backed up (issue 14)

    # A fresh database of the same engine (rows only), and one of the other engine when
    # a PostgreSQL server answers (rows, refusal of a second restore, and a server on it).
    same = "postgres" if database_settings().is_postgres else "sqlite"
    other = "sqlite" if same == "postgres" else "postgres"
    targets = [(same, False)]
    if other == "sqlite" or await asyncio.to_thread(_pg_reachable):
        targets.append((other, True))
    else:  # no PostgreSQL here: the full checks run on the SQLite copy instead
        targets = [(same, True)]
    created_pg = []
    try:
        for kind, full in targets:
            env = _base_env()
            if kind == "sqlite":
                env["SURVEY_ENGINE_SQLITE"] = str(tmp_path / f"restored-{len(created_pg)}-{full}.sqlite")
            else:
                name = f"se_restore_{os.getpid()}_{uuid.uuid4().hex[:6]}"
                await _pg_admin(f'CREATE DATABASE "{name}"')
                created_pg.append(name)
                env["DATABASE_URL"] = PG_URL.rpartition("/")[0] + f"/{name}"
            await asyncio.to_thread(cli, env, "restore", str(backup))

            # the restored database backs up to the same rows
            again = tmp_path / f"again-{kind}.jsonl"
            await asyncio.to_thread(cli, env, "backup", str(again))
            assert _rows(again) == _rows(backup), f"rows differ after a round trip through {kind}"
            if not full:
                continue

            # a second restore into the now non-empty database is refused (exit 2, a sentence)
            refused = subprocess.run([SURVEY_ENGINE, "restore", str(backup)], env=env, capture_output=True, text=True)
            assert refused.returncode == 2 and "--force" in refused.stderr and "Traceback" not in refused.stderr

            # a server on the restored database: same scores, same snapshots, and the
            # source's API token works there (users and token hashes came along)
            with Server(env, workers=1, log_path=tmp_path / f"server-{kind}.log") as server:
                async with httpx.AsyncClient(base_url=server.url + "/api/v1",
                                             headers={"Authorization": f"Bearer {token}"}) as c:
                    for rid, expected in scores.items():
                        r = await c.get(f"/responses/{rid}/scores")
                        assert r.status_code == 200, r.text
                        assert r.json()["scores"] == expected, f"response {rid}: scores differ on {kind}"
                    for rid, expected in snapshots.items():
                        r = await c.get(f"/responses/{rid}/snapshot")
                        assert r.status_code == 200, r.text
                        assert r.json()["scores"] == expected
    finally:
        for name in created_pg:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_restore_refuses_broken_files(tmp_path):
    env = _base_env()
    env["SURVEY_ENGINE_SQLITE"] = str(tmp_path / "target.sqlite")
    cases = {
        "empty.jsonl": "",
        "other.jsonl": '{"hello": 1}\n',
        "cut.jsonl": '{"format": "survey-engine-backup", "format_version": 1, "tables": '
                     '[{"name": "unit", "columns": ["id", "code"]}]}\n{"t": "unit", "r": [1, "A"]}\n',
        "wrong-width.jsonl": '{"format": "survey-engine-backup", "format_version": 1, "tables": '
                             '[{"name": "unit", "columns": ["id", "code"]}]}\n{"t": "unit", "r": [1]}\n'
                             '{"end": true, "rows": {"unit": 1}}\n',
        "future.jsonl": '{"format": "survey-engine-backup", "format_version": 99, "tables": []}\n',
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        proc = subprocess.run([SURVEY_ENGINE, "restore", str(path)], env=env, capture_output=True, text=True)
        assert proc.returncode == 2, (name, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr and name in proc.stderr, (name, proc.stderr)
    missing = subprocess.run([SURVEY_ENGINE, "restore", str(tmp_path / "nope.jsonl")], env=env,
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_rows_referring_to_their_own_table_come_after_their_parents():
    from survey_engine.store.backup import BackupError, _self_order
    from survey_engine.store.tables import Unit

    names = [c._meta.name for c in Unit._meta.columns]
    at = names.index("parent")

    def row(id_, parent):
        values = [None] * len(names)
        values[names.index("id")], values[at] = id_, parent
        return values

    ordered = _self_order(Unit, names, [row(1, 3), row(2, None), row(3, 2), row(4, 1)])
    assert [r[0] for r in ordered] == [2, 3, 1, 4]
    with pytest.raises(BackupError):
        _self_order(Unit, names, [row(1, 2), row(2, 1)])


def test_values_survive_encoding():
    import datetime as dt

    from survey_engine.store.auth_tables import SessionRecord
    from survey_engine.store.backup import decode, encode
    from survey_engine.store.tables import Round, ScoreSnapshot

    cases = [
        (Round.opened_at, dt.datetime(2026, 11, 29, 2, 50, 1, 123456, tzinfo=dt.timezone.utc)),
        (Round.opens_on, dt.date(2026, 3, 1)),
        (SessionRecord.data, b"\x00\xffsession"),
        (ScoreSnapshot.result, '{"overall": {"level": 2}}'),
        (Round.name, "Omgång “2026” åäö"),
        (Round.opened_at, None),
    ]
    for column, value in cases:
        encoded = encode(column, value)
        assert json.loads(json.dumps(encoded)) == encoded
        assert decode(column, encoded) == value


def test_backup_never_migrates(tmp_path):
    """A backup taken before an upgrade must show the database as it was: the command
    refuses a database this version would still migrate, and leaves no file behind."""
    env = _base_env()
    env["SURVEY_ENGINE_SQLITE"] = str(tmp_path / "old.sqlite")
    out = tmp_path / "b.jsonl"
    proc = subprocess.run([SURVEY_ENGINE, "backup", str(out)], env=env, capture_output=True, text=True)
    assert proc.returncode == 2 and "db migrate" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists() and not (tmp_path / "b.jsonl.partial").exists()
