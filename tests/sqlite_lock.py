"""SQLite's write lock held by another connection, and a short wait for it: for tests of
what waits on the lock (advocacy.sqlite, the worker)."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def write_lock_held() -> Iterator[sqlite3.Connection]:
    """Another connection to the same database file, holding the write lock until the
    block ends (or its holder commits)."""
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield holder
    finally:
        if holder.in_transaction:
            holder.rollback()
        holder.close()


@contextmanager
def lock_timeout(seconds: float) -> Iterator[None]:
    """Connections opened in the block give up waiting for the lock after `seconds`."""
    options = connection.settings_dict["OPTIONS"]
    saved, options["timeout"] = options["timeout"], seconds
    try:
        yield
    finally:
        options["timeout"] = saved
