"""advocacy.task_backend: a task's row, inserted in one statement, is the one the
library's own backend writes, and the library's receivers and signal still run."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend as LibraryDatabaseBackend
from django_tasks_db.compat import task_enqueued
from django_tasks_db.models import DBTaskResult, get_date_max

from donations.event_inbox import apply_event_task

pytestmark = pytest.mark.django_db


def row(result_id):
    return model_to_dict(DBTaskResult.objects.get(id=result_id), exclude=["id", "enqueued_at"])


@pytest.mark.parametrize("run_after", [None, datetime(2027, 1, 1, tzinfo=UTC)])
def test_a_task_is_stored_as_the_library_stores_it(run_after):
    task = apply_event_task.using(run_after=run_after, priority=5)
    library = LibraryDatabaseBackend("default", {"QUEUES": [], "OPTIONS": {}})
    theirs = library.enqueue(task, ["evt_1"], {})
    with CaptureQueriesContext(connection) as queries:
        ours = task_backends["default"].enqueue(task, ["evt_1"], {})
    assert type(task_backends["default"]).__module__ == "advocacy.task_backend"
    assert len([q for q in queries if q["sql"].startswith("INSERT")]) == 1
    assert row(ours.id) == row(theirs.id)
    assert row(ours.id)["run_after"] == (run_after or get_date_max())  # the library's receiver
    assert task_backends["default"].get_result(ours.id).args == ["evt_1"]


def test_enqueueing_still_sends_the_librarys_signal():
    sent = []

    def receiver(sender, task_result, **kwargs):
        sent.append(task_result.id)

    task_enqueued.connect(receiver)
    try:
        result = apply_event_task.enqueue("evt_2")
    finally:
        task_enqueued.disconnect(receiver)
    assert sent == [result.id]
