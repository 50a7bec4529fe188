"""The admin as staff see it: the site's name in its header, and its sections in the
order staff use them, the sign-in lock-out records last under a name that says so."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest

# Sections in the order staff need them; any other app after these.
ORDER = ["donations", "articles", "jobs", "django_tasks_db", "auth", "axes"]
RENAMED = {"axes": "Security: failed sign-ins and lock-outs"}


class SiteAdmin(AdminSite):
    index_title = "Run the site"

    @property  # type: ignore[override]
    def site_header(self) -> str:
        return f"{settings.SITE_NAME} administration"

    @property  # type: ignore[override]
    def site_title(self) -> str:
        return f"{settings.SITE_NAME} admin"

    def get_app_list(
        self, request: HttpRequest, app_label: str | None = None
    ) -> list[dict[str, Any]]:
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["name"] = RENAMED.get(app["app_label"], app["name"])
        rank = {label: index for index, label in enumerate(ORDER)}
        return sorted(apps, key=lambda app: rank.get(app["app_label"], len(ORDER)))


class SiteAdminConfig(AdminConfig):
    default_site = "advocacy.admin_site.SiteAdmin"
