"""Write path: the product's autosave against a raw-stack anchor, in the same run (issue 15).

For each database (--db sqlite|postgres|both) this measures, with `wrk` and the Lua
script bench/write_path.lua, one configuration after the other:

    SQLite      1 worker,  50 clients        (saturation)
    SQLite      2 workers, 100 clients       (saturation, then paced at 200 saves/s offered)
    PostgreSQL  2 workers, 100 clients       (saturation, then paced at 200 saves/s offered)

and for each configuration, the product first and then the anchor (unless --only):

- **health**: `GET /health/live` (no database), the ceiling of a bare request;
- **save**: autosaves back to back, `POST /api/v1/responses/{id}/answers`;
- **paced** (2-worker configurations): each connection sends one save every
  clients / rate seconds (Lua `delay()`; wrk2 is not available), so `--rate` saves/s are
  offered in all; the achieved rate and the latency percentiles are reported.

Load: `wrk -t N -c N` (one connection per wrk thread). Each connection owns one response
and its own bearer token, whose respondent (bound to the response's unit) may write it;
it sends the revision it last saw and takes the new revision from each reply, so every
save is a real change and none is a self-made conflict. The saved value cycles through the
question's options, so it always differs from the stored one. Statuses are counted in the
Lua `response()` (2xx, 409, other); latency percentiles come from wrk's histogram in
`done()` (from the moment a request is written to its reply; under pacing a request that
waited for its connection is not charged the wait).

The servers:
- **product**: `survey-engine serve --workers W` (bench/serverkit.Server) on a fresh
  database (an SQLite file, or a PostgreSQL database created on --pg-url and dropped
  afterwards), migrated, seeded over the API with the small load-test questionnaire
  (6 choice questions), an open round, one response per unit, and one respondent user
  per unit with an API token made by logging in and `POST /api/v1/tokens`.
- **anchor**: bench/write_anchor.py under uvicorn with the same workers: the same save
  on Litestar + Pydantic + `sqlite3` (one connection per worker) or `asyncpg` (a pool
  per worker), its own tables in its own database file / PostgreSQL database. See its
  docstring for exactly what one save does (token table lookup on every request, no
  principal cache).

Figures per phase: requests/s (saves/s for save phases: 2xx per second), p50/p95/p99,
errors (non-2xx other than 409, plus wrk's socket errors and timeouts), conflicts (409),
server CPU (user+sys of the server's process tree over the phase, from /proc), CPU per
save, on PostgreSQL the CPU of every `postgres` process on the machine over the phase
(other people's sessions included), peak RSS of the server's processes (sampled every
0.25 s), wrk's own CPU, and the
1-minute load average at the start of the phase (the load generator, the servers,
PostgreSQL and other people's work share this machine's cores). Then the ratio
product/anchor per configuration, of saves/s and of saves per server CPU-second (the
second moves much less with the machine's load: on a shared machine the first depends
on how much of the cores each server happened to get; on SQLite the anchor's rate is
also bounded by its commit's fsync, which other people's disk use slows). `--json FILE` writes everything.

Usage:
    .venv/bin/python bench/write_path.py                      # both databases, 10 s phases
    .venv/bin/python bench/write_path.py --db sqlite --duration 5 --only product
    .venv/bin/python bench/write_path.py --json write-path.json

wrk: Debian/Ubuntu `apt-get install -y wrk` (LuaJIT build; the script uses its ffi for a
clock). The bench stops with this hint when wrk is missing.

**After changing the write path** (issue 15's per-question merge): run the same command
on the new code; compare with the "before" figures in docs/benchmarks.md. If the save
request changes (e.g. a revision per question instead of the response's revision),
adapt only `make_body()` and `read_revision()` at the top of bench/write_path.lua; the
per-connection state available there is `revision` (from the last reply), `current`
(question -> value this connection last stored) and the question being saved. If the
reply no longer carries the response's `"revision": N` first, change `read_revision()`.
The anchor (bench/write_anchor.py) must then get the same semantics (its `save()` in
both stores), so that the ratio keeps comparing like with like.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.autosave_load import DEFAULT_PG, FreshDatabase  # noqa: E402
from bench.serverkit import API, REPO, Server, cli, cpu_seconds, make_token, seed_round  # noqa: E402

LUA = Path(__file__).resolve().with_name("write_path.lua")
WRK_INSTALL_HINT = ("wrk is not installed. It is the Debian/Ubuntu package `wrk`: "
                    "`sudo apt-get install -y wrk` (as root: `apt-get install -y wrk`).")


@dataclass(frozen=True)
class Config:
    db: str
    workers: int
    clients: int
    paced: bool


CONFIGS = [Config("sqlite", 1, 50, False), Config("sqlite", 2, 100, True), Config("postgres", 2, 100, True)]


@dataclass
class Seat:
    """One wrk connection: the response it writes and the token that may write it."""
    response_id: int
    token: str


# ---------------------------------------------------------------- wrk

def wrk_path() -> str | None:
    return shutil.which("wrk")


def lua_literal(value: Any) -> str:
    """A Lua literal for JSON-like data (strings escaped byte by byte)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nil"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        out = []
        for b in value.encode("utf-8"):
            ch = chr(b)
            out.append(ch if 32 <= b < 127 and ch not in '"\\' else f"\\{b:03d}")
        return '"' + "".join(out) + '"'
    if isinstance(value, (list, tuple)):
        return "{" + ", ".join(lua_literal(v) for v in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{lua_literal(str(k))}] = {lua_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def write_seats_file(path: Path, base_url: str, seats: list[Seat], choices: dict[str, list[Any]],
                     timeout: float = 30) -> None:
    """Read each seat's current revision and values (GET with its own token) and write
    the Lua data file of bench/write_path.lua."""
    entries = []
    with httpx.Client(base_url=base_url, timeout=timeout) as c:
        for s in seats:
            r = c.get(f"{API}/responses/{s.response_id}", headers={"Authorization": f"Bearer {s.token}"})
            if r.status_code != 200:
                raise RuntimeError(f"GET response {s.response_id} -> {r.status_code}: {r.text[:300]}")
            st = r.json()
            entries.append({"path": f"{API}/responses/{s.response_id}/answers", "token": s.token,
                            "revision": st["revision"],
                            "current": {q: a.get("value") for q, a in st["answers"].items()
                                        if a.get("value") is not None}})
    questions = sorted(choices)
    path.write_text("return " + lua_literal({"questions": questions, "values": {q: choices[q] for q in questions},
                                             "seats": entries}) + "\n", encoding="utf-8")


def postgres_cpu() -> dict[int, float]:
    """CPU seconds so far of every process named `postgres` on the machine (the
    server's backends; other people's sessions included)."""
    out = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if (d / "comm").read_text().strip() == "postgres":
                    out[int(d.name)] = cpu_seconds(int(d.name))
            except OSError:
                pass
    return out


def postgres_cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(v - before.get(pid, 0.0) for pid, v in after.items())


class RssSampler(threading.Thread):
    def __init__(self, server: Server, every: float = 0.25):
        super().__init__(daemon=True)
        self.server, self.every, self.peak = server, every, 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.peak = max(self.peak, self.server.rss())
            self._halt.wait(self.every)

    def stop(self) -> int:
        self._halt.set()
        self.join()
        self.peak = max(self.peak, self.server.rss())
        return self.peak


def quiesce(server: Server, idle_cpu_s: float = 0.03, every: float = 0.5, limit: float = 90) -> float:
    """Wait until the server has finished the requests still queued when wrk stopped
    (uvicorn completes them although wrk has closed the connections): until its
    processes use less than `idle_cpu_s` CPU seconds in `every` seconds. Otherwise
    those saves would move revisions after the seats were read (self-made 409s) and
    their CPU would be charged to the next phase. Returns the seconds waited."""
    t0 = time.monotonic()
    last = server.cpu()
    while time.monotonic() - t0 < limit:
        time.sleep(every)
        now = server.cpu()
        if now - last < idle_cpu_s:
            break
        last = now
    return time.monotonic() - t0


def run_wrk(server: Server, seats_file: Path, mode: str, clients: int, duration: float,
            pace_ms: float = 0, timeout_s: int = 30, db: str = "") -> dict[str, Any]:
    """One wrk phase against `server`; wrk's summary plus the server's CPU and RSS."""
    cmd = [wrk_path() or "wrk", "-t", str(clients), "-c", str(clients), "-d", f"{duration:g}s",
           "--timeout", f"{timeout_s}s", "-s", str(LUA), server.url, "--", str(seats_file), mode, f"{pace_ms:g}"]
    load1 = os.getloadavg()[0]
    sampler = RssSampler(server)
    sampler.start()
    pg0 = postgres_cpu() if db == "postgres" else {}
    cpu0, ru0, t0 = server.cpu(), resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + timeout_s + 60)
    wall = time.monotonic() - t0
    cpu1, ru1 = server.cpu(), resource.getrusage(resource.RUSAGE_CHILDREN)
    pg_cpu = postgres_cpu_delta(pg0, postgres_cpu()) if db == "postgres" else None
    rss_peak = sampler.stop()
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    w = json.loads(line.removeprefix("WRK_JSON "))
    drained = quiesce(server)
    seconds = w["duration_us"] / 1e6
    sock = w["socket_errors"]
    errors = w["other"] + sock["connect"] + sock["read"] + sock["write"] + sock["timeout"]
    server_cpu = cpu1 - cpu0
    return {
        "mode": mode, "clients": clients, "seconds": round(seconds, 2), "requests": w["requests"],
        "ok": w["ok"], "per_second": round(w["ok"] / seconds, 1) if seconds else 0.0,
        "conflicts": w["conflicts"], "errors": errors, "socket_errors": sock, "error_samples": w["samples"],
        "latency_ms": {k: round(v / 1000, 1) for k, v in w["latency_us"].items()},
        "server_cpu_s": round(server_cpu, 2),
        "server_cpu_ms_per_ok": round(server_cpu * 1000 / w["ok"], 2) if w["ok"] else None,
        "server_rss_peak_mb": round(rss_peak / 2**20, 1),
        "postgres_cpu_s": round(pg_cpu, 2) if pg_cpu is not None else None,
        "wrk_cpu_s": round((ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime), 2),
        "wall_s": round(wall, 2), "drain_s": round(drained, 1), "load1_at_start": round(load1, 2),
        "offered_per_second": round(clients * 1000 / pace_ms, 1) if pace_ms else None,
    }


