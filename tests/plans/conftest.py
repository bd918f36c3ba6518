"""Clients for the plan API tests: one user and bearer token per role."""
import sys
from pathlib import Path

import pytest

from helpers.auth import bearer_clients

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
async def client_as(db):
    """`await client_as("planner")` -> an AsyncTestClient with that user's bearer token."""
    async with bearer_clients() as make:
        yield make
