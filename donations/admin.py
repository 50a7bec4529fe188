from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html_join

from advocacy.admin_lists import SafeDateLookups
from donations.admin_actions import (
    StaffPermissions,
    cancel_donations,
    export_donations,
    refund_payments,
    resend_receipts,
)
from donations.models import Campaign, Donation, Payment, WebhookEvent, net_received, shown
from donations.overview import campaign_figures
from donations.personal_data import erase_donor
from donations.stripe_gateway import PINNED_API_VERSION

# Where each kind of Stripe id lives in the Stripe (test) dashboard.
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


@admin.register(Campaign)
class CampaignAdmin(SafeDateLookups):
    list_display = ["name", "active", "goal", "raised_amount", "donation_count"]
    list_filter = ["active"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Campaign]:
        return super().get_queryset(request).with_totals()

    def get_urls(self) -> list[Any]:
        overview = self.admin_site.admin_view(self.overview_view)
        return [
            path("overview/", overview, name="donations_campaign_overview"),
            *super().get_urls(),
        ]

    def overview_view(self, request: HttpRequest) -> TemplateResponse:
        """Per campaign: raised this month and in all, recurring donations, what is still
        scheduled, failed renewals and donations flagged for staff."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = [
            {
                "campaign": f.campaign, "raised": shown(f.raised_cents, f.campaign.currency),
                "raised_this_month": shown(f.raised_this_month_cents, f.campaign.currency),
                "active_recurring": f.active_recurring,
                "scheduled": shown(f.scheduled_cents, f.campaign.currency),
                "past_due": f.past_due,
                "flagged": f.flagged,
            }
            for f in campaign_figures()
        ]  # fmt: skip
        context = {**self.admin_site.each_context(request), "title": "Campaigns overview",
                   "rows": rows, "opts": self.model._meta}  # fmt: skip
        return TemplateResponse(request, "admin/donations/campaign/overview.html", context)

    @admin.display(description="Goal")
    def goal(self, obj: Campaign) -> str:
        return shown(obj.goal_cents, obj.currency) if obj.goal_cents else "–"

    @admin.display(description="Raised", ordering="raised")
    def raised_amount(self, obj: Any) -> str:
        return shown(obj.raised, obj.currency)

    @admin.display(description="Donations", ordering="donation_total")
    def donation_count(self, obj: Any) -> int:
        return int(obj.donation_total)


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = ["amount", "refunded", "net", "status", "paid_at", "links", "error"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Amount")
    def amount(self, obj: Payment) -> str:
        return obj.amount_display

    @admin.display(description="Refunded")
    def refunded(self, obj: Payment) -> str:
        return obj.refunded_display if obj.amount_refunded_cents else "–"

    @admin.display(description="Net")
    def net(self, obj: Payment) -> str:
        return shown(obj.net_cents, obj.currency)

    @admin.display(description="Stripe")
    def links(self, obj: Payment) -> str:
        return stripe_links(obj)


@admin.register(Donation)
class DonationAdmin(StaffPermissions, SafeDateLookups):
    list_display = [
        "donor", "email", "amount", "frequency", "payments_made", "net_received", "status",
        "flagged", "campaign", "created_at",
    ]  # fmt: skip
    list_filter = ["status", NeedsAttentionFilter, "frequency", "campaign", "created_at"]
    search_fields = [
        "first_name", "last_name", "email", "stripe_checkout_session_id", "stripe_customer_id",
        "stripe_payment_intent_id", "stripe_subscription_id",
    ]  # fmt: skip
    date_hierarchy = "created_at"
    list_select_related = ["campaign"]
    inlines = [PaymentInline]
    readonly_fields = [
        "public_id", "campaign", "article", "amount", "currency", "frequency", "payment_count",
        "status", "error", "attention", "stripe_checkout_session_id", "links", "created_at",
        "updated_at",
    ]  # fmt: skip
    fieldsets = [
        ("Donor", {"fields": ["first_name", "last_name", "email", "note"]}),
        ("Donation", {"fields": ["campaign", "article", "amount", "currency", "frequency",
                                 "payment_count", "status", "error", "attention"]}),
        ("Stripe", {"fields": ["stripe_checkout_session_id", "links"]}),
        ("History", {"fields": ["public_id", "created_at", "updated_at"]}),
    ]  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[Donation]:
        counted = Q(payments__status__in=Payment.COUNTED)
        return (
            super()
            .get_queryset(request)
            .annotate(
                paid_count=Count("payments", filter=counted),
                net=net_received("payments"),
            )
        )

    actions = ["erase_personal_data", cancel_donations, export_donations, resend_receipts]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the record of money stays; staff erase a donor's data instead

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)
        if not request.user.has_perm("donations.erase_personal_data"):
            actions.pop("erase_personal_data", None)
        return actions

    @admin.action(description="Erase the donors' personal data (keep the amounts)")
    def erase_personal_data(self, request: HttpRequest, queryset: QuerySet[Donation]) -> None:
        for donation in queryset:
            erase_donor(donation)
        self.message_user(request, f"Erased the personal data of {queryset.count()} donation(s).")

    @admin.display(description="Donor", ordering="last_name")
    def donor(self, obj: Donation) -> str:
        return obj.donor_name

    @admin.display(description="Amount", ordering="amount_cents")
    def amount(self, obj: Donation) -> str:
        return obj.amount_display

    @admin.display(description="Payments made", ordering="paid_count")
    def payments_made(self, obj: Any) -> str:
        return f"{obj.paid_count} of {obj.payment_count}"

    @admin.display(description="Received (net of refunds)", ordering="net")
    def net_received(self, obj: Any) -> str:
        return shown(obj.net, obj.currency)

    @admin.display(description="Attention", boolean=True)
    def flagged(self, obj: Donation) -> bool:
        return bool(obj.attention)

    @admin.display(description="Stripe ids")
    def links(self, obj: Donation) -> str:
        return stripe_links(obj)


@admin.register(Payment)
class PaymentAdmin(StaffPermissions, ReadOnlyAdmin):
    actions = [refund_payments]

    list_display = [
        "__str__", "refunded", "donation", "status", "paid_at", "stripe_invoice_id",
    ]  # fmt: skip
    list_filter = ["status", "paid_at"]
    search_fields = [
        "stripe_invoice_id", "stripe_payment_intent_id", "stripe_charge_id", "donation__email",
    ]  # fmt: skip
    list_select_related = ["donation"]

    @admin.display(description="Refunded")
    def refunded(self, obj: Payment) -> str:
        return obj.refunded_display if obj.amount_refunded_cents else "–"


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = [
        "stripe_id", "type", "status", "api_version", "attempts", "received_at", "short_error",
    ]  # fmt: skip
    list_filter = ["status", ApiVersionFilter, "type"]
    search_fields = ["stripe_id", "type"]
    date_hierarchy = "received_at"

    @admin.display(description="Error")
    def short_error(self, obj: WebhookEvent) -> str:
        return obj.error[:120]
