"""Log configuration for the web server: plain text lines, or one JSON object per line
(`LOG_FORMAT=json`) for log collectors (journald, Loki, Elastic, CloudWatch …).

`log_config(fmt, level)` returns a `logging.config.dictConfig` dictionary that uvicorn
applies in the main process and in every worker. JSON lines carry `ts` (UTC, ISO 8601
with milliseconds), `level`, `logger`, `msg`, `pid`; uvicorn's access lines add
`client`, `method`, `path`, `status` and `http`; exceptions add `exc`. Anything passed
with `extra={...}` is kept as its own key.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
from typing import Any

# Attributes every LogRecord has; anything else came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("x", logging.INFO, "x", 0, "", None, None))) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process or os.getpid(),
        }
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, http_version, status = record.args
            out.update(msg=f"{method} {path} {status}", client=client, method=method, path=path,
                       status=status, http=http_version)
        else:
            out["msg"] = record.getMessage()
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in out:
                out[key] = value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            out["stack"] = self.formatStack(record.stack_info)
        return json.dumps(out, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"


def log_config(fmt: str = "text", level: str = "info") -> dict[str, Any]:
    """The dictConfig for uvicorn (`uvicorn.run(log_config=...)`) and our own loggers."""
    if fmt not in ("text", "json"):
        raise ValueError(f"log format {fmt!r}: text or json")
    level = level.upper()
    formatter: dict[str, Any] = (
        {"()": "survey_engine.logging.JsonFormatter"} if fmt == "json" else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {
            # stdout: containers and systemd collect it; one stream keeps lines in order.
            "default": {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stdout"},
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.access": {"handlers": ["default"], "level": level, "propagate": False},
            "survey_engine": {"handlers": ["default"], "level": level, "propagate": False},
            # Litestar replaces the root logger's handler with its own text format when
            # the app is built, so libraries that log are given our handler directly.
            "piccolo": {"handlers": ["default"], "level": "WARNING" if level == "INFO" else level, "propagate": False},
            "asyncpg": {"handlers": ["default"], "level": "WARNING", "propagate": False},
        },
        "root": {"handlers": ["default"], "level": "WARNING"},
    }
