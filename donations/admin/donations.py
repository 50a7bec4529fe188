"""Donations in the admin, with their payments."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from advocacy.admin_lists import SafeDateLookups
from donations.admin.base import NeedsAttentionFilter, PaymentFigures, stripe_links
from donations.admin.offline import OfflineGifts
from donations.admin_actions import (
    StaffPermissions,
    cancel_donations,
    export_donations,
    resend_receipts,
)
from donations.models import Donation, Payment, net_received, shown
from donations.personal_data import erase_donor


class PaymentInline(PaymentFigures, admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = [
        "amount", "refunded", "net", "fee", "settled", "status", "paid_at", "links", "error",
    ]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Amount")
    def amount(self, obj: Payment) -> str:
        return obj.amount_display

    @admin.display(description="Net")
    def net(self, obj: Payment) -> str:
        return shown(obj.net_cents, obj.currency)

    @admin.display(description="Stripe")
    def links(self, obj: Payment) -> str:
        return stripe_links(obj)


@admin.register(Donation)
class DonationAdmin(OfflineGifts, StaffPermissions, SafeDateLookups):
    list_display = [
        "donor", "email", "amount", "frequency", "payments_made", "net_received", "status_shown",
        "flagged", "campaign", "created_at",
    ]  # fmt: skip
    list_filter = [
        "status", NeedsAttentionFilter, "collection_paused", "frequency", "campaign", "created_at",
    ]  # fmt: skip
    search_fields = [
        "first_name", "last_name", "email", "stripe_checkout_session_id", "stripe_customer_id",
        "stripe_payment_intent_id", "stripe_subscription_id",
    ]  # fmt: skip
    date_hierarchy = "created_at"
    list_select_related = ["campaign"]
    inlines = [PaymentInline]
    readonly_fields = [
        "donor_record", "public_id", "campaign", "article", "amount", "currency", "frequency",
        "payment_count", "status", "error", "attention", "stripe_checkout_session_id", "links",
        "created_at", "updated_at",
    ]  # fmt: skip
    fieldsets = [
        ("Donor", {"fields": ["donor_record", "first_name", "last_name", "email", "note"]}),
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

    @admin.display(description="Status", ordering="status")
    def status_shown(self, obj: Donation) -> str:
        return obj.status_display

    @admin.display(description="Attention", boolean=True)
    def flagged(self, obj: Donation) -> bool:
        return bool(obj.attention)

    @admin.display(description="Donor's record")
    def donor_record(self, obj: Donation) -> str:
        if obj.donor_id is None:
            return "–"
        url = reverse("admin:donations_donor_change", args=[obj.donor_id])
        return format_html('<a href="{}">{}: every gift of theirs</a>', url, obj.donor)

    @admin.display(description="Stripe ids")
    def links(self, obj: Donation) -> str:
        return stripe_links(obj)
