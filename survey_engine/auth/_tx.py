"""Joining a running transaction instead of nesting a new one.

store.db.write_transaction() takes an in-process lock that is not re-entrant, so code
that may run inside a caller's write transaction (audit.record, for one) must not open
another: it joins the running one, or opens its own when there is none.
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator

from survey_engine.store.db import engine, write_transaction


def in_transaction() -> bool:
    return engine().current_transaction.get() is not None


@asynccontextmanager
async def writing() -> AsyncIterator[None]:
    if in_transaction():
        yield
    else:
        async with write_transaction():
            yield
