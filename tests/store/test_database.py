"""The database rails work on the engine of this pass (SQLite or PostgreSQL)."""
import datetime as dt
import os

import pytest

from survey_engine.store.db import engine, write_transaction
from survey_engine.store.tables import QuestionnaireVersion



def test_engine_matches_database_url():
    expected = "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert engine().engine_type == expected


async def test_questionnaire_version_round_trips(db):
    async with write_transaction():
        await QuestionnaireVersion.insert(
            QuestionnaireVersion(
                key="x@2026.1", family="x", version="2026.1", title="T", content_hash="sha256:ab",
                source_text="format: 1\n", content={"a": [1, "å"]},
                published_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
            )
        )
    row = await QuestionnaireVersion.select().where(QuestionnaireVersion.key == "x@2026.1").first().output(load_json=True)
    assert row["content"] == {"a": [1, "å"]}
    assert row["content_hash"] == "sha256:ab"


async def test_tables_are_emptied_between_tests(db):
    assert await QuestionnaireVersion.count() == 0


async def test_duplicate_key_is_refused(db):
    row = dict(key="y@1", family="y", version="2026.1", title="T", content_hash="h", source_text="", content={})
    async with write_transaction():
        await QuestionnaireVersion.insert(QuestionnaireVersion(**row))
    with pytest.raises(Exception):
        async with write_transaction():
            await QuestionnaireVersion.insert(QuestionnaireVersion(**row))
    assert await QuestionnaireVersion.count() == 1
