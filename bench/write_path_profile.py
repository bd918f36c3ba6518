"""Where the product's autosave spends its time (issue 15): queries per save, and a
py-spy profile of a worker under wrk load.

Two parts, both on a fresh database seeded like bench/write_path.py (respondents with
their own tokens, the small load-test questionnaire):

1. **queries** (in-process, one save after the other): the app from
   `survey_engine.web.app.create_app` under Litestar's AsyncTestClient, with Piccolo's
   engine wrapped to count every statement it runs (`run_querystring`, inside and
   outside transactions), the transactions it begins, and, on SQLite, every
   `aiosqlite.connect` (a new connection, on a new thread). Prints the statements of one
   save in order and the averages over `--saves` saves. Nothing in survey_engine/ is
   changed: the wrappers are installed at run time in this process only.
2. **py-spy** (`--pyspy`): `survey-engine serve --workers 1` on SQLite, wrk saving with
   `--clients` connections, and `py-spy record --format raw` on the worker for
   `--duration` seconds. Prints the share of samples per area, inclusive (a sample counts
   for every area on its stack) and by the innermost frame; `--svg FILE` records a
   flame graph instead of the collapsed stacks (a second recording).

Usage:
    .venv/bin/pip install py-spy        # once, into the venv (from PyPI)
    .venv/bin/python bench/write_path_profile.py --saves 200               # queries only, SQLite
    .venv/bin/python bench/write_path_profile.py --db postgres --saves 200
    .venv/bin/python bench/write_path_profile.py --pyspy --duration 15 --stacks stacks.txt --svg profile.svg
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.autosave_load import DEFAULT_PG, FreshDatabase  # noqa: E402
from bench.serverkit import API  # noqa: E402
from bench.write_path import (  # noqa: E402
    WRK_INSTALL_HINT, run_wrk, setup_product, uptime, wrk_path, write_seats_file,
)

_TABLE = re.compile(r'\b(?:FROM|INTO|UPDATE)\s+"?([a-z_]+)"?', re.I)


def statement_kind(sql: str) -> str:
    """'SELECT auth_api_token', 'INSERT answer_history', … from a statement's text."""
    words = sql.split()
    verb = words[0].upper() if words else "?"
    if verb == "WITH":
        verb = next((w.upper() for w in words if w.upper() in ("SELECT", "INSERT", "UPDATE", "DELETE")), verb)
    m = _TABLE.search(sql)
    return f"{verb} {m.group(1) if m else ''}".strip()


# ---------------------------------------------------------------- 1. queries per save

class Counter:
    def __init__(self) -> None:
        self.statements: list[str] = []
        self.transactions = 0
        self.connections = 0

    def reset(self) -> None:
        self.statements, self.transactions, self.connections = [], 0, 0


def install_counters(engine, counter: Counter) -> None:
    """Wrap the Piccolo engine in use (this process only). The engine class has slots,
    so the wrappers go on the class; the process has one engine."""
    cls = type(engine)
    original = cls.run_querystring

    async def counted(self, querystring, *args, **kwargs):
        counter.statements.append(statement_kind(str(querystring)))
        return await original(self, querystring, *args, **kwargs)

    cls.run_querystring = counted
    original_tx = cls.transaction

    def transaction(self, *args, **kwargs):
        counter.transactions += 1
        return original_tx(self, *args, **kwargs)

    cls.transaction = transaction
    if engine.engine_type == "sqlite":
        import aiosqlite

        original_connect = aiosqlite.connect

        def connect(*args, **kwargs):
            counter.connections += 1
            return original_connect(*args, **kwargs)

        aiosqlite.connect = connect
        import piccolo.engine.sqlite as piccolo_sqlite

        piccolo_sqlite.aiosqlite.connect = connect  # the module Piccolo calls through