# ---------------------------------------------------------------- the two servers

@dataclass
class AnchorServer(Server):
    """bench/write_anchor.py under uvicorn, managed like the product's server."""

    database: str = ""

    def start(self, ready_timeout: float = 60) -> "AnchorServer":
        env = dict(self.env, ANCHOR_DATABASE=self.database)
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "bench.write_anchor:create_app", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(self.workers), "--log-level", "warning", "--no-access-log"],
            env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        if log is not subprocess.DEVNULL:
            log.close()
        self.wait_ready(ready_timeout)
        return self


def mint_respondent_tokens(base_url: str, admin_token: str, unit_codes: list[str], parallel: int = 4) -> list[str]:
    """One respondent per unit (bound to it) and an API token for each, all over the
    API: the admin creates the user with a password, the respondent logs in and makes
    its own token (POST /api/v1/tokens with the session's CSRF token)."""
    password = secrets.token_hex(16)
    tag = secrets.token_hex(3)
    admin = {"Authorization": f"Bearer {admin_token}"}

    def one(code: str) -> str:
        name = f"wp-{tag}-{code.lower()}"
        with httpx.Client(base_url=base_url + API, timeout=120) as c:
            r = c.post("/users", headers=admin, json={"username": name, "role": "respondent",
                                                      "password": password, "units": [code]})
            if r.status_code >= 300:
                raise RuntimeError(f"create user {name}: {r.status_code} {r.text[:300]}")
            r = c.post("/auth/login", json={"username": name, "password": password})
            if r.status_code >= 300:
                raise RuntimeError(f"login {name}: {r.status_code} {r.text[:300]}")
            r = c.post("/tokens", json={"name": "write-path bench", "days": 2},
                       headers={"X-CSRF-Token": r.json()["csrf_token"]})
            if r.status_code >= 300:
                raise RuntimeError(f"token for {name}: {r.status_code} {r.text[:300]}")
            return r.json()["token"]

    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(one, unit_codes))


