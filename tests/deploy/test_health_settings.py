"""Readiness says "not ready" on a database without migrations (liveness still 200),
ready after `survey-engine db migrate`; bad settings stop `serve` with one sentence."""
from __future__ import annotations

import os
import subprocess
import time

import httpx
import pytest

from bench.serverkit import SURVEY_ENGINE, Server, cli
from survey_engine.settings import SettingsError, server_settings


def _sqlite_env(path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SURVEY_ENGINE_SQLITE=str(path), LOG_LEVEL="warning")
    return env


def test_ready_only_after_migrations(tmp_path):
    env = _sqlite_env(tmp_path / "fresh.sqlite")
    server = Server(env, workers=1, log_path=tmp_path / "server.log")
    server.proc = subprocess.Popen([SURVEY_ENGINE, "serve", "--port", str(server.port)], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                live = httpx.get(server.url + "/health/live", timeout=2)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert live.status_code == 200 and live.json() == {"status": "alive"}
        ready = httpx.get(server.url + "/health/ready", timeout=5)
        assert ready.status_code == 503
        body = ready.json()
        assert body["status"] == "not ready" and "survey-engine db migrate" in body["problems"][0]
        cli(env, "db", "migrate")
        ready = httpx.get(server.url + "/health/ready", timeout=5)
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
    finally:
        server.stop()


def test_bad_settings_are_one_sentence(tmp_path):
    env = _sqlite_env(tmp_path / "x.sqlite")
    for name, value in (("WEB_WORKERS", "zero"), ("LOG_FORMAT", "xml"), ("DB_POOL_MAX", "0"), ("SECURE_COOKIES", "kanske")):
        proc = subprocess.run([SURVEY_ENGINE, "serve"], env={**env, name: value}, capture_output=True, text=True,
                              timeout=60)
        assert proc.returncode == 2, (name, proc.stderr)
        assert name in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_server_settings_defaults_and_errors():
    s = server_settings({})
    assert (s.host, s.port, s.workers, s.log_format, s.log_level, s.secure_cookies) == (
        "127.0.0.1", 8000, 1, "text", "info", True)
    assert server_settings({"LOG_FORMAT": " JSON ", "SECURE_COOKIES": "off"}).log_format == "json"
    for bad in ({"WEB_PORT": "70000"}, {"DB_POOL_MIN": "5", "DB_POOL_MAX": "2"}, {"LOG_LEVEL": "loud"}):
        with pytest.raises(SettingsError):
            server_settings(bad)
