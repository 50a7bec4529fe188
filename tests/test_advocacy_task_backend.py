"""advocacy.task_backend: a task's row, inserted in one statement (or prepared before
its transaction), is the one the library's own backend writes, and the library's
receivers and signal still run."""

from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend as LibraryDatabaseBackend
from django_tasks_db.compat import task_enqueued
from django_tasks_db.models import DBTaskResult, get_date_max

from advocacy.task_backend import prepare
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


@pytest.mark.django_db(transaction=True)  # committed, as the webhook's transaction is
def test_a_prepared_task_is_the_librarys_row_and_its_signal_waits_for_the_commit():
    task = apply_event_task.using(priority=5)
    library = LibraryDatabaseBackend("default", {"QUEUES": [], "OPTIONS": {}})
    theirs = library.enqueue(task, ["evt_3"], {})
    sent = []

    def receiver(sender, task_result, **kwargs):
        sent.append(task_result.id)

    with CaptureQueriesContext(connection) as queries:
        ready = prepare(task, "evt_3")
    assert len(queries) == 0
    task_enqueued.connect(receiver)
    try:
        with transaction.atomic():
            ready.enqueue()
            assert sent == []  # not before it is committed
            ours = DBTaskResult.objects.exclude(id=theirs.id).get()
    finally:
        task_enqueued.disconnect(receiver)
    assert row(ours.id) == row(theirs.id)
    assert sent == [str(ours.id)]


def test_only_tasks_of_this_backend_can_be_prepared(settings):
    immediate = {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    settings.TASKS = {**settings.TASKS, "immediate": immediate}
    with pytest.raises(TypeError, match="backend"):
        prepare(apply_event_task.using(backend="immediate"), "evt_4")
