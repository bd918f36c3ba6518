"""SQLite with connections kept open (docs/benchmarks.md, "Write path").

Piccolo's own SQLiteEngine opens a new aiosqlite connection (a new thread, a new file
handle, a `PRAGMA foreign_keys`) for every statement outside a transaction and for every
transaction, which cost about a third of an autosave. This engine keeps, per process and
event loop, two connections open:

- a **read** connection for SELECTs outside a transaction (WAL lets it read the last
  committed state while a writer writes);
- a **write** connection for every transaction and every other statement outside one.
  SQLite allows one writer at a time, so the engine serialises its writers in-process
  with an asyncio lock held for the whole transaction (other processes wait on SQLite's
  busy timeout). `BEGIN IMMEDIATE` (store.db.write_transaction) takes the database's
  write lock at once, so a transaction that reads then writes never fails half-way.

Connections are opened lazily on first use and belong to the event loop that opened
them (the test clients run their own loops in threads); the threads behind them are
daemon threads, so a command that forgets to close them still exits.
`batch()` and `_run_in_new_connection` keep Piccolo's behaviour (a connection of their own).
"""
from __future__ import annotations

import asyncio
import os
from typing import Any, Optional

import aiosqlite
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory
from piccolo.querystring import QueryString

# Statements that only read may go to the read connection; anything else (including
# raw SQL, whose effect Piccolo does not know) goes to the write connection.
_READ_TYPES = frozenset({"select", "objects", "count", "exists", "table_exists"})


async def _end(transaction, exception: BaseException | None) -> None:
    """Leave a transaction as Piccolo's own `__aexit__` does: roll back when the block
    raised, commit when it did not, unless the block already committed or rolled back."""
    if exception:
        if not transaction._rolled_back:
            await transaction.rollback()
    elif not transaction._committed and not transaction._rolled_back:
        await transaction.commit()


class _Conns:
    """The two connections and the writers' lock of one event loop."""

    __slots__ = ("loop", "read", "write", "lock")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.read: aiosqlite.Connection | None = None
        self.write: aiosqlite.Connection | None = None
        self.lock = asyncio.Lock()


class _KeptTransaction(SQLiteTransaction):
    """A transaction on the loop's write connection, holding the writers' lock."""

    __slots__ = ("_held",)

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        conns = await self.engine._conns()
        await conns.lock.acquire()
        self._held = conns.lock
        try:
            self.connection = await self.engine._writer(conns)
            await self.begin()
        except BaseException:
            # Cancelled while BEGIN ran in aiosqlite's thread: the transaction may have
            # begun all the same; end it, so that the next writer can begin its own.
            connection = getattr(self, "connection", None)
            if connection is not None and connection.in_transaction:
                try:
                    await asyncio.shield(connection.execute("ROLLBACK"))
                except BaseException:  # pragma: no cover - nothing more to do
                    pass
            conns.lock.release()
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        try:
            await _end(self, exception)
        except BaseException:
            # A failed COMMIT leaves SQLite in the transaction: end it, so that the
            # kept connection is usable by the next writer.
            if self.connection.in_transaction:
                try:
                    await self.connection.execute("ROLLBACK")
                except Exception:  # pragma: no cover - nothing more to do
                    pass
            raise
        finally:
            self.engine.current_transaction.reset(self.context)
            self._held.release()
        return exception is None


