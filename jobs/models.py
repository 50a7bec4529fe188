"""What the workers say of themselves, and which periodic job ran for which period."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """A worker process, as it last said it was alive (every few seconds)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)
    tasks_run = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = "worker"
        permissions = [("retry_task", "Can retry a background job")]

    def __str__(self) -> str:
        return f"{self.host}:{self.pid} ({self.worker_id})"


class ScheduledRun(models.Model):
    """One run of a periodic job for one period: the unique row makes it at most once
    per period, whichever worker on whichever machine gets there first."""

    job = models.CharField(max_length=255)
    period_start = models.DateTimeField()
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["job", "period_start"], name="one_run_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.job} for {self.period_start:%Y-%m-%d %H:%M}"
