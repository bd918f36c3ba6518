"""The anchor of the write-path benchmark (issue 15): the product's autosave written
directly on Litestar + Pydantic + the raw database driver, with the same semantics and
nothing else. bench/write_path.py measures it side by side with the product.

What one save does (`POST /api/v1/responses/{id}/answers`, the product's body
`{"revision": N, "answers": {...}, "comments": {...}, "evidence": {...}}`):

1. bearer-token check: `Authorization: Bearer se_…` is hashed (SHA-256, as the product
   stores its tokens) and looked up **in a token table on every request** (one query:
   token ⋈ user ⋈ user's units; revoked/expired tokens and disabled users are refused
   with 401). No principal cache: the product has none today either.
2. the body is validated by a Pydantic model (unknown fields 400); every question must
   exist and every value must be one of its options (422 naming the questions; the
   questions are read once per worker at start-up, as immutable data); notes ≤ 4000
   characters, no NUL.
3. in **one transaction on the worker's connection**: the response row (404 unknown,
   403 when its unit is not one of the principal's, 423 when its round is not open,
   409 when submitted), the revision check (a stale revision → 409 with the current
   state in `current`, nothing written), the response's answers, then for each changed
   question an answer upsert and a history row (old and new value, comment, evidence,
   who, when), the revision bump, and one audit row (`response.write`, as the product).
4. the reply (200) is the state built from what was read and written, without reading
   it back: id, unit, status, the new revision, and every answer of the response.

Databases, chosen by `ANCHOR_DATABASE` (or the argument of `create_app`):

- `sqlite:///path/file.sqlite`: the `sqlite3` module, WAL, **one connection per worker**
  opened at start-up, `BEGIN IMMEDIATE` for the save; the calls run on the event loop
  (each takes microseconds; two workers wait for each other through SQLite's busy
  timeout, as two processes must).
- `postgresql://…`: an `asyncpg` pool per worker (min 1, max 10 connections: the
  product's `DB_POOL_MIN`/`DB_POOL_MAX` defaults), the response row locked with
  `SELECT … FOR UPDATE`.

Its tables are its own (`anchor_*`), in its own database file or PostgreSQL database;
`create_schema_sqlite` / `create_schema_postgres` make them and `seed_*` fill them with
one respondent, one token and one open response per unit.

Run:  uvicorn --factory bench.write_anchor:create_app --workers 2   (ANCHOR_DATABASE set)
"""
from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Any, Union

from litestar import Litestar, Request, Response, get, post
from litestar.params import FromPath, JSONBody
from pydantic import BaseModel, ConfigDict, Field

MAX_NOTE = 4000
SQLITE_BUSY_TIMEOUT_S = 30  # as the product's SQLiteEngine(timeout=30)

AnswerValue = Union[str, int, float, bool, None]


# ---------------------------------------------------------------- the API models

class SaveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    revision: int
    answers: dict[str, AnswerValue] = Field(default_factory=dict)
    comments: dict[str, Union[str, None]] = Field(default_factory=dict)
    evidence: dict[str, Union[str, None]] = Field(default_factory=dict)


class AnswerOut(BaseModel):
    value: AnswerValue = None
    comment: str = ""
    evidence: str = ""
    updated_by: str
    updated_at: str


class StateOut(BaseModel):
    id: int
    unit: str
    status: str
    revision: int
    updated_at: str
    answers: dict[str, AnswerOut]


class ProblemOut(BaseModel):
    detail: str
    errors: list[dict[str, str]] = Field(default_factory=list)
    current: StateOut | None = None


# ---------------------------------------------------------------- the save, database-neutral

@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    units: frozenset[str]


class Problem(Exception):
    def __init__(self, status: int, detail: str, errors: list[dict[str, str]] | None = None,
                 current: dict[str, Any] | None = None):
        super().__init__(detail)
        self.status, self.detail, self.errors, self.current = status, detail, errors or [], current


def token_hash(plain: str) -> str:
    return hashlib.sha256(plain.encode("ascii")).hexdigest()


def now_text() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()


