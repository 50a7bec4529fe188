"""The worker: runs the tasks queued in the database (django-tasks-db), tries failed ones
again later, takes back the tasks of workers that died, and enqueues periodic jobs.

- Retries: a task that raises is tried again after TASK_RETRY_SECONDS, doubling each
  time, up to TASK_MAX_ATTEMPTS tries; then it is failed, with its error, for staff
  to see and retry (admin: Background jobs). Its tries are its `worker_ids`.
- Heartbeats: each worker notes it is alive every WORKER_HEARTBEAT_SECONDS, from a
  thread of its own (a long task does not silence it). A task left running by a worker
  not heard of for WORKER_STALE_SECONDS (killed, or its machine gone) is queued again.
- Periodic jobs (jobs.schedule) are enqueued by whichever worker gets there first.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import traceback
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.utils import OperationalError
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import is_locked_database_exception

from jobs import schedule
from jobs.models import WorkerHeartbeat

logger = logging.getLogger(__name__)
READY, RUNNING, FAILED = "READY", "RUNNING", "FAILED"
CLAIM_TRIES = 10


def claim_next(worker_id: str) -> DBTaskResult | None:
    """The next ready task, claimed for `worker_id` (no other worker can have it).

    The task is read without a lock, then claimed by one UPDATE that changes it only
    while it is still as read: ready, and started when it was (compare and swap). A task
    another worker claimed meanwhile is passed over for the next. On SQLite the write
    lock, which every webhook's insert waits for, is held for that statement alone, not
    for a transaction around the read and the ORM's work (README, "Performance")."""
    try:
        for _ in range(CLAIM_TRIES):  # each lost to another worker's claim
            task = DBTaskResult.objects.ready().first()
            if task is None:
                return None
            now, tries = timezone.now(), [*task.worker_ids, worker_id]
            claimed = DBTaskResult.objects.filter(
                pk=task.pk, status=READY, started_at=task.started_at
            ).update(status=RUNNING, started_at=now, worker_ids=tries)
            if claimed:
                task.status, task.started_at, task.worker_ids = RUNNING, now, tries
                return task
    except OperationalError as error:
        if not is_locked_database_exception(error):
            raise
    return None  # for now: the worker waits its interval and looks again


def run_task(task: DBTaskResult) -> bool:
    """Run one claimed task; whether it succeeded. A failure is tried again later, or,
    after the last try, recorded as failed."""
    try:
        result = task.task_result
        value = task.task.call(*result.args, **result.kwargs)
    except Exception as error:
        _noted(task, partial(_failed, task, error))
        return False
    _noted(task, partial(task.set_successful, value))
    return True


def _noted(task: DBTaskResult, note: Callable[[], None]) -> None:
    """Note a task's outcome once the database takes it: on SQLite other writers can hold
    the lock past the connection's timeout (the worker waits behind requests), and a task
    left running by a live worker would never be taken back."""
    while True:
        try:
            note()
            return
        except OperationalError as error:
            if not is_locked_database_exception(error):
                raise
            logger.warning("Task %s: the database is locked; noting its outcome again", task.id)


def _failed(task: DBTaskResult, error: Exception) -> None:
    tries = len(task.worker_ids)
    if tries >= settings.TASK_MAX_ATTEMPTS:
        logger.error("Task %s (%s) failed for good after %s tries: %s",
                     task.id, task.task_path, tries, error)  # fmt: skip
        task.set_failed(error)
        return
    delay = settings.TASK_RETRY_SECONDS * 2 ** (tries - 1)
    logger.warning("Task %s (%s) failed (try %s), again in %.0f s: %s",
                   task.id, task.task_path, tries, delay, error)  # fmt: skip
    task.status = READY
    task.run_after = timezone.now() + timedelta(seconds=delay)
    task.exception_class_path = f"{type(error).__module__}.{type(error).__qualname__}"
    task.traceback = "".join(traceback.format_exception(error))
    task.save(update_fields=["status", "run_after", "exception_class_path", "traceback"])


