"""Helpers of the single sign-on tests (tests/sso/conftest.py has the fixtures).

Single sign-on tests run against a real OpenID provider: the `oidc-provider` npm package
(tests/sso/provider.mjs), started here on a free loopback port, installed by .ci/run
into .cache/oidc. Without node or the package these tests are skipped on a developer's
machine and fail in CI (CI=true).

`sso_env` points the app at the provider (OIDC_* in the environment);
`provider_login()` plays the person at the provider's development login form with an
HTTP client and returns the redirect back to the app (code and state)."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
MODULES = Path(os.environ.get("OIDC_PROVIDER_MODULES", REPO / ".cache" / "oidc" / "node_modules"))
CLIENT_ID = "survey-engine"
CLIENT_SECRET = "test-secret-only-for-loopback-0123456789"
OTHER_CLIENT_ID = "another-application"
TEST_APP_CALLBACK = "http://testserver.local/sso/callback"  # Litestar's test client
GROUPS = {"anna.admin": ["sakerhet-admin"], "olle.svar": ["soc-svar", "alla"], "bo.analys": ["analytiker"]}
GROUP_ROLES = "sakerhet-admin=admin;analytiker=analyst;soc-svar=respondent:a"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_provider() -> None:
    missing = None
    if shutil.which("node") is None:
        missing = "node saknas / is missing (apt-get install -y nodejs npm)"
    elif not (MODULES / "oidc-provider" / "package.json").exists():
        missing = f"{MODULES}/oidc-provider saknas / is missing (npm install --prefix .cache/oidc oidc-provider@9)"
    if missing is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI: the single sign-on tests cannot run: {missing}")
    pytest.skip(missing)


class Provider:
    def __init__(self, issuer: str, proc: subprocess.Popen, browser_port: int):
        self.issuer = issuer
        self.proc = proc
        self.browser_port = browser_port  # the port the browser test's server must use (a registered callback)

    def mode(self, name: str) -> None:
        r = httpx.post(f"{self.issuer}/__mode", params={"m": name}, timeout=10)
        assert r.status_code == 200 and r.json()["mode"] == name


def oidc_environment(provider: Provider, **extra: str) -> dict[str, str]:
    return {
        "OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_GROUP_ROLES": GROUP_ROLES, **extra,
    }


_FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*method="post"', re.I)


def provider_login(authorization_url: str, login: str, callback_prefix: str = TEST_APP_CALLBACK) -> dict[str, str]:
    """Log `login` in at the provider (its development login form accepts any name) and
    return the query of the provider's redirect back to the app: code, state (and iss)."""
    with httpx.Client(timeout=15, follow_redirects=False) as client:
        url = authorization_url
        for _ in range(20):
            if url.startswith(callback_prefix):
                return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
            r = client.get(url)
            if r.status_code in (302, 303):
                url = urljoin(url, r.headers["location"])
                continue
            assert r.status_code == 200, (r.status_code, r.text[:500])
            match = _FORM.search(r.text)
            assert match, r.text[:1000]
            fields = {"prompt": "login", "login": login, "password": "any password"}
            if 'name="prompt" value="consent"' in r.text:
                fields = {"prompt": "consent"}
            r = client.post(urljoin(url, match.group(1)), data=fields)
            assert r.status_code in (302, 303), (r.status_code, r.text[:500])
            url = urljoin(url, r.headers["location"])
    raise AssertionError(f"the provider never sent the browser back to {callback_prefix}")
