"""A row inserted in one statement, built once per model: for the writes of a webhook.

Stripe's webhook stores every event it delivers, and the task that applies it, before
it answers (donations.event_inbox). Through the ORM each row costs a model's save with
its SQL compiled anew, and an upsert is a `bulk_create` that wraps its one statement in
a transaction of its own (on PostgreSQL BEGIN, INSERT and COMMIT: three round trips where
one does). On SQLite that work is done while the write lock is held, which every other
writer waits for. Here the statement is built once per model (and conflict), from its
concrete fields, and each row's values are prepared by those fields as the ORM prepares
them. Measured with the bench's webhooks from 8 senders: README, "Performance".

`insert` sends pre_save and post_save as `Model.save` does, so receivers (django-tasks'
own among them) still run; `upsert` sends none, as `bulk_create` sends none. `Insert`
does an insert's work (pre_save, the values) when it is made and its statement when it
is run: made before a transaction and run inside it, that transaction holds SQLite's
write lock for the statement alone. None is for models whose fields need a placeholder
other than `%s` (geometries, for one).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from functools import cache
from typing import Any, Generic, TypeVar

from django.apps import apps
from django.db import connections, router, transaction
from django.db.models import Field, Model
from django.db.models.signals import post_save, pre_save

M = TypeVar("M", bound=Model)


class Insert(Generic[M]):
    """A new row's INSERT, ready to run: pre_save sent and every value prepared when it
    is made, so that running it is the statement alone. Made before a transaction and
    run inside it, the transaction holds SQLite's write lock only for its statements."""

    def __init__(self, record: M) -> None:
        model, alias = type(record), router.db_for_write(type(record))
        pre_save.send(sender=model, instance=record, raw=False, using=alias, update_fields=None)
        self.record, self.alias = record, alias
        self.sql, self.values = _prepared(record, alias, conflict="", update=())

    @property
    def returns_key(self) -> bool:
        """Whether the database gives the row its key (read back by the statement)."""
        return self.record._meta.auto_field is not None

    def run(self) -> None:
        """Insert the row, as `record.save()` would (the record gets its key)."""
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, self.values)
            self.inserted(cursor.fetchone()[0] if self.returns_key else None)

    def inserted(self, key: Any) -> None:
        """The row is in: the record gets its key and its state, and post_save is sent."""
        record, alias = self.record, self.alias
        if key is not None:
            record.pk = key
        record._state.adding, record._state.db = False, alias
        post_save.send(
            sender=type(record), instance=record, created=True, raw=False, using=alias,
            update_fields=None,
        )  # fmt: skip


def insert_together(*rows: Insert[Any]) -> None:
    """Insert the rows (for one database), all or none. On PostgreSQL in one statement,
    each INSERT in a WITH (one round trip, where a transaction around them takes four:
    BEGIN, the INSERTs, COMMIT); elsewhere one after the other in a transaction."""
    alias = rows[0].alias
    connection = connections[alias]
    if connection.vendor != "postgresql":
        with transaction.atomic(using=alias):
            for row in rows:
                row.run()
        return
    parts = ", ".join(f"row{number} AS ({row.sql})" for number, row in enumerate(rows))
    keys = [f"(SELECT * FROM row{n})" for n, row in enumerate(rows) if row.returns_key]  # noqa: S608
    sql = f"WITH {parts} SELECT {', '.join(keys) or 'NULL'}"
    # One statement is all or none by itself; inside a transaction, a savepoint keeps the
    # transaction usable after a row is refused, as atomic() would.
    inner = transaction.atomic(using=alias) if connection.in_atomic_block else nullcontext()
    with inner, connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row.values])
        found = iter(cursor.fetchone())
    for row in rows:
        row.inserted(next(found) if row.returns_key else None)


def insert(record: Model) -> None:
    """Insert `record` (a new row) in one statement, as `record.save()` would."""
    Insert(record).run()


def upsert(record: Model, *, conflict: str, update: Sequence[str]) -> None:
    """Insert `record`, or, where a row has its value of the unique field `conflict`,
    set that row's `update` fields to the record's, in one statement."""
    alias = router.db_for_write(type(record))
    _execute(record, alias, *_prepared(record, alias, conflict=conflict, update=tuple(update)))


def _prepared(
    record: Model, alias: str, *, conflict: str, update: tuple[str, ...]
) -> tuple[str, list[Any]]:
    """The statement and the record's values for it, each prepared by its field."""
    connection = connections[alias]
    sql, fields = _statement(record._meta.label, alias, conflict, update)
    return sql, [
        field.get_db_prep_save(field.pre_save(record, True), connection) for field in fields
    ]


def _execute(record: Model, alias: str, sql: str, values: list[Any]) -> None:  # an upsert
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, values)
        if record._meta.auto_field is not None:  # the key the database gave the row
            record.pk = cursor.fetchone()[0]


@cache
def _statement(
    label: str, alias: str, conflict: str, update: tuple[str, ...]
) -> tuple[str, list[Field[Any, Any]]]:
    """The INSERT of the model's columns (an automatic key left to the database, and
    returned) and its fields in their order; with `conflict`, ON CONFLICT … DO UPDATE.
    The same SQL on SQLite (3.35 and later) and PostgreSQL."""
    meta, quote = apps.get_model(label)._meta, connections[alias].ops.quote_name
    fields = [field for field in meta.concrete_fields if field is not meta.auto_field]
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608 - the model's names
    if conflict:
        sets = (quote(meta.get_field(name).column) for name in update)
        sql += f" ON CONFLICT ({quote(meta.get_field(conflict).column)}) DO UPDATE SET "
        sql += ", ".join(f"{column} = EXCLUDED.{column}" for column in sets)
    if meta.auto_field is not None:
        sql += f" RETURNING {quote(meta.auto_field.column)}"
    return sql, fields