def validate(questions: dict[str, list[Any]], body: SaveIn) -> None:
    errors = []
    for what, batch in (("answers", body.answers), ("comments", body.comments), ("evidence", body.evidence)):
        for qid in batch:
            if qid not in questions:
                errors.append({"question": qid, "field": f"{what}.{qid}", "message": "unknown question"})
    for qid, value in body.answers.items():
        if qid in questions and value is not None and value not in questions[qid]:
            errors.append({"question": qid, "field": f"answers.{qid}", "message": "not one of the options"})
    for what, batch in (("comments", body.comments), ("evidence", body.evidence)):
        for qid, text in batch.items():
            if text and ("\x00" in text or len(text) > MAX_NOTE):
                errors.append({"question": qid, "field": f"{what}.{qid}", "message": "NUL or too long"})
    if errors:
        raise Problem(422, f"{len(errors)} invalid answers", errors)


def check_row(row: Any, response_id: int, who: Principal) -> None:
    """404, 403, 423, 409 (submitted), in the product's order."""
    if row is None:
        raise Problem(404, f"response {response_id} not found")
    if row[0] not in who.units:
        raise Problem(403, "not your unit")
    if not row[2]:
        raise Problem(423, "the round is not open")
    if row[1] == "submitted":
        raise Problem(409, "the response is submitted: reopen it to change answers")


def changes_of(body: SaveIn, existing: dict[str, dict[str, Any]]) -> dict[str, tuple[Any, str, str]]:
    """{question: (value, comment, evidence)} for every question the save changes."""
    out = {}
    for qid in set(body.answers) | set(body.comments) | set(body.evidence):
        old = existing.get(qid)
        new = (
            body.answers[qid] if qid in body.answers else (old["value"] if old else None),
            (body.comments[qid] or "") if qid in body.comments else (old["comment"] if old else ""),
            (body.evidence[qid] or "") if qid in body.evidence else (old["evidence"] if old else ""),
        )
        if old is None or (json.dumps(old["value"]), old["comment"], old["evidence"]) != (json.dumps(new[0]), new[1], new[2]):
            out[qid] = new
    return out


def state(response_id: int, row: Any, revision: int, updated_at: str, answers: dict[str, dict[str, Any]]) -> dict:
    return {"id": response_id, "unit": row[0], "status": row[1], "revision": revision, "updated_at": updated_at,
            "answers": answers}


def _answer(value_text: str | None, comment: str, evidence: str, by: str, at: str) -> dict[str, Any]:
    return {"value": None if value_text is None else json.loads(value_text), "comment": comment or "",
            "evidence": evidence or "", "updated_by": by, "updated_at": at}


# ---------------------------------------------------------------- SQLite (sqlite3)

_SQL_TOKEN = """SELECT u.id, u.username, uu.unit FROM anchor_token t JOIN anchor_user u ON u.id = t.user_id
 LEFT JOIN anchor_user_unit uu ON uu.user_id = u.id
 WHERE t.token_hash = {p1} AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > {p2}) AND u.active"""
_SQL_RESPONSE = "SELECT unit, status, round_open, revision, updated_at FROM anchor_response WHERE id = {p1}"
_SQL_ANSWERS = ("SELECT question_id, value, comment, evidence, updated_by, updated_at FROM anchor_answer "
                "WHERE response_id = {p1}")
_SQL_UPSERT = """INSERT INTO anchor_answer (response_id, question_id, value, comment, evidence, updated_by, updated_at)
 VALUES ({p1}, {p2}, {p3}, {p4}, {p5}, {p6}, {p7}) ON CONFLICT (response_id, question_id) DO UPDATE SET
 value = excluded.value, comment = excluded.comment, evidence = excluded.evidence,
 updated_by = excluded.updated_by, updated_at = excluded.updated_at"""
_SQL_HISTORY = """INSERT INTO anchor_history (response_id, question_id, revision, old_value, new_value, old_comment,
 new_comment, old_evidence, new_evidence, actor, changed_at)
 VALUES ({p1}, {p2}, {p3}, {p4}, {p5}, {p6}, {p7}, {p8}, {p9}, {p10}, {p11})"""
