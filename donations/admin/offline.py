"""Recording an offline gift from the donations list (a button beside "Export")."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from donations import offline
from donations.admin.offline_form import OfflineGiftForm

PERMISSION = "donations.record_offline_gift"


class OfflineGifts(admin.ModelAdmin):
    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.record_offline_view)
        return [
            path("offline/", view, name="donations_donation_offline"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        extra = {**(extra_context or {}), "can_record_offline": request.user.has_perm(PERMISSION)}
        return super().changelist_view(request, extra)

    def record_offline_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        form = OfflineGiftForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            donation = offline.record(form.gift())
            self.log_addition(request, donation, "Recorded an offline gift.")
            receipt = " A receipt is on its way to the donor." if form.gift().send_receipt else ""
            self.message_user(request, f"Recorded: {donation}, {donation.status_display}.{receipt}")
            return redirect("admin:donations_donation_change", donation.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "Record an offline gift",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/donations/donation/offline.html", context)
