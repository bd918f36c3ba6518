"""Publishing questionnaire versions and getting them back as `Questionnaire` objects.

A published version is immutable: the database keeps its source text, canonical hash
and parsed content. Rounds point at a published version, and the `Questionnaire` is
rebuilt from the stored source text (cached in-process by hash), so a round scores
with exactly the version it was opened on, whatever happens to the files later.
"""
from __future__ import annotations

from typing import Any

from survey_engine.services import audit
from survey_engine.questionnaire.errors import QuestionnaireError
from survey_engine.questionnaire.model import Questionnaire
from survey_engine.services.access import Action, Principal, check
from survey_engine.services.common import dump, load, page_args
from survey_engine import clock
from survey_engine.store.db import is_unique_violation
from survey_engine.errors import Conflict, Invalid, NotFound, problems_to_errors
from survey_engine.store.db import write_transaction
from survey_engine.store.tables import QuestionnaireVersion
from survey_engine.text import Text
from survey_engine.questionnaire.load import parse_questionnaire

_CACHE: dict[str, Questionnaire] = {}

_SUMMARY_COLUMNS = (
    QuestionnaireVersion.id,
    QuestionnaireVersion.key,
    QuestionnaireVersion.family,
    QuestionnaireVersion.version,
    QuestionnaireVersion.title,
    QuestionnaireVersion.content_hash,
    QuestionnaireVersion.published_at,
)


def parse_source(source_text: str, source: str = "<text>") -> Questionnaire:
    """Parse questionnaire YAML; every problem becomes an `Invalid` error item."""

    try:
        return parse_questionnaire(source_text, source=source)
    except QuestionnaireError as exc:
        raise Invalid(
            Text(f"Enkäten är ogiltig ({len(exc.problems)} fel)", f"the questionnaire is invalid " f"({len(exc.problems)} problems): {source}"),
            problems_to_errors(exc.problems),
        ) from exc


def questionnaire_from_row(row: dict[str, Any]) -> Questionnaire:
    """The `Questionnaire` of a stored version row (needs source_text and content_hash)."""
    digest = row["content_hash"]
    cached = _CACHE.get(digest)
    if cached is None:
        cached = parse_source(row["source_text"], source=f"{row['family']}@{row['version']}")
        _CACHE[digest] = cached
    return cached


def _key(family: str, version: str) -> str:
    return f"{family}@{version}"


def summary(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "family": row["family"],
        "version": row["version"],
        "title": row["title"],
        "hash": row["content_hash"],
        "published_at": row["published_at"],
    }


async def publish_questionnaire(source_text: str, actor: Principal, source: str = "<text>") -> tuple[dict[str, Any], bool]:
    """Publish a version. Returns (summary, created). The same id+version with the same
    hash is a no-op success; with another hash it is refused (bump the version)."""
    check(actor, Action.QUESTIONNAIRE_PUBLISH)
    if "\x00" in source_text:
        raise Invalid(Text("Texten innehåller ett NUL-tecken", "the text contains a NUL character"),
                      [{"field": "source", "message": "NUL character"}])
    questionnaire = parse_source(source_text, source)
    key = _key(questionnaire.id, questionnaire.version)
    content = questionnaire.model_dump(mode="json", exclude={"source"})
    title = questionnaire.title.get(questionnaire.default_language) or next(iter(questionnaire.title.values()))
    for _attempt in range(2):
        try:
            async with write_transaction():
                existing = await QuestionnaireVersion.select(*_SUMMARY_COLUMNS).where(
                    QuestionnaireVersion.key == key
                ).first()
                if existing is None:
                    await QuestionnaireVersion.insert(
                        QuestionnaireVersion(
                            key=key,
                            family=questionnaire.id,
                            version=questionnaire.version,
                            title=title[:500],
                            content_hash=questionnaire.hash,
                            source_text=source_text,
                            content=dump(content),
                            published_at=clock.now(),
                        )
                    )
                    await audit.record(actor, "questionnaire.publish", "questionnaire", key,
                                       details={"hash": questionnaire.hash, "source": source[:200]})
        except Exception as exc:
            if is_unique_violation(exc):  # another publisher won the race: compare again
                continue
            raise
        if existing is not None:
            if existing["content_hash"] != questionnaire.hash:
                raise Conflict(
                    Text(f"{questionnaire.id} {questionnaire.version} är redan publicerad med annat innehåll; " f"höj versionen", f"{questionnaire.id} {questionnaire.version} is already published " "with different content: bump the version"),
                    errors=[{"field": "version", "message": f"published hash {existing['content_hash']}, "
                             f"this file {questionnaire.hash}"}],
                )
            _CACHE.setdefault(questionnaire.hash, questionnaire)
            return summary(existing), False
        row = await QuestionnaireVersion.select(*_SUMMARY_COLUMNS).where(QuestionnaireVersion.key == key).first()
        _CACHE.setdefault(questionnaire.hash, questionnaire)
        return summary(row), True
    raise Conflict(Text("Publiceringen krockade, försök igen", "publishing collided, try again"))  # pragma: no cover


