"""django-tasks' database backend, each task's row inserted in one statement.

A task is enqueued inside the transaction of the change that needs it (a webhook's
event stored, a donation settled); on SQLite that transaction holds the write lock, so
the row is inserted with a statement built once (advocacy.rows) instead of the ORM's
create. The row is the library's own, with the values its backend gives it: this
replaces the library's `_task_to_db_task` (django-tasks-db, pinned in requirements.txt),
and tests/test_advocacy_task_backend.py compares the row with the one the library's
backend writes, so an upgrade that changes either shows there.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db import DatabaseBackend as LibraryDatabaseBackend
from django_tasks_db.compat import Task, normalize_json
from django_tasks_db.models import DBTaskResult

from advocacy.rows import insert


class DatabaseBackend(LibraryDatabaseBackend):
    def _task_to_db_task(
        self, task: Task[Any, Any], args: Any, kwargs: Any
    ) -> DBTaskResult[Any, Any]:
        record: DBTaskResult[Any, Any] = DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        )
        insert(record)  # its pre_save receiver sets a run_after of None to "at once"
        return record
