"""Helpers to run a real `survey-engine serve` in a subprocess and talk to it, shared by
the load benchmark (bench/autosave_load.py) and the deployment and fault tests
(tests/deploy, tests/faults).

Everything goes through the installed command and the HTTP API with a bearer token,
as a real deployment would: the database is seeded over the API, the token comes
from `survey-engine user create` + `survey-engine token create`.
"""
from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SURVEY_ENGINE = str(BIN / "survey-engine")
API = "/api/v1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(env: dict[str, str], *args: str, input: str | None = None, timeout: float = 120) -> str:
    """Run `survey-engine ARGS` with `env`; its stdout, or RuntimeError with stderr."""
    proc = subprocess.run([SURVEY_ENGINE, *args], env=env, input=input, capture_output=True, text=True,
                          timeout=timeout, cwd=REPO)
    if proc.returncode != 0:
        raise RuntimeError(f"survey-engine {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}{proc.stdout}")
    return proc.stdout


def make_token(env: dict[str, str], role: str = "admin", prefix: str = "bench") -> str:
    """A new admin user with an API token (`survey-engine user create` / `token create`)."""
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    cli(env, "user", "create", name, "--role", role, "--no-password")
    out = cli(env, "token", "create", name, "--name", prefix)
    tokens = [w for w in out.split() if w.startswith("se_")]
    if not tokens:
        raise RuntimeError(f"no token in the output of `token create`: {out!r}")
    return tokens[0]


# ---------------------------------------------------------------- process tree

def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def process_tree(pid: int) -> list[int]:
    """pid and all its descendants (from /proc)."""
    seen, todo = [], [pid]
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.append(p)
        todo += _children(p)
    return seen


