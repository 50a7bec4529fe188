"""Django's database cache, with an increment that is atomic across processes.

Rate-limit counters (django-ratelimit) must be shared by every worker and
incremented without losing a count. Django's DatabaseCache is shared (it lives
in the database) but increments with a read then a write; here the read and the
write happen in one transaction that holds the row: under SQLite the transaction
takes the database's write lock when it starts (IMMEDIATE, see settings), under
PostgreSQL the row is selected FOR UPDATE.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction


class AtomicDatabaseCache(DatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        with transaction.atomic(using=db):
            if connection.features.has_select_for_update:
                table = connection.ops.quote_name(self._table)
                stored_key = self.make_and_validate_key(key, version=version)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",  # noqa: S608 - the table name is ours
                        [stored_key],
                    )
            value = self.get(key, version=version)
            if value is None:
                raise ValueError(f"Key '{key}' not found")
            new_value = int(value) + delta
            self.set(key, new_value, version=version)
            return new_value
