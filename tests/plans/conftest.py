"""Clients for the plan API tests: one user and bearer token per role."""
import pytest

from tests.helpers.auth import bearer_clients


@pytest.fixture
async def client_as(db):
    """`await client_as("planner")` -> an AsyncTestClient with that user's bearer token."""
    async with bearer_clients() as make:
        yield make
