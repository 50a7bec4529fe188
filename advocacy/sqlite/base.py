"""Django's SQLite backend, with write transactions that queue briskly.

With `transaction_mode = IMMEDIATE` every transaction takes SQLite's write lock as it
begins. A transaction that finds the lock taken waits in SQLite's busy handler, which
sleeps 1, 2, 5, 10 … up to 100 ms between tries: under concurrent writers (webhook
deliveries, donations) waiters oversleep the lock's release, the database sits idle
while they sleep, and the slowest wait for a second. Here a transaction that finds the
lock taken tries again within a millisecond or two until the connection's `timeout`
(OPTIONS) runs out, then fails as SQLite would ("database is locked"). Statements outside
transactions keep SQLite's own busy handler.
"""

from __future__ import annotations

import random
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base

DEFAULT_TIMEOUT = 5.0  # seconds: Python's sqlite3 default
FIRST_PAUSE, LONGEST_PAUSE = 0.0002, 0.002  # seconds between tries (with jitter)


class DatabaseWrapper(base.DatabaseWrapper):
    def _start_transaction_under_autocommit(self) -> None:
        if self.transaction_mode is None:
            super()._start_transaction_under_autocommit()
            return
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", DEFAULT_TIMEOUT))
        deadline = time.monotonic() + timeout
        pause = FIRST_PAUSE
        cursor = self.cursor()
        cursor.execute("PRAGMA busy_timeout = 0")  # a taken lock answers at once
        try:
            while True:
                try:
                    cursor.execute(f"BEGIN {self.transaction_mode}")
                    return
                except OperationalError as error:
                    if "locked" not in str(error) or time.monotonic() >= deadline:
                        raise
                time.sleep(random.uniform(pause / 2, pause))  # noqa: S311 - jitter only
                pause = min(pause * 2, LONGEST_PAUSE)
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
