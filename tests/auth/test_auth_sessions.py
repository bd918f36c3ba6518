"""The database-backed Litestar store: sessions shared between processes."""
import datetime as dt

import pytest
from litestar import Litestar, Request, get, post
from litestar.middleware.session.server_side import ServerSideSessionConfig
from litestar.testing import AsyncTestClient

from survey_engine.web import session_store as sessions
from survey_engine.web.session_store import DatabaseStore
from survey_engine.store.auth_tables import SessionRecord
from survey_engine import clock



async def test_value_set_in_one_store_is_read_through_another(db):
    # Two instances stand for two worker processes: they share nothing but the database.
    first, second = DatabaseStore(), DatabaseStore()
    await first.set("abc", b"\x00\x01binary\xff", expires_in=3600)
    assert await second.get("abc") == b"\x00\x01binary\xff"
    assert await second.exists("abc")
    assert 3590 <= await second.expires_in("abc") <= 3600
    await second.set("abc", "text värde")
    assert await first.get("abc") == "text värde".encode()
    assert await first.expires_in("abc") is None  # set again without expiry
    await first.delete("abc")
    assert await second.get("abc") is None
    assert not await second.exists("abc")
    await second.delete("abc")  # deleting a missing key is a no-op


async def test_expiry_and_renewal(db, monkeypatch):
    store = DatabaseStore()
    await store.set("k", b"v", expires_in=dt.timedelta(minutes=10))
    await store.set("forever", b"v")
    start = dt.datetime.now(dt.timezone.utc)
    monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(minutes=9))
    # Reading with renew_for pushes the expiry forward.
    assert await store.get("k", renew_for=600) == b"v"
    monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(minutes=15))
    assert await store.get("k") == b"v"
    monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(minutes=20))
    assert await store.get("k") is None
    assert not await store.exists("k")
    assert await store.expires_in("k") is None
    assert await store.get("forever") == b"v"
    # renew_for is a no-op without an expiry.
    await store.get("forever", renew_for=10)
    assert await store.expires_in("forever") is None


async def test_delete_expired(db, monkeypatch):
    store = DatabaseStore()
    await store.set("old", b"1", expires_in=60)
    await store.set("new", b"2", expires_in=3600)
    await store.set("forever", b"3")
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert await store.delete_expired() == 1
    assert await SessionRecord.count() == 2


async def test_namespaces(db):
    parent = DatabaseStore("sessions")
    child = parent.with_namespace("csrf")
    other = DatabaseStore("sessionsx")
    await parent.set("k", b"parent")
    await child.set("k", b"child")
    await other.set("k", b"other")
    assert await parent.get("k") == b"parent" and await child.get("k") == b"child"
    await child.delete_all()
    assert await child.get("k") is None and await parent.get("k") == b"parent"
    await child.set("k", b"child")
    await parent.delete_all()
    assert await parent.get("k") is None and await child.get("k") is None
    assert await other.get("k") == b"other"
    with pytest.raises(ValueError):
        DatabaseStore("bad namespace%")


def make_app() -> Litestar:
    """A minimal app with server-side sessions in the database; each call is a fresh
    'process' with its own store instance."""

    @post("/login")
    async def login(request: Request) -> dict:
        request.set_session({"uid": 42, "name": "anna"})
        return {}

    @get("/me")
    async def me(request: Request) -> dict:
        return dict(request.session)

    @post("/logout")
    async def logout(request: Request) -> dict:
        request.clear_session()
        return {}

    config = ServerSideSessionConfig(max_age=3600, httponly=True, samesite="lax", secure=False)
    return Litestar(
        route_handlers=[login, me, logout],
        middleware=[config.middleware],
        stores={"sessions": DatabaseStore()},
    )


async def test_a_session_made_by_one_app_works_in_another(db):
    async with AsyncTestClient(app=make_app()) as one, AsyncTestClient(app=make_app()) as two:
        response = await one.post("/login")
        cookie = response.cookies.get("session")
        assert cookie
        set_cookie = response.headers["set-cookie"].lower()
        assert "httponly" in set_cookie and "samesite=lax" in set_cookie
        two.cookies.set("session", cookie)
        assert (await two.get("/me")).json() == {"uid": 42, "name": "anna"}
        assert await SessionRecord.count() == 1
        await two.post("/logout")
        assert await SessionRecord.count() == 0
        one.cookies.set("session", cookie)
        assert (await one.get("/me")).json() == {}


async def test_concurrent_writers_do_not_collide(db):
    import asyncio

    stores = [DatabaseStore(), DatabaseStore()]
    await asyncio.gather(*(stores[i % 2].set(f"k{i % 5}", f"v{i}", expires_in=600) for i in range(40)))
    assert await SessionRecord.count() == 5
    values = await asyncio.gather(*(stores[0].get(f"k{i}") for i in range(5)))
    assert all(v is not None and v.startswith(b"v") for v in values)


async def test_a_value_written_by_another_process_is_read_here(db):
    """A real second process (same database settings, inherited from this one)."""
    import asyncio
    import sys

    code = (
        "import asyncio\n"
        "from survey_engine.web.session_store import DatabaseStore\n"
        "asyncio.run(DatabaseStore().set('from-child', b'hej', expires_in=600))\n"
    )
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", code, stderr=asyncio.subprocess.PIPE)
    _, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    assert await DatabaseStore().get("from-child") == b"hej"
