"""kill -9 during an autosave storm loses nothing that was acknowledged.

A real server (`survey-engine serve`, two workers) runs on this pass's database
(SQLite file or PostgreSQL). Twenty virtual respondents, two per response, save
answers as fast as they can, each save with a unique comment, and log every save the
server acknowledged (response, question, value, comment, revision). Mid-storm the
whole server process group gets SIGKILL; the server is started again on the same
database, and every acknowledged save must be there:

- the answer history has the row of that save (same revision, value and comment);
- each response's revision is at least the highest acknowledged one;
- each answer's current value and comment are those of its newest history row, and
  that row is not older than the newest acknowledged save of the question.
"""
from __future__ import annotations

import asyncio
import os

import pytest

from bench.serverkit import Server, StormLog, autosave_storm, make_token, seed_round



async def _history(response_ids: list[int]) -> dict[tuple[int, str, int], dict]:
    from survey_engine.store.tables import AnswerHistory

    rows = await AnswerHistory.select(
        AnswerHistory.response, AnswerHistory.question_id, AnswerHistory.revision,
        AnswerHistory.new_value, AnswerHistory.new_comment,
    ).where(AnswerHistory.response.is_in(response_ids))
    return {(r["response"], r["question_id"], r["revision"]): r for r in rows}


async def test_acknowledged_saves_survive_kill_9(db, tmp_path):
    from survey_engine.services.common import load_value
    from survey_engine.store.tables import Answer, Response

    env = dict(os.environ, LOG_LEVEL="warning", DB_POOL_MAX="4")
    token = await asyncio.to_thread(make_token, env, "admin", "faults")
    server = Server(env, workers=2, log_path=tmp_path / "server.log")
    await asyncio.to_thread(server.start)
    try:
        seeded = await asyncio.to_thread(seed_round, server.url, token, 10)
        log, stop = StormLog(), asyncio.Event()
        storm = asyncio.create_task(autosave_storm(server.url, token, seeded, 20, stop, log))
        # let the storm run until plenty of saves are acknowledged, then crash the server
        for _ in range(300):
            await asyncio.sleep(0.1)
            if len(log.acks) >= 150 or storm.done():
                break
        acked_before_kill = len(log.acks)
        server.kill9()
        await asyncio.wait_for(storm, 30)
        stop.set()
        print(f"\nstorm: {len(log.acks)} acknowledged saves ({acked_before_kill} before the kill), "
              f"{log.conflicts} conflicts, {log.failures} clients cut off by the kill")
        assert not log.unexpected, log.unexpected[:3]
        assert acked_before_kill >= 20, f"too few saves before the kill ({acked_before_kill}):\n{server.log_tail()}"
        assert log.failures > 0, "no client saw the crash: the kill did not happen mid-storm"

        # restart on the same database; it must come back ready
        restarted = Server(env, workers=2, port=server.port, log_path=tmp_path / "server2.log")
        await asyncio.to_thread(restarted.start)
        try:
            history = await _history(seeded.response_ids)
            missing = []
            for ack in log.acks:
                row = history.get((ack.response_id, ack.question, ack.revision))
                if row is None or load_value(row["new_value"]) != ack.value or row["new_comment"] != ack.comment:
                    missing.append(ack)
            assert not missing, f"{len(missing)} of {len(log.acks)} acknowledged saves are missing: {missing[:5]}"

            revisions = {r["id"]: r["revision"] for r in await Response.select(Response.id, Response.revision)
                         .where(Response.id.is_in(seeded.response_ids))}
            newest: dict[tuple[int, str], int] = {}
            for ack in log.acks:
                assert revisions[ack.response_id] >= ack.revision
                key = (ack.response_id, ack.question)
                newest[key] = max(newest.get(key, 0), ack.revision)
            answers = {(a["response"], a["question_id"]): a for a in await Answer.select(
                Answer.response, Answer.question_id, Answer.value, Answer.comment,
            ).where(Answer.response.is_in(seeded.response_ids))}
            for (rid, q), acked_revision in newest.items():
                last = max((k for k in history if k[0] == rid and k[1] == q), key=lambda k: k[2])
                assert last[2] >= acked_revision
                current = answers[(rid, q)]
                assert load_value(current["value"]) == load_value(history[last]["new_value"])
                assert current["comment"] == history[last]["new_comment"]

            # the restarted server serves the same state
            import httpx

            async with httpx.AsyncClient(base_url=restarted.url, headers={"Authorization": f"Bearer {token}"}) as c:
                for rid in seeded.response_ids:
                    body = (await c.get(f"/api/v1/responses/{rid}")).json()
                    assert body["revision"] == revisions[rid]
        finally:
            restarted.stop()
    finally:
        server.stop()