_SQL_BUMP = "UPDATE anchor_response SET revision = {p2}, updated_at = {p3} WHERE id = {p1}"
_SQL_AUDIT = """INSERT INTO anchor_audit (at, actor, action, object_type, object_id, unit, details)
 VALUES ({p1}, {p2}, 'response.write', 'response', {p3}, {p4}, {p5})"""


def _sql(template: str, style: str) -> str:
    # numbered on both: SQLite's ?NNN and PostgreSQL's $N bind by number, not by position
    marks = {f"p{i}": (f"?{i}" if style == "qmark" else f"${i}") for i in range(1, 12)}
    return template.format(**marks)


SQLITE_SQL = {k: _sql(v, "qmark") for k, v in dict(
    token=_SQL_TOKEN, response=_SQL_RESPONSE, answers=_SQL_ANSWERS, upsert=_SQL_UPSERT, history=_SQL_HISTORY,
    bump=_SQL_BUMP, audit=_SQL_AUDIT).items()}
PG_SQL = {k: _sql(v, "numeric") for k, v in dict(
    token=_SQL_TOKEN, response=_SQL_RESPONSE + " FOR UPDATE", answers=_SQL_ANSWERS, upsert=_SQL_UPSERT,
    history=_SQL_HISTORY, bump=_SQL_BUMP, audit=_SQL_AUDIT).items()}
PG_SQL["response_read"] = _sql(_SQL_RESPONSE, "numeric")


class SqliteStore:
    def __init__(self, path: str, lock: str | None = None):
        self.path = path
        self.conn: sqlite3.Connection | None = None
        self.questions: dict[str, list[Any]] = {}
        # "flock": writers of all workers queue on an exclusive lock of `<db>.lock` around
        # the transaction, so a waiting worker wakes as soon as the other commits; "none":
        # they meet only in SQLite's busy handler, which sleeps (1, 2, 5 … 100 ms) and
        # blocks the worker's event loop meanwhile.
        self.lock = lock or os.environ.get("ANCHOR_SQLITE_LOCK", "flock")
        self.lock_fd: int | None = None

    async def start(self) -> None:
        if self.lock == "flock":
            self.lock_fd = os.open(self.path + ".lock", os.O_CREAT | os.O_RDWR, 0o600)
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                    timeout=SQLITE_BUSY_TIMEOUT_S)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.questions = {r[0]: json.loads(r[1]) for r in self.conn.execute("SELECT id, options FROM anchor_question")}

    async def stop(self) -> None:
        if self.conn is not None:
            self.conn.close()
        if self.lock_fd is not None:
            os.close(self.lock_fd)

    async def ready(self) -> None:
        self.conn.execute("SELECT 1").fetchone()

    async def principal(self, hashed: str) -> Principal | None:
        rows = self.conn.execute(SQLITE_SQL["token"], (hashed, now_text())).fetchall()
        return Principal(rows[0][0], rows[0][1], frozenset(r[2] for r in rows if r[2])) if rows else None

    def _answers(self, response_id: int) -> dict[str, dict[str, Any]]:
        return {r[0]: _answer(*r[1:]) for r in self.conn.execute(SQLITE_SQL["answers"], (response_id,))}

    async def get(self, response_id: int, who: Principal) -> dict[str, Any]:
        row = self.conn.execute(SQLITE_SQL["response"], (response_id,)).fetchone()
        if row is None:
            raise Problem(404, f"response {response_id} not found")
        if row[0] not in who.units:
            raise Problem(403, "not your unit")
        return state(response_id, row, row[3], row[4], self._answers(response_id))

    async def save(self, response_id: int, who: Principal, body: SaveIn) -> dict[str, Any]:
        c = self.conn
        if self.lock_fd is not None:
            fcntl.flock(self.lock_fd, fcntl.LOCK_EX)
        try:
            return self._save(c, response_id, who, body)
        finally:
            if self.lock_fd is not None:
                fcntl.flock(self.lock_fd, fcntl.LOCK_UN)

    def _save(self, c: sqlite3.Connection, response_id: int, who: Principal, body: SaveIn) -> dict[str, Any]:
        c.execute("BEGIN IMMEDIATE")
        try:
            row = c.execute(SQLITE_SQL["response"], (response_id,)).fetchone()
            check_row(row, response_id, who)
            existing = self._answers(response_id)
            if row[3] != body.revision:
                raise Problem(409, f"the response changed meanwhile (revision {row[3]}, yours {body.revision})",
                              [{"field": "revision", "message": f"current revision is {row[3]}"}],
                              current=state(response_id, row, row[3], row[4], existing))
            revision, t = row[3] + 1, now_text()
            changes = changes_of(body, existing)
            for qid, (value, comment, evidence) in changes.items():
                old = existing.get(qid) or {"value": None, "comment": "", "evidence": ""}
                new_text = None if value is None else json.dumps(value)
                c.execute(SQLITE_SQL["upsert"], (response_id, qid, new_text, comment, evidence, who.username, t))
                c.execute(SQLITE_SQL["history"], (
                    response_id, qid, revision, None if old["value"] is None else json.dumps(old["value"]), new_text,
                    old["comment"], comment, old["evidence"], evidence, who.username, t))
                existing[qid] = {"value": value, "comment": comment, "evidence": evidence, "updated_by": who.username,
                                 "updated_at": t}
            c.execute(SQLITE_SQL["bump"], (response_id, revision, t))
            c.execute(SQLITE_SQL["audit"], (t, who.username, str(response_id), row[0],
                                            json.dumps({"revision": revision, "questions": sorted(changes)})))
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise
        return state(response_id, row, revision, t, existing)