@dataclass
class Side:
    """One server kind on one database: how to start it, and its seats."""
    name: str  # product | anchor
    db: str
    env: dict[str, str]
    seats: list[Seat] = field(default_factory=list)
    choices: dict[str, list[Any]] = field(default_factory=dict)
    anchor_database: str = ""
    setup_s: float = 0.0

    def server(self, workers: int, folder: Path) -> Server:
        log = folder / f"{self.name}-{self.db}-{workers}w.log"
        if self.name == "product":
            return Server(self.env, workers=workers, log_path=log)
        return AnchorServer(self.env, workers=workers, log_path=log, database=self.anchor_database)


def setup_product(db: str, env: dict[str, str], units: int, folder: Path) -> Side:
    t0 = time.monotonic()
    env.update(LOG_LEVEL="warning", SECURE_COOKIES="false")
    cli(env, "db", "migrate")
    admin = make_token(env)
    with Server(env, workers=2, log_path=folder / f"product-{db}-seed.log") as server:
        seeded = seed_round(server.url, admin, units)
        with httpx.Client(base_url=server.url + API, headers={"Authorization": f"Bearer {admin}"}, timeout=60) as c:
            codes = [c.get(f"/responses/{rid}").json()["unit"] for rid in seeded.response_ids]
        tokens = mint_respondent_tokens(server.url, admin, codes)
    side = Side("product", db, env, [Seat(r, t) for r, t in zip(seeded.response_ids, tokens)], seeded.choices)
    side.setup_s = time.monotonic() - t0
    return side


