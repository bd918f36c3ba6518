"""A task cancelled inside a transaction gives back what it took (store/engine.py).

A server that stopped while its background pruner was in BEGIN kept one PostgreSQL pool
connection for ever, and its shutdown then waited for that connection without end (the
PostgreSQL pass of CI hung in tests/ui/test_ui_logout_everywhere.py). On SQLite the same
cancellation must release the writers' lock and leave no transaction open."""
from __future__ import annotations

import asyncio

import pytest

from survey_engine.store.db import engine, write_transaction
from survey_engine.store.tables import Unit


def _transaction_class():
    return type(engine().transaction())


@pytest.fixture
async def pool(db):
    """On PostgreSQL a small pool on this test's loop (as a server has); on SQLite nothing."""
    database = engine()
    if database.engine_type != "postgres":
        yield None
        return
    await database.start_connection_pool(min_size=1, max_size=2)
    try:
        yield database.pool
    finally:
        if database.pool is not None:
            await asyncio.wait_for(database.close_connection_pool(), 10)


def _taken(pool) -> int:
    return sum(1 for holder in pool._holders if holder._in_use is not None)


@pytest.mark.parametrize("where", ["before BEGIN", "after BEGIN"])
async def test_cancelled_while_beginning_gives_everything_back(pool, monkeypatch, where):
    cls = _transaction_class()
    real_begin = cls.begin
    inside = asyncio.Event()

    async def stuck_begin(self):
        if where == "after BEGIN":
            await real_begin(self)
        inside.set()
        await asyncio.Event().wait()  # never set: only a cancellation gets out

    monkeypatch.setattr(cls, "begin", stuck_begin)

    async def write():
        async with write_transaction():
            await Unit.insert(Unit(code="never", name="Aldrig"))

    task = asyncio.create_task(write())
    await asyncio.wait_for(inside.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    monkeypatch.setattr(cls, "begin", real_begin)

    if pool is not None:
        assert _taken(pool) == 0, "the cancelled transaction kept its pool connection"
    # The next writer gets in at once, and the cancelled insert left nothing behind.
    async def next_write():
        async with write_transaction():
            await Unit.insert(Unit(code="next", name="Nästa"))

    await asyncio.wait_for(next_write(), 10)
    codes = await Unit.select(Unit.code).output(as_list=True)
    assert codes == ["next"]
    if pool is not None:
        assert _taken(pool) == 0


async def test_a_failing_commit_gives_the_connection_back(pool, monkeypatch):
    cls = _transaction_class()

    async def broken_commit(self):
        raise RuntimeError("the commit failed")

    monkeypatch.setattr(cls, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await Unit.insert(Unit(code="half", name="Halv"))
    monkeypatch.undo()
    if pool is not None:
        assert _taken(pool) == 0, "a failed commit kept its pool connection"
    async with write_transaction():
        await Unit.insert(Unit(code="after", name="Efter"))
    assert await Unit.select(Unit.code).output(as_list=True) == ["after"]
