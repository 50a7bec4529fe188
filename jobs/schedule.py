"""Periodic jobs: tasks that apps declare to run every so often, each at most once per
period across every worker on every machine."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from jobs.models import ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    task: Any  # a django-tasks Task
    every: timedelta

    @property
    def name(self) -> str:
        return str(self.task.module_path)

    def period_start(self, now: datetime) -> datetime:
        """The start of the period `now` is in (periods counted from the Unix epoch)."""
        seconds = int(self.every.total_seconds())
        stamp = int(now.timestamp())
        return datetime.fromtimestamp(stamp - stamp % seconds, UTC)


PERIODIC: list[Periodic] = []


def periodic(every: timedelta) -> Callable[[Any], Any]:
    """Declare a task (decorated with django-tasks' @task) to run once every `every`."""

    def declare(task: Any) -> Any:
        PERIODIC.append(Periodic(task, every))
        return task

    return declare


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue each periodic job whose current period has no run yet; the jobs enqueued.
    The run's row and the task's go in one transaction: both or neither."""
    now = now or timezone.now()
    enqueued = []
    for job in PERIODIC:
        start = job.period_start(now)
        if ScheduledRun.objects.filter(job=job.name, period_start=start).exists():
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, period_start=start)
                job.task.enqueue()
        except IntegrityError:
            continue  # another worker took this period
        logger.info("Periodic job %s enqueued for %s", job.name, start)
        enqueued.append(job.name)
    return enqueued


def forget_old_runs(keep: timedelta = timedelta(days=30)) -> int:
    return int(ScheduledRun.objects.filter(period_start__lt=timezone.now() - keep).delete()[0])