# ---------------------------------------------------------------- PostgreSQL (asyncpg)

class PostgresStore:
    def __init__(self, url: str, min_size: int = 1, max_size: int = 10):
        self.url, self.min_size, self.max_size = url, min_size, max_size
        self.pool = None
        self.questions: dict[str, list[Any]] = {}

    async def start(self) -> None:
        import asyncpg

        self.pool = await asyncpg.create_pool(self.url, min_size=self.min_size, max_size=self.max_size)
        rows = await self.pool.fetch("SELECT id, options FROM anchor_question")
        self.questions = {r["id"]: json.loads(r["options"]) for r in rows}

    async def stop(self) -> None:
        if self.pool is not None:
            await self.pool.close()

    async def ready(self) -> None:
        await self.pool.fetchval("SELECT 1")

    async def principal(self, hashed: str) -> Principal | None:
        rows = await self.pool.fetch(PG_SQL["token"], hashed, now_text())
        return Principal(rows[0][0], rows[0][1], frozenset(r[2] for r in rows if r[2])) if rows else None

    @staticmethod
    async def _answers(conn, response_id: int) -> dict[str, dict[str, Any]]:
        return {r[0]: _answer(*r[1:]) for r in await conn.fetch(PG_SQL["answers"], response_id)}

    async def get(self, response_id: int, who: Principal) -> dict[str, Any]:
        async with self.pool.acquire() as conn:
            row = await conn.fetchrow(PG_SQL["response_read"], response_id)
            if row is None:
                raise Problem(404, f"response {response_id} not found")
            if row[0] not in who.units:
                raise Problem(403, "not your unit")
            return state(response_id, row, row[3], row[4], await self._answers(conn, response_id))

    async def save(self, response_id: int, who: Principal, body: SaveIn) -> dict[str, Any]:
        async with self.pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(PG_SQL["response"], response_id)
            check_row(row, response_id, who)
            existing = await self._answers(conn, response_id)
            if row[3] != body.revision:
                raise Problem(409, f"the response changed meanwhile (revision {row[3]}, yours {body.revision})",
                              [{"field": "revision", "message": f"current revision is {row[3]}"}],
                              current=state(response_id, row, row[3], row[4], existing))
            revision, t = row[3] + 1, now_text()
            changes = changes_of(body, existing)
            for qid, (value, comment, evidence) in changes.items():
                old = existing.get(qid) or {"value": None, "comment": "", "evidence": ""}
                new_text = None if value is None else json.dumps(value)
                await conn.execute(PG_SQL["upsert"], response_id, qid, new_text, comment, evidence, who.username, t)
                await conn.execute(PG_SQL["history"], response_id, qid, revision,
                                   None if old["value"] is None else json.dumps(old["value"]), new_text,
                                   old["comment"], comment, old["evidence"], evidence, who.username, t)
                existing[qid] = {"value": value, "comment": comment, "evidence": evidence, "updated_by": who.username,
                                 "updated_at": t}
            await conn.execute(PG_SQL["bump"], response_id, revision, t)
            await conn.execute(PG_SQL["audit"], t, who.username, str(response_id), row[0],
                               json.dumps({"revision": revision, "questions": sorted(changes)}))
        return state(response_id, row, revision, t, existing)


