"""Autosave under load: virtual respondents saving answers against a real server.

For each database (SQLite file, PostgreSQL), in a fresh database:

1. `survey-engine db migrate`, an admin user and API token (`user create`,
   `token create`), `survey-engine serve --workers N` on 127.0.0.1 and a free port;
2. seeded over the API: the questionnaire, `respondents / per-response` units, an open
   round and one response per unit (several virtual respondents share one response
   when --per-response > 1, so their saves conflict);
3. three timed phases against that one server:
   - **baseline**: every virtual respondent GETs `/health/live` (no database) in a
     closed loop: the server's ceiling for a bare request;
   - **saturation**: every respondent saves one changed answer after the other, no
     pause (`POST /api/v1/responses/{id}/answers` with the revision it last saw; a
     409 gives the current revision, and the change is sent again on top of it);
   - **paced** (one phase per --interval value): every respondent autosaves every
     INTERVAL seconds (±50 %, random), as a browser would: offered load =
     respondents / interval.

It prints, per phase: acknowledged saves/s, p50/p95/p99 latency (per request and per
acknowledged save including its retries), conflicts (409), errors (anything else,
timeouts included), the server's resident memory (supervisor + workers, from /proc:
peak and at the end), the server's and this load generator's CPU seconds, and the
ratio of saturated saves/s to the baseline's requests/s. It asserts nothing.

    .venv/bin/python bench/autosave_load.py                      # both databases, defaults
    .venv/bin/python bench/autosave_load.py --db sqlite --respondents 200 --duration 20
    .venv/bin/python bench/autosave_load.py --interval 0.67 5 --per-response 2 --json out.json
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.serverkit import (  # noqa: E402
    API,
    REPO,
    SMALL_QUESTIONNAIRE,
    Seeded,
    Server,
    cli,
    make_token,
    next_value,
    seed_round,
)

FLAGSHIP = REPO / "questionnaires" / "mcf-cybersakerhet" / "2026.1.yaml"
DEFAULT_PG = "postgresql://postgres@localhost:5432/postgres"


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) in milliseconds; nan when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k] * 1000


@dataclass
class Phase:
    name: str
    seconds: float = 0.0
    ok: int = 0  # acknowledged saves (or 200s of the baseline)
    conflicts: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    request_latency: list[float] = field(default_factory=list)
    save_latency: list[float] = field(default_factory=list)
    rss_peak: int = 0
    rss_end: int = 0
    server_cpu: float = 0.0
    client_cpu: float = 0.0

    def error(self, text: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(text[:300])

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, Any]:
        out = {
            "phase": self.name, "seconds": round(self.seconds, 2), "ok": self.ok, "per_second": round(self.rate, 1),
            "conflicts": self.conflicts, "errors": self.errors,
            "request_ms": {f"p{p}": round(pct(self.request_latency, p), 1) for p in (50, 95, 99)},
            "rss_peak_mb": round(self.rss_peak / 2**20, 1), "rss_end_mb": round(self.rss_end / 2**20, 1),
            "server_cpu_s": round(self.server_cpu, 1), "client_cpu_s": round(self.client_cpu, 1),
        }
        if self.save_latency:
            out["save_ms"] = {f"p{p}": round(pct(self.save_latency, p), 1) for p in (50, 95, 99)}
        if self.error_samples:
            out["error_samples"] = self.error_samples
        return out


class Copy:
    """What one respondent's browser knows of its response: revision and values."""

    def __init__(self, state: dict[str, Any]):
        self.update(state)

    def update(self, state: dict[str, Any]) -> None:
        self.revision = state["revision"]
        self.values = {q: a.get("value") for q, a in (state.get("answers") or {}).items()}


async def _monitor(server: Server, phase: Phase, stop: asyncio.Event) -> None:
    while not stop.is_set():
        phase.rss_peak = max(phase.rss_peak, server.rss())
        try:
            await asyncio.wait_for(stop.wait(), 0.5)
        except asyncio.TimeoutError:
            pass
    phase.rss_end = server.rss()
    phase.rss_peak = max(phase.rss_peak, phase.rss_end)


async def run_phase(server: Server, phase: Phase, duration: float, workers: list) -> Phase:
    """Run the coroutines of `workers` (each takes the deadline) while sampling memory."""
    stop = asyncio.Event()
    monitor = asyncio.create_task(_monitor(server, phase, stop))
    cpu0, client0 = server.cpu(), time.process_time()
    start = time.perf_counter()
    deadline = start + duration
    await asyncio.gather(*(w(deadline) for w in workers))
    phase.seconds = time.perf_counter() - start
    phase.server_cpu, phase.client_cpu = server.cpu() - cpu0, time.process_time() - client0
    stop.set()
    await monitor
    return phase


