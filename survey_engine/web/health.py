"""Liveness and readiness endpoints for load balancers and orchestrators.

- `GET /health/live`: the process answers (no database access). 200 always.
- `GET /health/ready`: the database answers and every migration of every Piccolo app
  has run. 200 `{"status": "ready", ...}` or 503 `{"status": "not ready", "problems":
  [...]}`; a balancer sends traffic only to ready instances, and a deployment waits
  for it after `survey-engine db migrate`.

Both are public (no login), outside the versioned API, and say nothing secret: the
database kind and the count of pending migrations, never a URL or an error's text with
connection details (those go to the log).
"""
from __future__ import annotations

import logging
import time
from typing import Any

from litestar import Response, Router, get
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from survey_engine.store.db import engine, migration_status

log = logging.getLogger("survey_engine.health")

# Public (no login), and outside the session middleware: a probe must neither need nor
# write a session row, and must answer even when the database does not.
_OPT = {"public": True, "skip_session": True}

@get("/live", opt=_OPT, include_in_schema=False, cache=False)
async def live() -> dict[str, str]:
    return {"status": "alive"}


@get("/ready", opt=_OPT, include_in_schema=False, cache=False)
async def ready() -> Response[dict[str, Any]]:

    started = time.perf_counter()
    kind = engine().engine_type
    problems: list[str] = []
    try:
        status = await migration_status()
    except Exception as exc:  # the database does not answer
        log.warning("readiness: database check failed: %s: %s", type(exc).__name__, exc)
        problems.append("databasen svarar inte / the database does not answer")
    else:
        pending = sum(len(s["pending"]) for s in status.values())
        if pending:
            problems.append(f"{pending} migreringar har inte körts / {pending} migrations have not run: "
                            "survey-engine db migrate")
    body: dict[str, Any] = {"status": "not ready" if problems else "ready", "database": kind,
                            "checked_in_ms": round((time.perf_counter() - started) * 1000, 1)}
    if problems:
        body["problems"] = problems
    return Response(body, status_code=HTTP_503_SERVICE_UNAVAILABLE if problems else HTTP_200_OK)


def health_router() -> Router:
    """`/health/live` and `/health/ready`; add it to the app's route handlers."""
    return Router(path="/health", route_handlers=[live, ready])