# ---------------------------------------------------------------- the schema and seed

def schema(dialect: str) -> list[str]:
    """The anchor's tables: the product's shape, reduced to what a save touches.
    Timestamps are ISO text on both databases (the product's SQLite stores text too)."""
    pk = "INTEGER PRIMARY KEY" if dialect == "sqlite" else "BIGSERIAL PRIMARY KEY"
    boolean = "INTEGER" if dialect == "sqlite" else "BOOLEAN"
    return [
        f"CREATE TABLE anchor_user (id {pk}, username TEXT NOT NULL UNIQUE, role TEXT NOT NULL, "
        f"active {boolean} NOT NULL)",
        "CREATE TABLE anchor_user_unit (user_id BIGINT NOT NULL REFERENCES anchor_user(id), unit TEXT NOT NULL)",
        "CREATE INDEX anchor_user_unit_user ON anchor_user_unit (user_id)",
        f"CREATE TABLE anchor_token (id {pk}, user_id BIGINT NOT NULL REFERENCES anchor_user(id), "
        "token_hash TEXT NOT NULL UNIQUE, revoked_at TEXT, expires_at TEXT)",
        "CREATE TABLE anchor_question (id TEXT PRIMARY KEY, options TEXT NOT NULL)",
        f"CREATE TABLE anchor_response (id {pk}, unit TEXT NOT NULL, status TEXT NOT NULL, "
        f"round_open {boolean} NOT NULL, revision INTEGER NOT NULL, updated_at TEXT NOT NULL)",
        f"CREATE TABLE anchor_answer (id {pk}, response_id BIGINT NOT NULL REFERENCES anchor_response(id), "
        "question_id TEXT NOT NULL, value TEXT, comment TEXT NOT NULL, evidence TEXT NOT NULL, "
        "updated_by TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (response_id, question_id))",
        f"CREATE TABLE anchor_history (id {pk}, response_id BIGINT NOT NULL REFERENCES anchor_response(id), "
        "question_id TEXT NOT NULL, revision INTEGER NOT NULL, old_value TEXT, new_value TEXT, "
        "old_comment TEXT NOT NULL, new_comment TEXT NOT NULL, old_evidence TEXT NOT NULL, "
        "new_evidence TEXT NOT NULL, actor TEXT NOT NULL, changed_at TEXT NOT NULL)",
        "CREATE INDEX anchor_history_response ON anchor_history (response_id)",
        f"CREATE TABLE anchor_audit (id {pk}, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, "
        "object_type TEXT NOT NULL, object_id TEXT NOT NULL, unit TEXT, details TEXT NOT NULL)",
    ]


@dataclass
class Seat:
    """One load-generator connection's response and the token that may write it."""
    response_id: int
    token: str
    unit: str


def _seed_rows(units: int, prefix: str) -> list[tuple[str, str, str]]:
    """(unit, username, plain token) per unit."""
    return [(f"{prefix}{i:04d}", f"resp-{prefix.lower()}{i:04d}", "se_" + secrets.token_urlsafe(32))
            for i in range(units)]