def baseline_worker(client: httpx.AsyncClient, phase: Phase):
    async def work(deadline: float) -> None:
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                r = await client.get("/health/live")
            except httpx.HTTPError as exc:
                phase.error(repr(exc))
                continue
            phase.request_latency.append(time.perf_counter() - t0)
            if r.status_code == 200:
                phase.ok += 1
            else:
                phase.error(f"{r.status_code} {r.text}")
    return work


def save_worker(client: httpx.AsyncClient, phase: Phase, response_id: int, copy: Copy,
                choices: dict[str, list[Any]], rng: random.Random, interval: float):
    questions = sorted(choices)

    async def work(deadline: float) -> None:
        next_at = time.perf_counter() + (rng.uniform(0, interval) if interval else 0)
        while True:
            if interval:
                if next_at >= deadline:  # the next save would fall after the end: stop now
                    return
                now = time.perf_counter()
                if next_at > now:
                    await asyncio.sleep(next_at - now)
                next_at = max(next_at, time.perf_counter()) + interval * rng.uniform(0.5, 1.5)
            if time.perf_counter() >= deadline:
                return
            q = rng.choice(questions)
            value = next_value(choices[q], copy.values.get(q), rng)
            started = time.perf_counter()
            for _attempt in range(50):
                t0 = time.perf_counter()
                try:
                    r = await client.post(f"{API}/responses/{response_id}/answers",
                                          json={"revision": copy.revision, "answers": {q: value}})
                except httpx.HTTPError as exc:
                    phase.error(repr(exc))
                    break
                phase.request_latency.append(time.perf_counter() - t0)
                if r.status_code == 200:
                    copy.update(r.json())
                    phase.ok += 1
                    phase.save_latency.append(time.perf_counter() - started)
                    break
                if r.status_code == 409 and (r.json().get("current") or {}).get("revision") is not None:
                    phase.conflicts += 1
                    copy.update(r.json()["current"])  # reload, then send the change again
                    continue
                phase.error(f"{r.status_code} {r.text}")
                break
    return work


# ---------------------------------------------------------------- databases

class FreshDatabase:
    """A new empty database for one run: an SQLite file, or a PostgreSQL database
    created on `pg_url`'s server and dropped afterwards."""

    def __init__(self, kind: str, pg_url: str, folder: Path):
        self.kind, self.pg_url, self.folder = kind, pg_url, folder
        self.name = f"se_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"

    async def _admin(self, sql: str) -> None:
        import asyncpg

        from survey_engine.settings import postgres_config

        conn = await asyncpg.connect(**postgres_config(self.pg_url))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SURVEY_ENGINE_SQLITE")}
        if self.kind == "sqlite":
            env["SURVEY_ENGINE_SQLITE"] = str(self.folder / f"{self.name}.sqlite")
        else:
            base, _, _ = self.pg_url.rpartition("/")
            env["DATABASE_URL"] = f"{base}/{self.name}"
        return env

    def __enter__(self) -> dict[str, str]:
        if self.kind == "postgres":
            asyncio.run(self._admin(f'CREATE DATABASE "{self.name}"'))
        return self.env()

    def __exit__(self, *exc) -> None:
        if self.kind == "postgres":
            asyncio.run(self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))


# ---------------------------------------------------------------- one run

async def load_phases(server: Server, token: str, seeded: Seeded, args) -> list[Phase]:
    """The three phases. Each virtual respondent has its own HTTP client with one
    keep-alive connection, like a browser tab autosaving one request after the other
    (one shared httpx client with hundreds of connections spends most of its CPU
    managing its pool, and the load generator shares the two cores with the server)."""
    n = args.respondents
    timeout = httpx.Timeout(args.timeout)
    one = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    auth = {"Authorization": f"Bearer {token}"}
    bare = [httpx.AsyncClient(base_url=server.url, limits=one, timeout=timeout) for _ in range(n)]
    browsers = [httpx.AsyncClient(base_url=server.url, headers=auth, limits=one, timeout=timeout) for _ in range(n)]
    try:
        phases = []
        base = Phase("baseline: GET /health/live")
        phases.append(await run_phase(server, base, args.baseline_duration, [baseline_worker(c, base) for c in bare]))

        async def copies() -> list[Copy]:
            states = {}
            for rid in seeded.response_ids:
                r = await browsers[0].get(f"{API}/responses/{rid}")
                r.raise_for_status()
                states[rid] = r.json()
            return [Copy(states[seeded.response_ids[i % len(seeded.response_ids)]]) for i in range(n)]

        rng = random.Random(args.seed)
        plan = [("saturation: saves, no pause", 0.0, args.duration)] + [
            (f"paced: a save every {i:g} s per respondent", i, args.duration) for i in args.interval]
        for name, interval, duration in plan:
            if duration <= 0:
                continue
            phase = Phase(name)
            cs = await copies()
            workers = [save_worker(browsers[i], phase, seeded.response_ids[i % len(seeded.response_ids)], cs[i],
                                   seeded.choices, random.Random(rng.random()), interval) for i in range(n)]
            phases.append(await run_phase(server, phase, duration, workers))
        return phases
    finally:
        for c in bare + browsers:
            await c.aclose()


