"""A fresh app and test client per test (Litestar state lives on the app)."""
import pytest
from litestar.testing import AsyncTestClient

from survey_engine.web import create_app


@pytest.fixture
async def client(db):
    async with AsyncTestClient(app=create_app()) as c:
        yield c
