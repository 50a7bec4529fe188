"""Payments and webhook events in the admin: read-only, as Stripe reported them."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from donations.admin.base import ApiVersionFilter, PaymentFigures, ReadOnlyAdmin
from donations.admin_actions import StaffPermissions, refund_payments
from donations.models import Dispute, Payment, Statement, WebhookEvent, shown


@admin.register(Payment)
class PaymentAdmin(StaffPermissions, PaymentFigures, ReadOnlyAdmin):
    actions = [refund_payments]

    list_display = [
        "__str__", "refunded", "disputed", "fee", "settled", "donation", "paid_at",
    ]  # fmt: skip
    list_filter = ["status", "paid_at"]
    search_fields = [
        "stripe_invoice_id", "stripe_payment_intent_id", "stripe_charge_id", "donation__email",
    ]  # fmt: skip
    list_select_related = ["donation"]

    @admin.display(description="Withdrawn by a dispute")
    def disputed(self, obj: Payment) -> str:
        return shown(obj.amount_disputed_cents, obj.currency) if obj.amount_disputed_cents else "–"


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    """Card holders' disputes, as Stripe last reported them (answer them in Stripe)."""

    list_display = [
        "dispute", "amount", "reason", "status", "evidence_due_by", "funds_withdrawn", "donation",
    ]  # fmt: skip
    list_filter = ["status", "reason"]
    search_fields = ["stripe_dispute_id", "payment__stripe_charge_id", "payment__donation__email"]
    list_select_related = ["payment__donation__campaign"]
    date_hierarchy = "created_at"

    @admin.display(description="Dispute", ordering="stripe_dispute_id")
    def dispute(self, obj: Dispute) -> str:
        url = f"{settings.STRIPE_DASHBOARD_URL}/disputes/{obj.stripe_dispute_id}"
        return format_html(
            '<a href="{}" rel="noopener" target="_blank">{}</a>', url, obj.stripe_dispute_id
        )

    @admin.display(description="Amount", ordering="amount_cents")
    def amount(self, obj: Dispute) -> str:
        return shown(obj.amount_cents, obj.currency)

    @admin.display(description="Donation")
    def donation(self, obj: Dispute) -> str:
        donation = obj.payment.donation
        url = reverse("admin:donations_donation_change", args=[donation.pk])
        return format_html('<a href="{}">{}</a>', url, donation)


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


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    """Year-end statements: which were sent, and why one was not (yet)."""

    list_display = ["donor", "year", "sent_at", "attempts", "error"]
    list_filter = ["year", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["donor__email", "donor__last_name"]
    list_select_related = ["donor"]