def setup_sqlite(path: str, questions: dict[str, list[Any]], units: int, prefix: str = "AN") -> list[Seat]:
    """Create the tables in a new SQLite file and seed `units` respondents/responses."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("BEGIN")
        for ddl in schema("sqlite"):
            conn.execute(ddl)
        conn.executemany("INSERT INTO anchor_question (id, options) VALUES (?, ?)",
                         [(q, json.dumps(v)) for q, v in questions.items()])
        seats, t = [], now_text()
        for unit, user, plain in _seed_rows(units, prefix):
            uid = conn.execute("INSERT INTO anchor_user (username, role, active) VALUES (?, 'respondent', 1)",
                               (user,)).lastrowid
            conn.execute("INSERT INTO anchor_user_unit (user_id, unit) VALUES (?, ?)", (uid, unit))
            conn.execute("INSERT INTO anchor_token (user_id, token_hash) VALUES (?, ?)", (uid, token_hash(plain)))
            rid = conn.execute("INSERT INTO anchor_response (unit, status, round_open, revision, updated_at) "
                               "VALUES (?, 'draft', 1, 0, ?)", (unit, t)).lastrowid
            seats.append(Seat(rid, plain, unit))
        conn.execute("COMMIT")
        return seats
    finally:
        conn.close()


async def setup_postgres(url: str, questions: dict[str, list[Any]], units: int, prefix: str = "AN") -> list[Seat]:
    """Create the tables in the (new, empty) PostgreSQL database at `url` and seed."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            for ddl in schema("postgres"):
                await conn.execute(ddl)
            await conn.executemany("INSERT INTO anchor_question (id, options) VALUES ($1, $2)",
                                   [(q, json.dumps(v)) for q, v in questions.items()])
            seats, t = [], now_text()
            for unit, user, plain in _seed_rows(units, prefix):
                uid = await conn.fetchval("INSERT INTO anchor_user (username, role, active) "
                                          "VALUES ($1, 'respondent', true) RETURNING id", user)
                await conn.execute("INSERT INTO anchor_user_unit (user_id, unit) VALUES ($1, $2)", uid, unit)
                await conn.execute("INSERT INTO anchor_token (user_id, token_hash) VALUES ($1, $2)",
                                   uid, token_hash(plain))
                rid = await conn.fetchval("INSERT INTO anchor_response (unit, status, round_open, revision, "
                                          "updated_at) VALUES ($1, 'draft', true, 0, $2) RETURNING id", unit, t)
                seats.append(Seat(rid, plain, unit))
        return seats
    finally:
        await conn.close()


# ---------------------------------------------------------------- the app

def _problem(p: Problem) -> Response:
    return Response(ProblemOut(detail=p.detail, errors=p.errors,
                               current=StateOut.model_validate(p.current) if p.current else None),
                    status_code=p.status)


def create_app(database: str | None = None) -> Litestar:
    """The anchor app on `database` (else `ANCHOR_DATABASE`): `sqlite:///path` or a
    `postgresql://` URL."""
    database = database or os.environ.get("ANCHOR_DATABASE", "")
    if database.startswith("sqlite:///"):
        store: SqliteStore | PostgresStore = SqliteStore(database.removeprefix("sqlite:///"))
    elif database.startswith(("postgresql://", "postgres://")):
        store = PostgresStore(database)
    else:
        raise SystemExit("ANCHOR_DATABASE must be sqlite:///path or postgresql://…")

    async def who(request: Request) -> Principal:
        scheme, _, plain = request.headers.get("authorization", "").partition(" ")
        found = await store.principal(token_hash(plain.strip())) if scheme.lower() == "bearer" and plain else None
        if found is None:
            raise Problem(401, "not logged in")
        return found

    @get("/health/live", sync_to_thread=False)
    def live() -> dict[str, str]:
        return {"status": "live"}

    @get("/health/ready")
    async def ready() -> dict[str, str]:
        await store.ready()
        return {"status": "ready"}

    @get("/api/v1/responses/{response_id:int}")
    async def get_response(request: Request, response_id: FromPath[int]) -> Response:
        try:
            return Response(StateOut.model_validate(await store.get(response_id, await who(request))))
        except Problem as p:
            return _problem(p)

    @post("/api/v1/responses/{response_id:int}/answers", status_code=200)
    async def save(request: Request, response_id: FromPath[int], data: JSONBody[SaveIn]) -> Response:
        try:
            principal = await who(request)
            validate(store.questions, data)
            return Response(StateOut.model_validate(await store.save(response_id, principal, data)))
        except Problem as p:
            return _problem(p)

    return Litestar(route_handlers=[live, ready, get_response, save], on_startup=[store.start],
                    on_shutdown=[store.stop])