def setup_anchor(db: str, env: dict[str, str], units: int, choices: dict[str, list[Any]]) -> Side:
    import asyncio

    from bench.write_anchor import setup_postgres, setup_sqlite

    t0 = time.monotonic()
    if db == "sqlite":
        url = "sqlite:///" + env["SURVEY_ENGINE_SQLITE"]
        seats = setup_sqlite(env["SURVEY_ENGINE_SQLITE"], choices, units)
    else:
        url = env["DATABASE_URL"]
        seats = asyncio.run(setup_postgres(url, choices, units))
    side = Side("anchor", db, env, [Seat(s.response_id, s.token) for s in seats], choices, anchor_database=url)
    side.setup_s = time.monotonic() - t0
    return side


# ---------------------------------------------------------------- phases

def measure(side: Side, cfg: Config, args, folder: Path, log) -> list[dict[str, Any]]:
    """Start `side`'s server with cfg.workers and run health, save (and paced) phases."""
    seats = side.seats[:cfg.clients]
    seats_file = folder / f"seats-{side.name}-{side.db}.lua"
    out = []
    with side.server(cfg.workers, folder) as server:
        base = {"server": side.name, "db": side.db, "workers": cfg.workers}
        idle_rss = server.rss()
        write_seats_file(seats_file, server.url, seats, side.choices)
        if args.warmup > 0:  # every worker imports, connects and fills its caches; not recorded
            run_wrk(server, seats_file, "save", cfg.clients, args.warmup)
        plan = [("health", "health", 0.0), ("save", "save", 0.0)]
        if cfg.paced and args.rate > 0:
            plan.append(("paced", "save", cfg.clients * 1000 / args.rate))
        for phase, mode, pace_ms in plan:
            if mode == "save":
                write_seats_file(seats_file, server.url, seats, side.choices)
            r = dict(base, phase=phase, idle_rss_mb=round(idle_rss / 2**20, 1),
                     **run_wrk(server, seats_file, mode, cfg.clients, args.duration, pace_ms, db=side.db))
            out.append(r)
            log(format_row(r))
    return out


