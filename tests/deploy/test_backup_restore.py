"""`survey-engine backup` / `restore`: the demo database of this pass round-trips into
fresh databases, on the same engine and on the other one (SQLite -> PostgreSQL and
PostgreSQL -> SQLite when a PostgreSQL server answers), row for row, and a server on
the restored database gives the same scores and snapshots."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest

from bench.serverkit import SURVEY_ENGINE, Server, cli, make_token

pytestmark = pytest.mark.db

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
    env["LOG_LEVEL"] = "warning"
    return env


def _rows(path: Path) -> list[str]:
    """The data lines of a backup (the header differs: time, source engine)."""
    return path.read_text(encoding="utf-8").splitlines()[1:]


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


async def test_backup_restore_round_trip(db, tmp_path):
    source_env = dict(os.environ, LOG_LEVEL="warning")
    await asyncio.to_thread(cli, source_env, "demo")
    token = await asyncio.to_thread(make_token, source_env, "admin", "restore")
    scores = await _engine_scores()
    snapshots = await _snapshots()
    assert len(scores) >= 20 and len(snapshots) >= 10

    backup = tmp_path / "backup.jsonl"
    await asyncio.to_thread(cli, source_env, "backup", str(backup))
    assert json.loads(backup.read_text(encoding="utf-8").splitlines()[0])["format"] == "survey-engine-backup"

    targets = [("sqlite", None)]
    created_pg = []
    if await asyncio.to_thread(_pg_reachable):
        name = f"se_restore_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        await _pg_admin(f'CREATE DATABASE "{name}"')
        created_pg.append(name)
        targets.append(("postgres", name))
    try:
        for kind, pg_name in targets:
            env = _base_env()
            if kind == "sqlite":
                env["SURVEY_ENGINE_SQLITE"] = str(tmp_path / "restored.sqlite")
            else:
                env["DATABASE_URL"] = PG_URL.rpartition("/")[0] + f"/{pg_name}"
            await asyncio.to_thread(cli, env, "restore", str(backup))

            # the restored database backs up to the same rows
            again = tmp_path / f"again-{kind}.jsonl"
            await asyncio.to_thread(cli, env, "backup", str(again))
            assert _rows(again) == _rows(backup), f"rows differ after a round trip through {kind}"

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
                        body = r.json()
                        assert body["scores"] == expected
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
