"""Django's database cache, with an increment that is atomic across processes, and a
durable variant whose live entries no traffic can evict.

Rate-limit counters (donations.ratelimits) must be shared by every worker and
incremented without losing a count. Django's DatabaseCache is shared (it lives
in the database) but increments with a read then a write that also resets the
entry's expiry, and a count written meanwhile by another worker is lost; here the
write happens only where the row still holds the value read (else it reads again),
and only the value is written, so the entry keeps its expiry.

Django's DatabaseCache also culls: past MAX_ENTRIES it deletes a third of its
entries, live ones included, so anyone who can make the site store entries (a POST
with a new e-mail address makes a rate-limit counter) can flush the others.
`DurableDatabaseCache` culls only what has expired; it holds what must not vanish:
rate-limit counters and the page cache's content version (settings: CACHES["durable"]).
"""

from __future__ import annotations

import base64
import pickle
from datetime import UTC, datetime
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, connections, router
from django.utils import timezone


class AtomicDatabaseCache(DatabaseCache):
    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        """As Django's, in fewer statements: an entry there and live is found by one read (a
        rate-limit counter is added on every POST, and is there on all but the first); a
        new one is written by one insert that replaces only an expired entry, after the
        count that culls (Django's: a count, then a transaction to read and insert)."""
        if self.has_key(key, version=version):
            return False
        stored_key = self.make_and_validate_key(key, version=version)
        backend_timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        now = timezone.now().replace(microsecond=0)
        expires = (
            datetime.max
            if backend_timeout is None
            else datetime.fromtimestamp(backend_timeout, tz=UTC).replace(microsecond=0)
        )
        pickled = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - the table name is ours
            count = cursor.fetchone()[0]
            if count > self._max_entries:
                self._cull(db, cursor, now, count)
            try:
                cursor.execute(
                    f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s) "  # noqa: S608 - the table name is ours
                    "ON CONFLICT (cache_key) DO UPDATE SET value = excluded.value, "
                    f"expires = excluded.expires WHERE {table}.expires < %s",
                    [
                        stored_key,
                        pickled,
                        connection.ops.adapt_datetimefield_value(expires),
                        connection.ops.adapt_datetimefield_value(now),
                    ],
                )
            except DatabaseError:  # as Django's: a write that fails adds nothing
                return False
            return bool(cursor.rowcount == 1)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        """Read the value, then write the new one only where the row still holds the value
        read, again if another worker wrote first (compare and swap): two statements and
        no transaction of its own (a rate limit counts three times per POST)."""
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        stored_key = self.make_and_validate_key(key, version=version)
        with connection.cursor() as cursor:
            while True:
                now = timezone.now().replace(microsecond=0, tzinfo=None)  # as Django's has_key
                cursor.execute(
                    f"SELECT value FROM {table} WHERE cache_key = %s AND expires > %s",  # noqa: S608 - the table name is ours
                    [stored_key, connection.ops.adapt_datetimefield_value(now)],
                )
                row = cursor.fetchone()
                if row is None:
                    raise ValueError(f"Key '{key}' not found")
                new_value = int(pickle.loads(base64.b64decode(row[0].encode()))) + delta  # noqa: S301 - our own entries
                pickled = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol))
                cursor.execute(
                    f"UPDATE {table} SET value = %s WHERE cache_key = %s AND value = %s",  # noqa: S608 - the table name is ours
                    [pickled.decode("latin1"), stored_key, row[0]],
                )
                if cursor.rowcount == 1:
                    return new_value


class DurableDatabaseCache(AtomicDatabaseCache):
    """Past MAX_ENTRIES, deletes the entries that have expired, never a live one."""

    def _cull(self, db: str, cursor: Any, now: Any, num: int) -> None:
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        cursor.execute(
            f"DELETE FROM {table} WHERE expires < %s",  # noqa: S608 - the table name is ours
            [connection.ops.adapt_datetimefield_value(now)],
        )