async def count_queries(env: dict[str, str], seats, choices: dict[str, list[Any]], saves: int) -> dict[str, Any]:
    for k in ("DATABASE_URL", "SURVEY_ENGINE_SQLITE"):
        os.environ.pop(k, None)
    os.environ.update({k: v for k, v in env.items() if k in ("DATABASE_URL", "SURVEY_ENGINE_SQLITE")})
    os.environ.setdefault("PICCOLO_CONF", "survey_engine.piccolo_conf")
    from litestar.testing import AsyncTestClient
    from piccolo.engine import engine_finder

    from survey_engine.web.app import create_app

    engine = engine_finder()
    counter = Counter()
    install_counters(engine, counter)
    questions = sorted(choices)
    seat = seats[0]
    headers = {"Authorization": f"Bearer {seat.token}"}
    per_save: list[tuple[int, int, int]] = []
    first: list[str] = []
    # db_pool=False: the test client runs start-up hooks in a thread of its own, where an
    # asyncpg pool must not be made (see create_app); it changes connection handling on
    # PostgreSQL only, not the statements.
    async with AsyncTestClient(create_app(secure_cookies=False, db_pool=False)) as client:
        state = (await client.get(f"{API}/responses/{seat.response_id}", headers=headers)).json()
        current = {q: a["value"] for q, a in state["answers"].items()}
        revision = state["revision"]
        t0 = time.perf_counter()
        for i in range(saves + 3):
            q = questions[i % len(questions)]
            opts = choices[q]
            value = opts[(opts.index(current[q]) + 1) % len(opts)] if current.get(q) in opts else opts[0]
            counter.reset()
            if i == 3:
                t0 = time.perf_counter()
            r = await client.post(f"{API}/responses/{seat.response_id}/answers", headers=headers,
                                  json={"revision": revision, "answers": {q: value}})
            if r.status_code != 200:
                raise RuntimeError(f"save -> {r.status_code}: {r.text[:300]}")
            revision, current[q] = r.json()["revision"], value
            if i >= 3:  # the first saves fill whatever the app caches; not counted
                per_save.append((len(counter.statements), counter.transactions, counter.connections))
                if not first:
                    first = list(counter.statements)
        elapsed = time.perf_counter() - t0
    n = len(per_save)
    return {
        "engine": engine.engine_type, "saves": n,
        "statements_per_save": round(sum(p[0] for p in per_save) / n, 2),
        "transactions_per_save": round(sum(p[1] for p in per_save) / n, 2),
        "sqlite_connections_per_save": round(sum(p[2] for p in per_save) / n, 2),
        "one_save": first, "one_save_kinds": dict(collections.Counter(first)),
        "ms_per_save_in_process": round(elapsed * 1000 / n, 2),
    }


# ---------------------------------------------------------------- 2. py-spy under load

# Areas of the event loop's work, recognised by function names on the stack (py-spy
# frames read "name (file:line)"). Inclusive: a sample counts for every area on its stack.
# Adjust the names when the code moves or is renamed.
AREAS = [  # function names of the code after issue 15 (the "before" names are in docs/benchmarks.md)
    ("request handling (all middleware and the handler)", ["Litestar.__call__"]),
    ("  principal middleware (PrincipalMiddleware.handle, own work + cache)", ["PrincipalMiddleware.handle"]),
    ("    token looked up in the database (authenticate_token: cache miss)", ["authenticate_token"]),
    ("  request body: JSON + Pydantic (SaveIn)", ["_parse_values_from_connection_and_handler", "model_validate_json"]),
    ("  save service (_save, all)", ["_save"]),
    ("    statements (store.sql.batch: two round trips to SQLite's thread)", ["batch"]),
    ("    the write transaction (BEGIN IMMEDIATE, COMMIT, lock)", ["write_transaction"]),
    ("    checks (validate_batch)", ["validate_batch"]),
    ("    per-question merge (_merge)", ["_merge"]),
    ("    answer + history statements built (_change_statements)", ["_change_statements"]),
    ("    audit row built (insert_statement)", ["insert_statement"]),
    ("    reply built from what was written (_state)", ["_state"]),
    ("  reply serialisation (Pydantic model_validate, ASGIResponse)", ["BaseModel.model_validate", "ASGIResponse.__call__"]),
    ("  Piccolo building query strings (Query.querystrings)", ["Query.querystrings"]),
    ("  JSON (json.dumps / loads)", ["dumps", "loads"]),
    ("scoring (anything under score_response)", ["score_response"]),
]


def _aiosqlite_get_line() -> int:
    """The line where an aiosqlite connection thread waits for work (`tx.get()`): a
    sample whose innermost frame is that line is waiting; any other line of the loop
    (the SQLite call is C code, so it shows as the loop's own line) is running SQLite."""
    import inspect

    import aiosqlite.core

    lines, start = inspect.getsourcelines(aiosqlite.core._connection_worker_thread)
    return next((start + i for i, text in enumerate(lines) if ".get()" in text), -1)


_AIOSQLITE_GET_LINE = _aiosqlite_get_line()


def _names(frames: list[str]) -> set[str]:
    return {f.split(" (")[0] for f in frames}


def read_stacks(path: Path) -> list[tuple[list[str], int]]:
    out = []
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            out.append((stack.split(";"), int(count)))
    return out


def summarise(stacks: list[tuple[list[str], int]], rate: int, saves: float) -> dict[str, Any]:
    """Samples by thread, and the event loop's samples by area, also as milliseconds of
    that thread per save (samples / rate / saves)."""
    threads = collections.Counter()
    loop_stacks = []
    for frames, count in stacks:
        names = _names(frames)
        leaf = frames[-1]
        if "Runner.run" in names or "asyncio_run" in names:
            threads["event loop thread"] += count
            loop_stacks.append((frames, names, count))
        elif "_connection_worker_thread" in names:
            waiting = leaf.split(" (")[0] == "_connection_worker_thread" and f":{_AIOSQLITE_GET_LINE})" in leaf
            threads["aiosqlite threads: waiting for work" if waiting else "aiosqlite threads: running SQLite"] += count
        elif "_worker" in names:
            threads["thread pool (mostly waiting)"] += count
        else:
            threads["other threads (logging listener …)"] += count
    loop_total = sum(c for _, _, c in loop_stacks) or 1
    uvloop_leaf = sum(c for f, _, c in loop_stacks if f[-1].split(" (")[0] == "Runner.run")
    areas = {}
    for name, markers in AREAS:
        n = sum(c for _, names, c in loop_stacks if any(m in names for m in markers))
        areas[name] = {"pct_of_loop": round(100 * n / loop_total, 1),
                       "ms_per_save": round(n / rate * 1000 / saves, 2) if saves else None}
    return {
        "samples": sum(c for _, c in stacks), "rate": rate, "saves_during_recording": round(saves),
        "threads": dict(threads.most_common()),
        "threads_ms_per_save": {k: round(v / rate * 1000 / saves, 2) for k, v in threads.most_common()} if saves else {},
        "loop_ms_per_save": round(loop_total / rate * 1000 / saves, 2) if saves else None,
        "loop_in_uvloop_c_pct": round(100 * uvloop_leaf / loop_total, 1),
        "areas": areas,
    }


