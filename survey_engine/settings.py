"""Settings read from the environment, in one place."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_SQLITE_PATH = Path("var") / "survey-engine.sqlite"


@dataclass(frozen=True)
class DatabaseSettings:
    """Which database to use: PostgreSQL for a postgres URL, else an SQLite file."""

    kind: str  # "postgres" or "sqlite"
    url: str | None
    sqlite_path: Path | None

    @property
    def is_postgres(self) -> bool:
        return self.kind == "postgres"


def database_settings(environ: dict[str, str] | None = None) -> DatabaseSettings:
    env = os.environ if environ is None else environ
    url = env.get("DATABASE_URL", "").strip()
    if url.startswith(("postgres://", "postgresql://")):
        return DatabaseSettings("postgres", url, None)
    if url.startswith("sqlite:///"):
        return DatabaseSettings("sqlite", url, Path(url[len("sqlite:///"):]))
    if url:
        raise ValueError(
            f"DATABASE_URL={url!r} is neither a postgresql:// nor a sqlite:/// URL; "
            "leave it unset for the default SQLite file."
        )
    return DatabaseSettings("sqlite", None, Path(env.get("SURVEY_ENGINE_SQLITE", DEFAULT_SQLITE_PATH)))


def postgres_config(url: str) -> dict:
    """asyncpg connection arguments from a postgres URL."""
    parsed = urlparse(url)
    config: dict = {"database": (parsed.path or "/").lstrip("/") or "postgres"}
    if parsed.hostname:
        config["host"] = parsed.hostname
    if parsed.port:
        config["port"] = parsed.port
    if parsed.username:
        config["user"] = parsed.username
    if parsed.password:
        config["password"] = parsed.password
    return config