def rss_bytes(pid: int) -> int:
    """Resident memory of one process (VmRSS), 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


# ---------------------------------------------------------------- the server

@dataclass
class Server:
    """`survey-engine serve` on 127.0.0.1 in its own process group."""

    env: dict[str, str]
    workers: int = 1
    port: int = field(default_factory=free_port)
    log_path: Path | None = None
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_timeout: float = 60) -> "Server":
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [SURVEY_ENGINE, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)],
            env=self.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        if log is not subprocess.DEVNULL:
            log.close()
        self.wait_ready(ready_timeout)
        return self

    def wait_ready(self, timeout: float = 60) -> dict[str, Any]:
        """Poll /health/ready until 200; RuntimeError (with the log's tail) otherwise."""
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                r = httpx.get(self.url + "/health/ready", timeout=2)
                if r.status_code == 200:
                    # every worker must be up: ask a few times (each connection may land on another worker)
                    return r.json()
                last = r.text
            except httpx.HTTPError as exc:
                last = repr(exc)
            time.sleep(0.2)
        raise RuntimeError(f"the server was not ready within {timeout} s ({last}):\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        if self.log_path and self.log_path.exists():
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def pids(self) -> list[int]:
        return process_tree(self.proc.pid) if self.proc else []

    def rss(self) -> int:
        """Resident memory of the server: the supervisor and every worker."""
        return sum(rss_bytes(p) for p in self.pids())

    def cpu(self) -> float:
        return sum(cpu_seconds(p) for p in self.pids())

    def kill9(self) -> None:
        """SIGKILL to the whole process group: supervisor and workers die at once, as in
        a crash; nothing gets to flush or shut down cleanly."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)

    def stop(self, timeout: float = 20) -> None:
        """A clean shutdown (SIGTERM to the group), SIGKILL if it hangs."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill9()
        except ProcessLookupError:
            pass

    def __enter__(self) -> "Server":
        return self.start() if self.proc is None else self

    def __exit__(self, *exc) -> None:
        self.stop()


# ---------------------------------------------------------------- seeding over the API

SMALL_QUESTIONNAIRE = """
format: 1
id: lasttest
version: "2026.1"
title: {sv: Lasttest, en: Load test}
languages: [sv, en]
levels:
  - {level: 1, name: {sv: Grundläggande, en: Basic}}
  - {level: 2, name: {sv: Systematiskt, en: Systematic}}
scales:
  jdn:
    options:
      - {value: ja, label: {sv: Ja, en: Yes}, credit: 1}
      - {value: delvis, label: {sv: Delvis, en: Partly}, credit: 0.5}
      - {value: nej, label: {sv: Nej, en: No}, credit: 0}
      - {value: vet-ej, label: {sv: Vet ej, en: Unknown}, credit: 0, unknown: true}
areas:
  - id: styr
    title: {sv: Styrning, en: Governance}
    questions:
      - {id: policy, type: choice, scale: jdn, level: 1, text: {sv: Policy, en: Policy}}
      - {id: ansvar, type: choice, scale: jdn, level: 1, text: {sv: Ansvar, en: Roles}}
      - {id: risk, type: choice, scale: jdn, level: 2, text: {sv: Risk, en: Risk}}
  - id: drift
    title: {sv: Drift, en: Operations}
    questions:
      - {id: backup, type: choice, scale: jdn, level: 1, text: {sv: Säkerhetskopior, en: Backups}}
      - {id: logg, type: choice, scale: jdn, level: 2, text: {sv: Loggning, en: Logging}}
      - {id: ovning, type: choice, scale: jdn, level: 2, text: {sv: Övningar, en: Exercises}}
"""


@dataclass
class Seeded:
    round_id: int
    response_ids: list[int]
    # question id -> the values a save may choose from
    choices: dict[str, list[Any]]


def choice_values(content: dict[str, Any]) -> dict[str, list[Any]]:
    """The choice questions of a parsed questionnaire (the API's `content`) and their values."""
    scales = content.get("scales") or {}
    out: dict[str, list[Any]] = {}
    for area in content["areas"]:
        for q in area["questions"]:
            if q.get("type") != "choice" or q.get("show_if"):
                continue
            options = q.get("options") or (scales.get(q.get("scale")) or {}).get("options") or []
            values = [o["value"] for o in options]
            if len(values) >= 2:
                out[q["id"]] = values
    return out


def seed_round(base_url: str, token: str, units: int, questionnaire_text: str = SMALL_QUESTIONNAIRE,
               prefix: str = "LT") -> Seeded:
    """Publish the questionnaire (a no-op if it is already there), import `units` units,
    create and open a round on them and start one response per unit, all over the API."""
    import yaml

    meta = yaml.safe_load(questionnaire_text)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url + API, headers=headers, timeout=120) as c:
        def ok(r: httpx.Response) -> dict[str, Any]:
            if r.status_code >= 300:
                raise RuntimeError(f"{r.request.method} {r.request.url} -> {r.status_code}: {r.text[:500]}")
            return r.json()

        published = ok(c.post("/questionnaires", json={"source": questionnaire_text}))
        version = published["version"]
        detail = ok(c.get(f"/questionnaires/{version['family']}/{version['version']}"))
        tag = uuid.uuid4().hex[:6].upper()
        codes = [f"{prefix}{tag}{i:04d}" for i in range(units)]
        ok(c.post("/units/import", json={"units": [{"code": code, "name": f"Enhet {code}"} for code in codes]}))
        rnd = ok(c.post("/rounds", json={"name": f"Lasttest {tag}", "questionnaire": meta["id"],
                                         "version": str(meta["version"]), "units": codes}))
        ok(c.post(f"/rounds/{rnd['id']}/open"))
        ids = [ok(c.post(f"/rounds/{rnd['id']}/responses", json={"unit": code, "prefill": False}))["id"]
               for code in codes]
    return Seeded(rnd["id"], ids, choice_values(detail["content"]))


def next_value(values: list[Any], current: Any, rng: random.Random) -> Any:
    """A value different from the current one, so that every save changes the answer."""
    return rng.choice([v for v in values if v != current])


# ---------------------------------------------------------------- an autosave storm

@dataclass
class Ack:
    """One save the server acknowledged (200): what the client was told is stored."""

    response_id: int
    question: str
    value: Any
    comment: str
    revision: int


@dataclass
class StormLog:
    acks: list[Ack] = field(default_factory=list)
    conflicts: int = 0
    failures: int = 0  # connection errors and timeouts (e.g. after the server died)
    unexpected: list[str] = field(default_factory=list)  # any other status


async def autosave_storm(base_url: str, token: str, seeded: Seeded, clients: int, stop: "asyncio.Event",
                         log: StormLog, seed: int = 9) -> None:
    """`clients` virtual respondents (spread over the seeded responses) save one changed
    answer after the other, each with a unique comment, until `stop` is set or the
    server stops answering. Every 200 is logged as an Ack."""
    import asyncio

    rng = random.Random(seed)
    questions = sorted(seeded.choices)
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base_url + API, headers=headers, limits=limits, timeout=10) as c:
        async def respondent(i: int) -> None:
            rid = seeded.response_ids[i % len(seeded.response_ids)]
            my = random.Random(rng.random())
            try:
                state = (await c.get(f"/responses/{rid}")).json()
            except httpx.HTTPError:
                log.failures += 1
                return
            n = 0
            while not stop.is_set():
                q = my.choice(questions)
                current = (state.get("answers") or {}).get(q, {}).get("value")
                value = next_value(seeded.choices[q], current, my)
                n += 1
                comment = f"c{i}-{n}"
                try:
                    r = await c.post(f"/responses/{rid}/answers", json={
                        "revision": state["revision"], "answers": {q: value}, "comments": {q: comment}})
                except httpx.HTTPError:
                    log.failures += 1
                    return  # the server is gone: this respondent's browser shows an error
                if r.status_code == 200:
                    state = r.json()
                    log.acks.append(Ack(rid, q, value, comment, state["revision"]))
                elif r.status_code == 409 and (r.json().get("current") or {}).get("revision") is not None:
                    log.conflicts += 1
                    state = r.json()["current"]
                else:
                    log.unexpected.append(f"{r.status_code} {r.text[:300]}")
                    return

        await asyncio.gather(*(respondent(i) for i in range(clients)))
