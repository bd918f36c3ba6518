"""`python -m survey_engine.store.pgcheck URL`: exit 0 when PostgreSQL answers at URL."""
import asyncio
import sys

import asyncpg

from survey_engine.settings import postgres_config


async def _check(url: str) -> None:
    conn = await asyncpg.connect(timeout=5, **postgres_config(url))
    await conn.execute("SELECT 1")
    await conn.close()


def main(argv: list[str]) -> int:
    url = argv[1] if len(argv) > 1 else "postgresql://postgres@localhost:5432/postgres"
    try:
        asyncio.run(_check(url))
    except Exception as exc:  # any failure means "not reachable" to the caller
        print(f"PostgreSQL not reachable at {url}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
