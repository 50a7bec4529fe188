"""What the admin's pages share: links into Stripe's Dashboard, read-only lists, filters."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join

from advocacy.admin_lists import SafeDateLookups
from donations.models import Donation, Frequency, Payment, WebhookEvent
from donations.stripe_gateway import PINNED_API_VERSION

DASHBOARD_PATHS = {
    "stripe_customer_id": "customers",
    "stripe_payment_intent_id": "payments",
    "stripe_subscription_id": "subscriptions",
    "stripe_schedule_id": "subscription_schedules",
    "stripe_invoice_id": "invoices",
}


def stripe_links(obj: Donation | Payment) -> str:
    rows = [
        (field.replace("stripe_", "").replace("_id", ""), DASHBOARD_PATHS[field], value)
        for field in DASHBOARD_PATHS
        if (value := getattr(obj, field, ""))
    ]
    if not rows:
        return "–"
    base = settings.STRIPE_DASHBOARD_URL
    return format_html_join(
        "",
        '<div>{}: <a href="{}/{}/{}" rel="noopener" target="_blank">{}</a></div>',
        ((label, base, path, value, value) for label, path, value in rows),
    )


class ReadOnlyAdmin(SafeDateLookups):
    """Records written by Stripe's webhooks: staff look, they neither edit nor delete."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Donation]) -> QuerySet[Donation]:
        if self.value() == "yes":
            return queryset.exclude(attention="")
        if self.value() == "no":
            return queryset.filter(attention="")
        return queryset


class RecurringFilter(admin.SimpleListFilter):
    """Recurring donations still taking payments (active or past due: the overview's
    "Active recurring" count) or ended."""

    title = "recurring"
    parameter_name = "recurring"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("running", "Still running (active or past due)"), ("ended", "Ended")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Donation]) -> QuerySet[Donation]:
        recurring = queryset.exclude(frequency=Frequency.ONE_TIME)
        if self.value() == "running":
            return recurring.filter(status__in=Donation.RUNNING)
        if self.value() == "ended":
            return recurring.exclude(status__in=Donation.RUNNING)
        return queryset


class ApiVersionFilter(admin.SimpleListFilter):
    title = "API version"
    parameter_name = "version"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("site", f"The site's ({PINNED_API_VERSION})"), ("other", "Another version")]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[WebhookEvent]
    ) -> QuerySet[WebhookEvent]:
        if self.value() == "site":
            return queryset.filter(api_version=PINNED_API_VERSION)
        if self.value() == "other":
            return queryset.exclude(api_version=PINNED_API_VERSION)
        return queryset


class PaymentFigures:
    """A payment's columns as Stripe has them, for the payments list and inline."""

    @admin.display(description="Refunded")
    def refunded(self, obj: Payment) -> str:
        return obj.refunded_display if obj.amount_refunded_cents else "–"

    @admin.display(description="Stripe's fee")
    def fee(self, obj: Payment) -> str:
        return obj.fee_display

    @admin.display(description="Reached the balance")
    def settled(self, obj: Payment) -> str:
        return obj.settled_display
