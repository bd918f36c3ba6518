"""Retention (docs/security.md, "Retention"): login attempts are kept 30 days (they only
serve throttling, which looks back 15 minutes, and the investigation of an attack),
expired sessions are deleted. The server prunes every hour (web/app.py); the command
`survey-engine db prune` does it on demand."""
from __future__ import annotations

import datetime as dt

from survey_engine.services import audit, sessions
from survey_engine.services.login import prune_login_attempts

LOGIN_ATTEMPTS_KEPT = dt.timedelta(days=30)


async def prune(days: int | None = None, actor: str = "server") -> dict[str, int]:
    kept = dt.timedelta(days=days) if days else LOGIN_ATTEMPTS_KEPT
    attempts = await prune_login_attempts(kept)
    expired = await sessions.delete_expired()
    if attempts or expired:
        await audit.record(actor, "retention.prune", "database", "-",
                           details={"login_attempts": attempts, "sessions": expired, "kept_days": kept.days})
    return {"login_attempts": attempts, "sessions": expired}