def ratios(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    by = {(r["server"], r["db"], r["workers"], r["clients"], r["phase"]): r for r in results}
    for (server, db, w, c, phase), r in by.items():
        a = by.get(("anchor", db, w, c, phase))
        if server != "product" or a is None:
            continue
        out.append({"db": db, "workers": w, "clients": c, "phase": phase,
                    "product_per_second": r["per_second"], "anchor_per_second": a["per_second"],
                    "ratio": round(r["per_second"] / a["per_second"], 4) if a["per_second"] else None,
                    # the same ratio per CPU-second of the server processes: much less
                    # sensitive to how much of the shared cores the servers got
                    "cpu_ratio": (round(a["server_cpu_ms_per_ok"] / r["server_cpu_ms_per_ok"], 4)
                                  if a.get("server_cpu_ms_per_ok") and r.get("server_cpu_ms_per_ok") else None),
                    "p95_product_ms": r["latency_ms"]["p95"], "p95_anchor_ms": a["latency_ms"]["p95"]})
    return out


HEADER = (f"{'server':<8}{'db':<9}{'w':>2}{'cl':>5} {'phase':<7}{'ok/s':>9}{'offer':>7}{'p50':>9}{'p95':>9}"
          f"{'p99':>9}{'err':>5}{'409':>5}{'srvCPU':>8}{'ms/ok':>7}{'pgCPU':>7}{'RSSpk':>7}{'wrkCPU':>7}{'load1':>6}")


def format_row(r: dict[str, Any]) -> str:
    lat = r["latency_ms"]
    offered = f"{r['offered_per_second']:.0f}" if r.get("offered_per_second") else "-"
    per_ok = f"{r['server_cpu_ms_per_ok']:.2f}" if r.get("server_cpu_ms_per_ok") is not None else "-"
    pg = f"{r['postgres_cpu_s']:.1f}s" if r.get("postgres_cpu_s") is not None else "-"
    return (f"{r['server']:<8}{r['db']:<9}{r['workers']:>2}{r['clients']:>5} {r['phase']:<7}{r['per_second']:>9.1f}"
            f"{offered:>7}{lat['p50']:>9.1f}{lat['p95']:>9.1f}{lat['p99']:>9.1f}{r['errors']:>5}{r['conflicts']:>5}"
            f"{r['server_cpu_s']:>7.1f}s{per_ok:>7}{pg:>7}{r['server_rss_peak_mb']:>6.0f}M{r['wrk_cpu_s']:>6.1f}s"
            f"{r['load1_at_start']:>6.2f}")


def print_table(results: list[dict[str, Any]], rat: list[dict[str, Any]]) -> None:
    print("\n" + HEADER)
    for r in results:
        print(format_row(r))
        for s in r.get("error_samples") or []:
            print(f"    error sample: {s}")
    print("ok/s: 2xx per second (saves/s in save and paced phases, requests/s in health); latencies in ms; "
          "srvCPU: user+sys of the server's processes over the phase (ms/ok: per 2xx); pgCPU: every postgres "
          "process on the machine over the phase; load1: 1-minute load average at the start")
    if rat:
        print(f"\n{'db':<9}{'w':>2}{'cl':>5} {'phase':<7}{'product':>9}{'anchor':>9}{'product/anchor':>16}"
              f"{'per CPU-s':>11}{'p95 prod':>10}{'p95 anch':>10}")
        for x in rat:
            ratio = f"{x['ratio']:.1%}" if x["ratio"] is not None else "-"
            cpu = f"{x['cpu_ratio']:.1%}" if x.get("cpu_ratio") is not None else "-"
            print(f"{x['db']:<9}{x['workers']:>2}{x['clients']:>5} {x['phase']:<7}{x['product_per_second']:>9.1f}"
                  f"{x['anchor_per_second']:>9.1f}{ratio:>16}{cpu:>11}{x['p95_product_ms']:>10.1f}"
                  f"{x['p95_anchor_ms']:>10.1f}")
        print("product/anchor: saves/s (requests/s in health) of the product ÷ the anchor's; per CPU-s: the same "
              "per CPU-second of the server processes (anchor CPU per 2xx ÷ product CPU per 2xx)")


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True).stdout.strip()
    except OSError:
        return ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--only", choices=["product", "anchor"], help="measure one server kind only")
    ap.add_argument("--duration", type=float, default=10, help="seconds of each measured phase (default 10)")
    ap.add_argument("--warmup", type=float, default=2, help="unrecorded save phase after each server start (s)")
    ap.add_argument("--rate", type=float, default=200, help="saves/s offered in the paced phases (0: none)")
    ap.add_argument("--pg-url", default=os.environ.get("TEST_POSTGRES_URL", DEFAULT_PG),
                    help="a PostgreSQL server where temporary databases may be created and dropped")
    ap.add_argument("--json", help="also write the results to this file")
    ap.add_argument("--keep", help="keep the databases, seat files and server logs in this folder")
    args = ap.parse_args(argv)

    if wrk_path() is None:
        print(WRK_INSTALL_HINT, file=sys.stderr)
        return 2
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    sides = [s for s in ("product", "anchor") if args.only in (None, s)]
    started = dt.datetime.now(dt.timezone.utc)
    meta = {"started": started.strftime("%Y-%m-%d %H:%M UTC"), "commit": git_commit(), "cpus": os.cpu_count(),
            "uptime_start": uptime(), "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "duration_s": args.duration, "rate_offered": args.rate}
    print(f"write_path: {meta['started']}, commit {meta['commit']}, {meta['cpus']} CPUs shared by the servers, "
          f"PostgreSQL and wrk (and anyone else's work); {meta['uptime_start']}")
    results: list[dict[str, Any]] = []
    folder_ctx = tempfile.TemporaryDirectory(prefix="se-write-path-") if not args.keep else None
    folder = Path(folder_ctx.name if folder_ctx else args.keep)
    folder.mkdir(parents=True, exist_ok=True)
    log = lambda text: print(text, flush=True)  # noqa: E731
    try:
        for kind in kinds:
            units = max(c.clients for c in CONFIGS if c.db == kind)
            with FreshDatabase(kind, args.pg_url, folder) as penv, FreshDatabase(kind, args.pg_url, folder) as aenv:
                log(f"\n--- {kind}: seeding {units} responses, respondents and tokens per server ...")
                product = setup_product(kind, penv, units, folder)
                anchor = setup_anchor(kind, aenv, units, product.choices)
                log(f"    product seeded in {product.setup_s:.0f} s, anchor in {anchor.setup_s:.1f} s")
                log(HEADER)
                for cfg in (c for c in CONFIGS if c.db == kind):
                    for side in (product, anchor):
                        if side.name in sides:
                            results.extend(measure(side, cfg, args, folder, log))
    finally:
        if folder_ctx:
            folder_ctx.cleanup()
    meta["uptime_end"] = uptime()
    rat = ratios(results)
    print_table(results, rat)
    print(f"\nend: {meta['uptime_end']}")
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "phases": results, "ratios": rat}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
