"""schemathesis over the whole OpenAPI document, authenticated as an administrator
with a bearer token: no 5xx for any generated input (valid or not), and every response
matches its documented status codes, content type and schema.

Cases are generated deterministically (derandomized hypothesis, no example database)
and sent through the ASGI app in this test's event loop, so the database of this pass
(SQLite or PostgreSQL) is used as everywhere else in the suite.
"""
from __future__ import annotations

import logging
import time

import httpx

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from litestar.testing import AsyncTestClient
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance, not_a_server_error, response_schema_conformance, status_code_conformance,
)

from tests.security.api_support import seed_round
from tests.helpers.auth import make_token
from survey_engine.web import create_app


EXAMPLES_PER_OPERATION = 12  # per generation mode (positive and negative)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _cases(operation, mode: GenerationMode) -> list:
    """Up to EXAMPLES_PER_OPERATION cases of `operation`, the same ones every run."""
    found: list = []

    @given(operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    def collect(case):
        found.append(case)

    try:
        collect()
    except Unsatisfiable:  # e.g. no invalid input exists for an operation without parameters
        pass
    return found


def _bytes(value) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def _plain_files(files) -> list:
    """schemathesis' generated multipart parts as (name, (filename, bytes)) pairs: a
    negative case may hold a number or null where httpx expects file content."""
    items = files.items() if isinstance(files, dict) else files
    out = []
    for name, value in items:
        if isinstance(value, tuple):
            filename, content = (value + (None, None))[:2]
            out.append((str(name), (str(filename or "file"), _bytes(content))))
        else:
            out.append((str(name), ("file", _bytes(value))))
    return out


async def test_schemathesis_no_5xx_and_responses_match_the_schema(db):
    logging.getLogger("httpx").setLevel(logging.WARNING)
    await seed_round()
    token = await make_token("admin", username="fuzz-admin")
    app = create_app(secure_cookies=False, db_pool=False)
    started = time.monotonic()
    failures: list[str] = []
    sent = operations = 0
    statuses: dict[int, int] = {}
    async with AsyncTestClient(app=app) as client:
        doc = (await client.get("/schema/openapi.json")).json()
        schema = schemathesis.openapi.from_dict(doc)
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                for case in _cases(operation, mode):
                    kwargs = case.as_transport_kwargs(base_url="http://testserver.local")
                    kwargs.pop("base_url", None)
                    url = kwargs.pop("url")
                    headers = dict(kwargs.pop("headers", None) or {})
                    headers["Authorization"] = f"Bearer {token}"
                    if "data" in kwargs and isinstance(kwargs["data"], (bytes, str)):
                        kwargs["content"] = kwargs.pop("data")
                    if kwargs.get("files"):
                        # A multipart upload (the indicator measurement import): encode it here,
                        # so the request is plain bytes that the checks can read back (httpx
                        # sends `files=` as a stream, which cannot be read a second time).
                        encoded = httpx.Request("POST", url, files=_plain_files(kwargs.pop("files")),
                                                data=kwargs.pop("data", None) or None)
                        encoded.read()
                        kwargs["content"] = encoded.content
                        headers["Content-Type"] = encoded.headers["Content-Type"]
                    response = await client.request(kwargs.pop("method"), url, headers=headers,
                                                    **{k: v for k, v in kwargs.items() if k in ("params", "content", "json", "data", "files")})
                    sent += 1
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                    if response.status_code == 401 and "Authorization" in headers:
                        # A generated call revoked our own token (or disabled us): take a new one.
                        token = await make_token("admin")
                    try:
                        case.validate_response(response, checks=CHECKS)
                    except (Exception, BaseExceptionGroup) as exc:  # collect every failure, report together
                        failures.append(f"{case.method} {case.formatted_path} [{mode.value}] -> "
                                        f"{response.status_code}: {str(exc)[:600]}")
    elapsed = time.monotonic() - started
    print(f"\nschemathesis: {operations} operations, {sent} requests, {elapsed:.1f} s, {len(failures)} failures; "
          f"statuses {dict(sorted(statuses.items()))}")
    assert operations >= 40
    assert sum(n for code, n in statuses.items() if code < 300) > sent // 10  # not all refused
    assert not failures, "\n\n".join(failures[:20])
