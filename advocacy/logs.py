"""Log records as JSON lines (LOG_FORMAT=json), for a log collector."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in RESERVED and _plain(v)})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def _plain(value: object) -> bool:
    return isinstance(value, str | int | float | bool) or value is None