def run_one(kind: str, args, folder: Path) -> dict[str, Any]:
    text = FLAGSHIP.read_text(encoding="utf-8") if args.questionnaire == "flagship" else (
        SMALL_QUESTIONNAIRE if args.questionnaire == "small" else Path(args.questionnaire).read_text(encoding="utf-8"))
    with FreshDatabase(kind, args.pg_url, folder) as env:
        env["LOG_LEVEL"] = args.log_level
        t0 = time.perf_counter()
        cli(env, "db", "migrate")
        token = make_token(env)
        server = Server(env, workers=args.workers, log_path=folder / f"server-{kind}.log")
        with server:
            units = max(1, args.respondents // args.per_response)
            seeded = seed_round(server.url, token, units, text)
            setup = time.perf_counter() - t0
            rss_idle = server.rss()
            phases = asyncio.run(load_phases(server, token, seeded, args))
        baseline = phases[0]
        result = {
            "database": kind, "workers": args.workers, "respondents": args.respondents,
            "responses": len(seeded.response_ids), "questionnaire": args.questionnaire,
            "questions_saved": len(seeded.choices), "setup_s": round(setup, 1),
            "rss_idle_mb": round(rss_idle / 2**20, 1), "phases": [p.summary() for p in phases],
        }
        saturation = next((p for p in phases if p.name.startswith("saturation")), None)
        if saturation and baseline.rate:
            result["saturation_vs_baseline"] = round(saturation.rate / baseline.rate, 3)
        return result


def print_result(result: dict[str, Any]) -> None:
    print(f"\n=== {result['database']}: {result['workers']} workers, {result['respondents']} virtual respondents "
          f"on {result['responses']} responses, questionnaire {result['questionnaire']} "
          f"({result['questions_saved']} choice questions saved); setup {result['setup_s']} s, "
          f"idle RSS {result['rss_idle_mb']} MB")
    head = f"{'phase':<44} {'ok/s':>7} {'ok':>6} {'409':>5} {'err':>4} {'p50':>7} {'p95':>7} {'p99':>7}  " \
           f"{'save p95':>8} {'RSS peak':>8} {'srv CPU':>7} {'cli CPU':>7}"
    print(head)
    for p in result["phases"]:
        r, s = p["request_ms"], p.get("save_ms", {})
        print(f"{p['phase']:<44} {p['per_second']:>7.1f} {p['ok']:>6} {p['conflicts']:>5} {p['errors']:>4} "
              f"{r['p50']:>7.1f} {r['p95']:>7.1f} {r['p99']:>7.1f}  {s.get('p95', float('nan')):>8.1f} "
              f"{p['rss_peak_mb']:>7.1f}M {p['server_cpu_s']:>6.1f}s {p['client_cpu_s']:>6.1f}s")
        for e in p.get("error_samples", []):
            print(f"    error: {e}")
    if "saturation_vs_baseline" in result:
        print(f"saturated saves/s ÷ baseline requests/s = {result['saturation_vs_baseline']:.1%}")
    print("latencies in ms; p50/p95/p99 per request (409s included), 'save p95' per acknowledged save incl. retries")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--pg-url", default=os.environ.get("TEST_POSTGRES_URL", DEFAULT_PG),
                    help="a PostgreSQL server where a temporary database may be created")
    ap.add_argument("--respondents", type=int, default=200)
    ap.add_argument("--per-response", type=int, default=1,
                    help="virtual respondents sharing one response (2 or more: their saves conflict)")
    ap.add_argument("--duration", type=float, default=20, help="seconds of each save phase")
    ap.add_argument("--baseline-duration", type=float, default=10)
    ap.add_argument("--interval", type=float, nargs="+", default=[0.67],
                    help="a paced phase for each value: seconds between one respondent's saves "
                    "(200 / 0.67 ≈ 300 saves/s offered)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--questionnaire", default="small", help="small (6 questions), flagship (141) or a YAML path")
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--log-level", default="warning", help="LOG_LEVEL of the server (info logs every request)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print(f"autosave_load: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    results = []
    with tempfile.TemporaryDirectory(prefix="se-bench-") as tmp:
        for kind in kinds:
            result = run_one(kind, args, Path(tmp))
            print_result(result)
            results.append(result)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
