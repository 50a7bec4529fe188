"""The admin as staff see it: the site's name in its header, and its sections in the
order staff use them, the sign-in lock-out records last under a name that says so."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, reverse

# Sections in the order staff need them; any other app after these.
ORDER = ["donations", "articles", "jobs", "django_tasks_db", "auth", "axes"]
RENAMED = {"axes": "Security: failed sign-ins and lock-outs"}
# The fundraising dashboard, first among the donations' pages in the index and sidebar.
DASHBOARD = {
    "name": "Dashboard", "object_name": "Dashboard", "add_url": None, "view_only": True,
    "perms": {"view": True},
}  # fmt: skip


class SiteAdmin(AdminSite):
    index_title = "Run the site"

    @property  # type: ignore[override]
    def site_header(self) -> str:
        return f"{settings.SITE_NAME} administration"

    @property  # type: ignore[override]
    def site_title(self) -> str:
        return f"{settings.SITE_NAME} admin"

    def get_urls(self) -> list[URLPattern | URLResolver]:
        from donations.admin.dashboard import dashboard_view

        def dashboard(request: HttpRequest) -> HttpResponse:
            return dashboard_view(self, request)

        view = self.admin_view(dashboard)
        return [path("donations/dashboard/", view, name="donations_dashboard"), *super().get_urls()]

    def get_app_list(
        self, request: HttpRequest, app_label: str | None = None
    ) -> list[dict[str, Any]]:
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["name"] = RENAMED.get(app["app_label"], app["name"])
            if app["app_label"] == "donations" and request.user.has_perm("donations.view_donation"):
                url = reverse("admin:donations_dashboard", current_app=self.name)
                app["models"].insert(0, {**DASHBOARD, "admin_url": url})
        rank = {label: index for index, label in enumerate(ORDER)}
        return sorted(apps, key=lambda app: rank.get(app["app_label"], len(ORDER)))


class SiteAdminConfig(AdminConfig):
    default_site = "advocacy.admin_site.SiteAdmin"
