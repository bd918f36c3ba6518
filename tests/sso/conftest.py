"""Fixtures of the single sign-on tests: the real provider (tests/sso/provider.mjs,
the `oidc-provider` npm package) on a free loopback port, and the app pointed at it.
Helpers and the provider's test accounts are in sso_support.py."""
from __future__ import annotations

import json
import os
import subprocess
import time

import httpx
import pytest

from tests.sso.sso_support import (
    CLIENT_ID, CLIENT_SECRET, GROUPS, HERE, MODULES, OTHER_CLIENT_ID, REPO, TEST_APP_CALLBACK, Provider,
    _free_port, oidc_environment, require_provider,
)


@pytest.fixture(scope="session")
def oidc_provider():
    require_provider()
    port, browser_port = _free_port(), _free_port()
    callbacks = [TEST_APP_CALLBACK, f"http://127.0.0.1:{browser_port}/sso/callback"]
    env = {
        **os.environ, "OIDC_MODULES": str(MODULES), "PORT": str(port), "GROUPS": json.dumps(GROUPS),
        "CLIENTS": json.dumps([
            {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": callbacks},
            {"client_id": OTHER_CLIENT_ID, "client_secret": CLIENT_SECRET + "-other", "redirect_uris": callbacks},
        ]),
    }
    (REPO / "artifacts").mkdir(exist_ok=True)
    log = open(REPO / "artifacts" / "oidc-provider.log", "ab")
    proc = subprocess.Popen(["node", str(HERE / "provider.mjs")], env=env, stdout=log, stderr=log)
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a loaded CI machine: node, the module and two RSA keys
        while True:
            if proc.poll() is not None:
                pytest.fail(f"oidc-provider stopped at start (exit {proc.returncode}); see artifacts/oidc-provider.log")
            try:
                if httpx.get(issuer + "/.well-known/openid-configuration", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("oidc-provider did not answer within 180 s")
            time.sleep(0.2)
        yield Provider(issuer, proc, browser_port)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture
def sso_env(oidc_provider, monkeypatch):
    """The app configured for the provider (group rules on), the provider well-behaved."""
    from survey_engine.services import oidc

    for key, value in oidc_environment(oidc_provider).items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("LOCAL_LOGIN", raising=False)
    oidc.forget_provider_metadata()
    oidc_provider.mode("normal")
    yield oidc_provider
    oidc_provider.mode("normal")
    oidc.forget_provider_metadata()