def pyspy_record(pid: int, duration: float, out: Path, fmt: str, rate: int) -> None:
    exe = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(exe).exists():
        raise SystemExit("py-spy is not installed: `.venv/bin/pip install py-spy`")
    subprocess.run([exe, "record", "--pid", str(pid), "--subprocesses", "--duration", str(int(duration)),
                    "--rate", str(rate), "--format", fmt, "-o", str(out)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def profile_under_load(side, args, folder: Path) -> dict[str, Any]:
    seats = side.seats[:args.clients]
    seats_file = folder / "seats-profile.lua"
    stacks = Path(args.stacks) if args.stacks else folder / "stacks.txt"
    result: dict[str, Any] = {}
    with side.server(1, folder) as server:
        write_seats_file(seats_file, server.url, seats, side.choices)
        run_wrk(server, seats_file, "save", args.clients, 2)  # warm-up
        recordings = [("raw", stacks)] + ([("flamegraph", Path(args.svg))] if args.svg else [])
        for fmt, out in recordings:
            write_seats_file(seats_file, server.url, seats, side.choices)
            load: dict[str, Any] = {}
            t = threading.Thread(target=lambda: load.update(
                run_wrk(server, seats_file, "save", args.clients, args.duration + 2)))
            t.start()
            time.sleep(1)
            pyspy_record(server.proc.pid, args.duration, out, fmt, args.rate)
            t.join()
            result[fmt] = {"file": str(out), "wrk": {k: load.get(k) for k in (
                "per_second", "latency_ms", "server_cpu_ms_per_ok", "errors", "conflicts", "load1_at_start")}}
    saves = (result["raw"]["wrk"]["per_second"] or 0) * args.duration
    result["summary"] = summarise(read_stacks(stacks), args.rate, saves)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--saves", type=int, default=200, help="saves in the query count")
    ap.add_argument("--pyspy", action="store_true", help="also profile a worker under wrk load (SQLite)")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=15)
    ap.add_argument("--rate", type=int, default=100, help="py-spy samples per second")
    ap.add_argument("--stacks", help="keep the collapsed stacks in this file")
    ap.add_argument("--svg", help="also record a flame graph (a second recording under the same load)")
    ap.add_argument("--pg-url", default=os.environ.get("TEST_POSTGRES_URL", DEFAULT_PG))
    args = ap.parse_args(argv)
    if args.pyspy and wrk_path() is None:
        print(WRK_INSTALL_HINT, file=sys.stderr)
        return 2
    print(f"write_path_profile: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {uptime()}")
    with tempfile.TemporaryDirectory(prefix="se-write-profile-") as tmp:
        folder = Path(tmp)
        with FreshDatabase(args.db, args.pg_url, folder) as env:
            side = setup_product(args.db, env, max(args.clients, 1), folder)
            if args.pyspy:
                prof = profile_under_load(side, args, folder)
                for fmt in ("raw", "flamegraph"):
                    if fmt in prof:
                        print(f"\npy-spy ({fmt}) -> {prof[fmt]['file']}; load during the recording: {prof[fmt]['wrk']}")
                s = prof["summary"]
                print(f"\n{s['samples']} samples at {s['rate']} Hz, about {s['saves_during_recording']} saves; "
                      f"ms per save by thread: {s['threads_ms_per_save']}")
                print(f"event loop thread: {s['loop_ms_per_save']} ms per save, {s['loop_in_uvloop_c_pct']} % of it "
                      f"in uvloop's C code (sockets, scheduling); by area (inclusive):")
                for name, a in s["areas"].items():
                    print(f"  {a['pct_of_loop']:5.1f} %  {a['ms_per_save']:6.2f} ms/save  {name}")
            counts = asyncio.run(count_queries(env, side.seats, side.choices, args.saves))
    print(f"\nqueries per save ({counts['engine']}, {counts['saves']} saves, in-process, one after the other):")
    print(f"  statements {counts['statements_per_save']}, transactions {counts['transactions_per_save']}, "
          f"new SQLite connections {counts['sqlite_connections_per_save']}, "
          f"{counts['ms_per_save_in_process']} ms per save (wall, in-process, no concurrency"
          + ("; PostgreSQL without the pool here: a new connection per statement)" if args.db == "postgres" else ")"))
    print("  one save, in order: " + " | ".join(counts["one_save"]))
    print(f"end: {uptime()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
