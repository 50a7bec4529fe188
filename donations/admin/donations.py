"""Donations in the admin, with their payments."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html

from advocacy.admin_lists import SafeDateLookups
from donations.admin.base import (
    NeedsAttentionFilter,
    PaymentFigures,
    RecurringFilter,
    stripe_links,
)
from donations.admin.offline import OfflineGifts
from donations.admin_actions import (
    StaffPermissions,
    cancel_donations,
    export_donations,
    resend_receipts,
)
from donations.admin_confirmation import confirmation, confirmed
from donations.models import Donation, Payment, net_received, shown
from donations.personal_data import erase_donor


def donation_tools(
    modeladmin: DonationAdmin, request: HttpRequest, donation: Donation
) -> list[dict[str, Any]]:
    """The buttons on a donation's page: what staff may do to it now, each posting the
    list's action (so it asks, confirms and checks permissions as from the list)."""
    own = reverse("admin:donations_donation_changelist")
    tools = []
    refundable = [
        p.pk for p in donation.payments.filter(status__in=Payment.COUNTED)
        if p.amount_refunded_cents < p.amount_cents
    ]  # fmt: skip
    if refundable and not donation.is_offline and modeladmin.has_refund_permission(request):
        payments = reverse("admin:donations_payment_changelist")
        tools.append({"label": "Refund…", "url": payments, "action": "refund_payments",
                      "selected": refundable})  # fmt: skip
    if (
        donation.is_recurring
        and donation.status in Donation.RUNNING
        and modeladmin.has_cancel_permission(request)
    ):
        tools.append({"label": "Cancel the remaining payments…", "url": own,
                      "action": "cancel_donations", "selected": [donation.pk]})  # fmt: skip
    if donation.receipts.exclude(sent_at=None).exists() and modeladmin.has_resend_permission(
        request
    ):
        tools.append({"label": "Resend the receipt", "url": own, "action": "resend_receipts",
                      "selected": [donation.pk]})  # fmt: skip
    return tools


class PaymentInline(PaymentFigures, admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = [
        "receipt_number", "amount", "refunded", "net", "fee", "settled", "status", "paid_at",
        "links", "error", "failure",
    ]  # fmt: skip
    readonly_fields = fields

    @admin.display(description="Receipt")
    def receipt_number(self, obj: Payment) -> str:
        return obj.receipt_number

    @admin.display(description="Failed attempts")
    def failure(self, obj: Payment) -> str:
        """A renewal that failed: why, how often, and Stripe's next try (recovered if
        it was paid since)."""
        if not obj.attempt_count or (obj.status != Payment.Status.FAILED and not obj.failed_at):
            return "–"
        tried = f"{obj.attempt_count} × {obj.decline_code or 'declined'}"
        if obj.status != Payment.Status.FAILED:
            return f"{tried}, recovered"
        if obj.next_attempt_at:
            return f"{tried}; next try {obj.next_attempt_at:%Y-%m-%d}"
        return f"{tried}; no more tries"

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
        "donor_shown", "amount", "payments_made", "net_received", "status_shown", "campaign",
        "created",
    ]  # fmt: skip
    list_filter = [
        "status", NeedsAttentionFilter, RecurringFilter, "collection_paused", "frequency",
        "campaign", "language", "created_at",
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
        ("Donor", {"fields": ["donor_record", "first_name", "last_name", "email", "language",
                              "note"]}),
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

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Donation | None = None,
    ) -> HttpResponse:
        context["donation_tools"] = [] if obj is None else donation_tools(self, request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)
        if not request.user.has_perm("donations.erase_personal_data"):
            actions.pop("erase_personal_data", None)
        return actions

    @admin.action(description="Erase the donors' personal data (keep the amounts)…")
    def erase_personal_data(
        self, request: HttpRequest, queryset: QuerySet[Donation]
    ) -> HttpResponse | None:
        chosen = list(queryset)
        if not confirmed(request):
            return confirmation(
                self, request, chosen, action="erase_personal_data",
                title="Erase the donors' personal data",
                intro="The name, e-mail address and note of each donation are erased, here and "
                "in the Stripe events the site stored. Amounts, payments and Stripe ids stay. "
                "This cannot be undone. (To erase everything of one person, use Donors.)",
                lines=[f"{d} <{d.email or 'no address'}>, {d.created_at:%Y-%m-%d}" for d in chosen],
                submit="Erase their personal data", danger=True,
            )  # fmt: skip
        for donation in chosen:
            erase_donor(donation)
        self.message_user(request, f"Erased the personal data of {len(chosen)} donation(s).")
        return None

    @admin.display(description="Donor", ordering="last_name")
    def donor_shown(self, obj: Donation) -> str:
        return format_html(
            '{}<br><span class="quiet">{}</span>', obj.donor_name, obj.email or "erased"
        )

    @admin.display(description="Amount", ordering="amount_cents")
    def amount(self, obj: Donation) -> str:
        covered = f" (fee covered: {obj.fee_cover_display})" if obj.fee_cover_cents else ""
        if not obj.is_recurring:
            return obj.amount_display + covered
        return f"{obj.amount_display} {obj.get_frequency_display()}{covered}"

    @admin.display(description="Created", ordering="created_at")
    def created(self, obj: Donation) -> str:
        return f"{obj.created_at:%Y-%m-%d}"

    @admin.display(description="Paid", ordering="paid_count")
    def payments_made(self, obj: Any) -> str:
        return f"{obj.paid_count} of {obj.payment_count}"

    @admin.display(description="Received", ordering="net")
    def net_received(self, obj: Any) -> str:
        return shown(obj.net, obj.currency)

    @admin.display(description="Status", ordering="status")
    def status_shown(self, obj: Donation) -> str:
        if not obj.attention:
            return obj.status_display
        return format_html(
            '{}<br><strong class="attention" title="{}">Needs attention</strong>',
            obj.status_display, obj.attention,
        )  # fmt: skip

    @admin.display(description="Donor's record")
    def donor_record(self, obj: Donation) -> str:
        if obj.donor_id is None:
            return "–"
        url = reverse("admin:donations_donor_change", args=[obj.donor_id])
        return format_html('<a href="{}">{}: every gift of theirs</a>', url, obj.donor)

    @admin.display(description="Stripe ids")
    def links(self, obj: Donation) -> str:
        return stripe_links(obj)