class KeptSQLiteEngine(SQLiteEngine):
    """SQLiteEngine with a kept read and write connection per process and event loop."""

    __slots__ = ("_by_loop", "_pid")

    def __init__(self, path: str = "piccolo.sqlite", busy_timeout_ms: int = 30_000, **kwargs: Any) -> None:
        kwargs.setdefault("timeout", busy_timeout_ms / 1000)
        super().__init__(path=path, **kwargs)
        self._by_loop: dict[int, _Conns] = {}
        self._pid = os.getpid()

    # ------------------------------------------------------------ connections

    async def _open(self) -> aiosqlite.Connection:
        connection = aiosqlite.connect(**self.connection_kwargs)
        thread = getattr(connection, "_thread", None)
        if thread is not None:  # aiosqlite 0.22: the thread is made in __init__, started on await
            thread.daemon = True
        connection = await connection
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await connection.execute("PRAGMA foreign_keys = 1")
        await connection.execute("PRAGMA journal_mode = WAL")
        return connection

    async def _conns(self) -> _Conns:
        loop = asyncio.get_running_loop()
        if self._pid != os.getpid():  # a forked child must not share its parent's handles
            self._by_loop, self._pid = {}, os.getpid()
        conns = self._by_loop.get(id(loop))
        if conns is None or conns.loop is not loop:
            self._forget_closed_loops()
            conns = self._by_loop[id(loop)] = _Conns(loop)
        return conns

    def _forget_closed_loops(self) -> None:
        for key, conns in list(self._by_loop.items()):
            if conns.loop.is_closed():
                for connection in (conns.read, conns.write):
                    if connection is not None:
                        connection.stop()  # closes the sqlite3 handle and ends the thread
                del self._by_loop[key]

    async def _writer(self, conns: _Conns) -> aiosqlite.Connection:
        if conns.write is None:
            conns.write = await self._open()
        return conns.write

    async def _reader(self, conns: _Conns) -> aiosqlite.Connection:
        if conns.read is None:
            conns.read = await self._open()
        return conns.read

    async def close_connections(self) -> None:
        """Close this loop's kept connections (at shutdown; reopened on next use)."""
        conns = self._by_loop.pop(id(asyncio.get_running_loop()), None)
        if conns is None:
            return
        async with conns.lock:
            for connection in (conns.read, conns.write):
                if connection is not None:
                    await connection.close()

    # ------------------------------------------------------------ running

    async def _run_in_existing_connection(self, connection, query: str, args: Optional[list[Any]] = None,
                                          query_type: str = "generic", table=None):
        # As Piccolo's, in one round trip to the connection's thread instead of four
        # (a PRAGMA before every statement, execute, fetch, close): the PRAGMA is set
        # once at connect, and execute_fetchall runs and fetches in one call.
        return await connection.execute_fetchall(query, args or [])

    async def _run_outside(self, query: str, args: list[Any], query_type: str):
        conns = await self._conns()
        if query_type in _READ_TYPES:
            return await self._run_in_existing_connection(await self._reader(conns), query, args)
        async with conns.lock:
            return await self._run_in_existing_connection(await self._writer(conns), query, args)

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False):
        query_id = self.get_query_id()
        if self.log_queries:
            self.print_query(query_id=query_id, query=querystring.__str__())
        query, query_args = querystring.compile_string(engine_type=self.engine_type)
        current = self.current_transaction.get()
        if current:
            response = await self._run_in_existing_connection(current.connection, query, query_args)
        else:
            response = await self._run_outside(query, query_args, querystring.query_type)
        if self.log_responses:
            self.print_response(query_id=query_id, response=response)
        return response

    async def run_ddl(self, ddl: str, in_pool: bool = False):
        if self.log_queries:
            self.print_query(query_id=self.get_query_id(), query=ddl)
        current = self.current_transaction.get()
        if current:
            return await self._run_in_existing_connection(current.connection, ddl)
        return await self._run_outside(ddl, [], "ddl")

    def transaction(self, transaction_type: TransactionType = TransactionType.deferred,
                    allow_nested: bool = True) -> SQLiteTransaction:
        return _KeptTransaction(engine=self, transaction_type=transaction_type, allow_nested=allow_nested)


class _ReleasingPostgresTransaction(PostgresTransaction):
    """Piccolo's PostgreSQL transaction, but the connection always goes back to the pool.

    Piccolo's own `__aenter__` takes a connection from the pool and then sends BEGIN; a
    task cancelled during BEGIN (a server stopping its background pruner, a request whose
    client went away) never reaches `__aexit__`, so the connection stayed taken for
    ever. Each such loss shrank the pool by one, and asyncpg's `Pool.close()` waits for
    every connection, so a server stopped after one never finished stopping (seen in the
    PostgreSQL test pass: tests/store/test_cancelled_transactions.py). A failed ROLLBACK or
    COMMIT in `__aexit__` lost the connection in the same way."""

    async def __aenter__(self) -> PostgresTransaction:
        if self._parent is not None:
            return self._parent
        self.connection = await self.get_connection()
        try:
            self.transaction = self.connection.transaction()
            await self.begin()
        except BaseException:
            await self._give_back()
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        try:
            await _end(self, exception)
        finally:
            self.engine.current_transaction.reset(self.context)
            await self._give_back()
        return exception is None

    async def _give_back(self) -> None:
        # asyncpg's Pool.release shields itself from cancellation and resets (or, when
        # a query was cut off, terminates) the connection before the next one takes it.
        if self.engine.pool:
            await self.engine.pool.release(self.connection)
        else:
            await self.connection.close()


class ReleasingPostgresEngine(PostgresEngine):
    """PostgresEngine whose transactions never keep a pool connection (see above)."""

    def transaction(self, allow_nested: bool = True) -> PostgresTransaction:
        return _ReleasingPostgresTransaction(engine=self, allow_nested=allow_nested)