async def list_versions(family: str | None = None, limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    limit, offset = page_args(limit, offset)
    query = QuestionnaireVersion.select(*_SUMMARY_COLUMNS)
    count = QuestionnaireVersion.count()
    if family:
        query = query.where(QuestionnaireVersion.family == family)
        count = count.where(QuestionnaireVersion.family == family)
    rows = await query.order_by(QuestionnaireVersion.family).order_by(QuestionnaireVersion.id).limit(limit).offset(offset)
    return [summary(r) for r in rows], await count


async def _row(family: str, version: str) -> dict[str, Any]:
    row = await QuestionnaireVersion.select().where(
        QuestionnaireVersion.key == _key(family, version)
    ).first().output(load_json=True)
    if row is None:
        raise NotFound(
            Text(f"Enkätversionen {family} {version} är inte publicerad", f"questionnaire version " f"{family} {version} is not published")
        )
    return row


async def get_version(family: str, version: str) -> dict[str, Any]:
    """Summary plus the parsed content and the source text."""
    row = await _row(family, version)
    out = summary(row)
    out["content"] = load(row["content"])
    out["source_text"] = row["source_text"]
    return out


async def get_questionnaire(family: str, version: str) -> tuple[int, Questionnaire]:
    """(version row id, Questionnaire) of a published version."""
    row = await _row(family, version)
    return row["id"], questionnaire_from_row(row)


async def questionnaire_of(version_id: int, content_hash: str | None) -> Questionnaire:
    """The version's `Questionnaire`, without a query when its content hash (read with
    the row that points at the version, e.g. a response's round) is already parsed in
    this process. Published versions never change, so the hash names the content; the
    cache is keyed by hash, not id, because ids are reused when a database is emptied."""
    cached = _CACHE.get(content_hash) if content_hash else None
    return cached if cached is not None else await questionnaire_by_id(version_id)


async def questionnaire_by_id(version_id: int) -> Questionnaire:
    row = await QuestionnaireVersion.select(
        QuestionnaireVersion.family, QuestionnaireVersion.version,
        QuestionnaireVersion.content_hash, QuestionnaireVersion.source_text,
    ).where(QuestionnaireVersion.id == version_id).first()
    if row is None:
        raise NotFound(Text(f"Enkätversion {version_id} finns inte", f"questionnaire version {version_id} not found"))
    return questionnaire_from_row(row)


async def family_versions(family: str) -> dict[str, Questionnaire]:
    """Every published version of a family, by version string."""
    rows = await QuestionnaireVersion.select(
        QuestionnaireVersion.family, QuestionnaireVersion.version,
        QuestionnaireVersion.content_hash, QuestionnaireVersion.source_text,
    ).where(QuestionnaireVersion.family == family)
    return {r["version"]: questionnaire_from_row(r) for r in rows}
