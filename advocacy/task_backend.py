"""django-tasks' database backend, each task's row inserted in one statement, and a
task's row that can be made ready before the transaction that enqueues it.

A task is enqueued inside the transaction of the change that needs it (a webhook's
event stored, a donation settled); on SQLite that transaction holds the write lock, so
the row is inserted with a statement built once (advocacy.rows) instead of the ORM's
create, and `prepare` makes the row (its values, the library's pre_save receiver) before
the transaction, so that inside it enqueueing is the INSERT alone. The row is the
library's own, with the values its backend gives it: this replaces the library's
`_task_to_db_task` (django-tasks-db, pinned in requirements.txt), and
tests/test_advocacy_task_backend.py compares the row with the one the library's backend
writes, so an upgrade that changes either shows there.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks.signals import task_enqueued
from django_tasks_db import DatabaseBackend as LibraryDatabaseBackend
from django_tasks_db.compat import Task, normalize_json
from django_tasks_db.models import DBTaskResult

from advocacy.rows import Insert, insert


class PreparedTask(Insert[DBTaskResult[Any, Any]]):
    """A task's row made ready (`prepare`): `enqueue` inserts it (as does
    `advocacy.rows.insert_together` with other rows), and once the transaction around it
    commits the library's `task_enqueued` signal is sent."""

    def __init__(self, backend: DatabaseBackend, record: DBTaskResult[Any, Any]) -> None:
        super().__init__(record)
        self.backend = backend

    def enqueue(self) -> None:
        self.run()

    def inserted(self, key: Any) -> None:
        super().inserted(key)
        transaction.on_commit(self._enqueued, using=self.alias)

    def _enqueued(self) -> None:
        task_enqueued.send(type(self.backend), task_result=self.record.task_result)


class DatabaseBackend(LibraryDatabaseBackend):
    def prepare(self, task: Task[Any, Any], args: Any, kwargs: Any) -> PreparedTask:
        """The task's row ready to enqueue (`PreparedTask.enqueue`), made now."""
        self.validate_task(task)
        return PreparedTask(self, self._record(task, args, kwargs))

    def _task_to_db_task(
        self, task: Task[Any, Any], args: Any, kwargs: Any
    ) -> DBTaskResult[Any, Any]:
        record = self._record(task, args, kwargs)
        insert(record)  # its pre_save receiver sets a run_after of None to "at once"
        return record

    def _record(self, task: Task[Any, Any], args: Any, kwargs: Any) -> DBTaskResult[Any, Any]:
        return DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        )


def prepare(task: Task[Any, Any], *args: Any, **kwargs: Any) -> PreparedTask:
    """`task` with these arguments, its row made ready now, to enqueue later (inside a
    transaction); its backend must be this one."""
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        raise TypeError(f"{task.module_path}: its backend is not advocacy.task_backend's")
    return backend.prepare(task, args, kwargs)
