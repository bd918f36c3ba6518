"""Security tests: quiet httpx's per-request log lines (hundreds of requests here)."""
import logging

import pytest


@pytest.fixture(autouse=True)
def _quiet_httpx():
    logging.getLogger("httpx").setLevel(logging.WARNING)
    yield
