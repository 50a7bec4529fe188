"""Django's SQLite backend, where a statement that finds the database locked tries again
briskly.

With `transaction_mode = IMMEDIATE` every transaction takes SQLite's write lock as it
begins. A connection that finds the lock taken waits in SQLite's busy handler, which
sleeps 1, 2, 5, 10 … up to 100 ms between tries: under concurrent writers (webhook
deliveries, donations) waiters oversleep the lock's release, the database sits idle
while they sleep, and the slowest wait for a second. Here SQLite's handler is off and
every statement that is refused with "database is locked" outside a transaction (a
transaction's BEGIN, or a write on its own) tries again within 0.2 to 2 ms, until the
connection's `timeout` (OPTIONS) runs out, then fails as SQLite would. Requests all wait
the same way, so none is starved by the others. A refused statement changed nothing,
so trying it again is safe; inside a transaction (which holds the lock) none is refused.

The background worker (`manage.py run_worker` calls `wait_behind_requests`) tries again
every 2.5 to 20 ms instead: when a request and the worker both wait for the lock, the
request almost always gets it first. A visitor's page and Stripe's webhook are answered
first; the event the webhook stored is applied a little later (README, "Performance").
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.backends.sqlite3 import base

DEFAULT_TIMEOUT = 5.0  # seconds: Python's sqlite3 default
# Seconds between tries (the first pause, the longest; with jitter: half to whole).
REQUEST_PAUSES = (0.0002, 0.002)
BACKGROUND_PAUSES = (0.005, 0.02)
T = TypeVar("T")


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    timeout: float = DEFAULT_TIMEOUT
    pauses: tuple[float, float] = REQUEST_PAUSES  # this process's (wait_behind_requests)

    def execute(self, query: str, params: Any = None) -> Any:
        return self._patiently(super().execute, query, params)

    def executemany(self, query: str, param_list: Any) -> Any:
        return self._patiently(super().executemany, query, list(param_list))

    def _patiently(self, run: Callable[..., T], *args: Any) -> T:
        (pause, longest), deadline = self.pauses, time.monotonic() + self.timeout
        while True:
            try:
                return run(*args)
            except sqlite3.OperationalError as error:
                locked = str(error) == "database is locked"
                if not locked or self.connection.in_transaction or time.monotonic() >= deadline:
                    raise
            time.sleep(random.uniform(pause / 2, pause))  # noqa: S311 - jitter only
            pause = min(pause * 2, longest)


def wait_behind_requests() -> None:
    """This process (the background worker) tries again for the write lock more slowly
    than requests do, on all its connections."""
    SQLiteCursorWrapper.pauses = BACKGROUND_PAUSES


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> sqlite3.Connection:
        connection = super().get_new_connection(conn_params)
        connection.execute("PRAGMA busy_timeout = 0")  # refused at once: we try again
        return connection

    def create_cursor(self, name: str | None = None) -> SQLiteCursorWrapper:
        cursor = self.connection.cursor(factory=SQLiteCursorWrapper)
        cursor.timeout = float(self.settings_dict["OPTIONS"].get("timeout", DEFAULT_TIMEOUT))
        return cursor