def run_ready(worker_id: str = "inline", limit: int = 1000) -> int:
    """Run the tasks ready now, one after the other, in this process (as `manage.py
    run_worker --batch` does); how many ran."""
    ran = 0
    while ran < limit and (task := claim_next(worker_id)) is not None:
        run_task(task)
        ran += 1
    return ran


def take_back_stale(now: Any = None) -> int:
    """Queue again the tasks left running by workers not heard of lately."""
    now = now or timezone.now()
    alive = set(
        WorkerHeartbeat.objects.filter(
            seen_at__gte=now - timedelta(seconds=settings.WORKER_STALE_SECONDS)
        ).values_list("worker_id", flat=True)
    )
    taken = 0
    for task in DBTaskResult.objects.filter(status=RUNNING):
        if task.worker_ids and task.worker_ids[-1] in alive | {"inline"}:
            continue
        logger.warning("Task %s (%s): its worker stopped; queued again", task.id, task.task_path)
        updated = DBTaskResult.objects.filter(pk=task.pk, status=RUNNING).update(
            status=READY, run_after=now
        )
        taken += updated
    return taken


class Worker:
    def __init__(self, *, interval: float, batch: bool = False) -> None:
        self.interval = interval
        self.batch = batch
        self.worker_id = get_random_string(32)
        self.started_at = timezone.now()
        self.running = True
        self.stopped = threading.Event()
        self.tasks_run = 0
        self.housekept_at = 0.0

    def run(self) -> None:
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGTERM, self._stop)
        self._note_alive()
        beat = threading.Thread(target=self._heartbeats, daemon=True)
        beat.start()
        logger.info("Worker %s started (pid %s)", self.worker_id, os.getpid())
        try:
            while self.running:
                close_old_connections()
                self._housekeeping()
                task = claim_next(self.worker_id)
                if task is not None:
                    run_task(task)
                    self.tasks_run += 1
                    continue
                if self.batch:
                    return
                self.stopped.wait(self.interval)
        finally:
            self.stopped.set()
            beat.join(timeout=5)
            WorkerHeartbeat.objects.filter(pk=self.worker_id).delete()
            logger.info("Worker %s stopped after %s tasks", self.worker_id, self.tasks_run)

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        logger.info("Worker %s: %s, stopping after its task", self.worker_id, signum)
        self.running = False
        self.stopped.set()

    def _housekeeping(self) -> None:
        """Every heartbeat: tasks of dead workers back in the queue, periodic jobs due."""
        if time.monotonic() - self.housekept_at < settings.WORKER_HEARTBEAT_SECONDS:
            return
        self.housekept_at = time.monotonic()
        try:
            take_back_stale()
            schedule.enqueue_due()
        except OperationalError as error:
            if not is_locked_database_exception(error):
                raise

    def _heartbeats(self) -> None:
        try:
            while not self.stopped.wait(settings.WORKER_HEARTBEAT_SECONDS):
                self._note_alive()
        finally:
            connection.close()

    def _note_alive(self) -> None:
        values = {
            "seen_at": timezone.now(), "tasks_run": self.tasks_run, "started_at": self.started_at,
            "host": socket.gethostname()[:255], "pid": os.getpid(),
        }  # fmt: skip
        try:
            WorkerHeartbeat.objects.update_or_create(pk=self.worker_id, defaults=values)
        except OperationalError:
            logger.warning("Worker %s: heartbeat not noted", self.worker_id, exc_info=True)


def queue_idle() -> bool:
    """Nothing ready to run and nothing running (retries waiting for their time aside)."""
    return not (DBTaskResult.objects.ready().exists() or DBTaskResult.objects.running().exists())


def work_in_thread(stop: threading.Event, interval: float = 0.02) -> None:
    """Run ready tasks until `stop` is set: a worker in a thread of this process, for a
    payment run or the tests' live server (`manage.py run_worker` is the real one)."""
    try:
        while not stop.is_set():
            if not run_ready():
                stop.wait(interval)
    finally:
        connection.close()
