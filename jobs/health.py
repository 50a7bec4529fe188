"""Whether the workers take work: heard of lately, and no task left waiting too long."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.models import WorkerHeartbeat

WAITING_TOO_LONG = timedelta(minutes=2)


def worker_state() -> str:
    """ "ok"; "no worker" (none heard of lately); "stuck" (a ready task waits too long)."""
    now = timezone.now()
    recent = now - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    if not WorkerHeartbeat.objects.filter(seen_at__gte=recent).exists():
        return "no worker"
    oldest = (
        DBTaskResult.objects.ready()
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    if oldest is not None and oldest < now - WAITING_TOO_LONG:
        return "stuck"
    return "ok"
