"""Background jobs in the admin: what is queued, what failed with which error after how
many tries, retrying it, and the workers heard of."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from jobs.models import WorkerHeartbeat

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskAdmin(DBTaskResultAdmin):
    list_display = ("job", "status", "tries", "enqueued_at", "run_after", "last_error")
    list_filter = ("status", "task_path")
    search_fields = ("task_path", "exception_class_path")
    actions = ["try_again"]

    @admin.display(description="Job", ordering="task_path")
    def job(self, obj: DBTaskResult) -> str:
        return obj.task_path.rsplit(".", 1)[-1].replace("_", " ")

    @admin.display(description="Tries")
    def tries(self, obj: DBTaskResult) -> int:
        return len(obj.worker_ids)

    @admin.display(description="Last error")
    def last_error(self, obj: DBTaskResult) -> str:
        lines = (obj.traceback or "").strip().splitlines()
        return lines[-1][:160] if lines else "–"

    def has_try_again_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("jobs.retry_task"))

    @admin.action(description="Try again now", permissions=["try_again"])
    def try_again(self, request: HttpRequest, queryset: QuerySet[DBTaskResult]) -> None:
        again = queryset.filter(status__in=["FAILED", "READY"]).update(
            status="READY", run_after=timezone.now(), finished_at=None
        )
        self.message_user(request, f"{again} job(s) queued to run now.")


@admin.register(WorkerHeartbeat)
class WorkerAdmin(admin.ModelAdmin):
    list_display = ("worker_id", "host", "pid", "started_at", "seen_at", "tasks_run")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
