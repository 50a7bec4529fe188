"""Admin actions for staff, each under its own permission (donations.staff_actions acts)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from donations import export, receipts, staff_actions
from donations.admin_confirmation import confirmation, confirmed
from donations.models import Donation, Payment, Receipt, RefundReason, shown
from donations.money import NotAnAmount, parse_units, symbol, typed
from donations.staff_actions import StaffActionError


@admin.action(description="Refund…", permissions=["refund"])
def refund_payments(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Payment]
) -> HttpResponse | None:
    """A page asking how much of each selected payment to refund (all of what is left by
    default); refunds are recorded when Stripe's charge.refunded arrives."""
    payments = list(queryset.select_related("donation"))
    if request.POST.get("confirm") == "yes":
        reason = request.POST.get("reason", "")
        if reason not in RefundReason.values:
            modeladmin.message_user(
                request, "Choose why the payments are refunded; nothing was refunded.",
                messages.ERROR,
            )  # fmt: skip
            return None
        for payment in payments:
            _refund_one(modeladmin, request, payment, RefundReason(reason))
        return None
    rows = [(p, typed(staff_actions.refundable_cents(p), p.currency)) for p in payments]
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Refund payments",
        "rows": rows,
        "reasons": RefundReason.choices,
        "action": "refund_payments",
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "admin/donations/refund.html", context)


def _refund_one(
    modeladmin: admin.ModelAdmin, request: HttpRequest, payment: Payment, reason: RefundReason
) -> None:
    amount = cents_typed(request.POST.get(f"amount-{payment.pk}", ""), payment.currency)
    seen = request.POST.get(f"seen-{payment.pk}", "")
    if amount is None or not seen.isdigit():
        example = typed(1250 if payment.currency == "usd" else 1000, payment.currency)
        modeladmin.message_user(
            request,
            f"{payment}: enter an amount in {payment.currency.upper()}, like {example}.",
            messages.ERROR,
        )
        return
    try:
        refund_id, repeated = staff_actions.refund(
            payment, amount, seen_refunded_cents=int(seen), reason=reason
        )
    except StaffActionError as error:
        modeladmin.message_user(request, str(error), messages.ERROR)
        return
    if repeated:
        modeladmin.message_user(
            request,
            f"Stripe had already made this refund of {shown(amount, payment.currency)} of "
            f"{payment} ({refund_id}): the request was sent twice; nothing more was refunded.",
            messages.WARNING,
        )
        return
    modeladmin.message_user(
        request,
        f"Stripe is refunding {shown(amount, payment.currency)} of {payment} ({refund_id}); "
        "it shows here when Stripe confirms.",
    )


def cents_typed(text: str, currency: str) -> int | None:
    """The smallest units of an amount staff typed ("12.50", "$1,000"); None if it is
    not one of `currency`."""
    clean = text.strip().replace(",", "")
    clean = clean.removeprefix(symbol(currency)).removeprefix("$").strip()
    if len(clean) > 20:
        return None
    try:
        return parse_units(clean, currency)
    except NotAnAmount:
        return None


@admin.action(description="Cancel the remaining payments now…", permissions=["cancel"])
def cancel_donations(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Donation]
) -> HttpResponse | None:
    """After a page listing what each cancellation stops, ask Stripe to end each
    subscription now; recorded when Stripe's customer.subscription.deleted arrives."""
    chosen = list(
        queryset.annotate(paid=Count("payments", filter=Q(payments__status__in=Payment.COUNTED)))
    )
    if not confirmed(request):
        return confirmation(
            modeladmin, request, chosen, action="cancel_donations",
            title="Cancel the remaining payments",
            intro="Stripe ends each subscription now: no further payment is taken, and the "
            "donor gets an e-mail saying so. Payments already made stay (refund them "
            "separately).",
            lines=[_what_cancel_stops(d) for d in chosen],
            submit="Cancel the remaining payments", danger=True,
        )  # fmt: skip
    for donation in chosen:
        try:
            staff_actions.cancel_now(donation)
        except StaffActionError as error:
            modeladmin.message_user(request, str(error), messages.ERROR)
            continue
        modeladmin.message_user(
            request, f"Cancelled at Stripe: {donation}; it shows here when Stripe confirms."
        )


def _what_cancel_stops(donation: Any) -> str:
    if not (donation.is_recurring and donation.status in Donation.RUNNING):
        return f"{donation}: {donation.status_display}, nothing left to cancel."
    left = max(donation.payment_count - donation.paid, 0)
    return (
        f"{donation}: {donation.paid} of {donation.payment_count} payments made; "
        f"{left} more ({shown(left * donation.amount_cents, donation.currency)}) will not be "
        "taken."
    )


@admin.action(description="Export as CSV (a row per payment)", permissions=["export"])
def export_donations(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Donation]
) -> StreamingHttpResponse:
    filename = f"donations-{timezone.now():%Y%m%d-%H%M}.csv"
    return StreamingHttpResponse(
        export.export_rows(queryset),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@admin.action(description="Resend the latest receipt", permissions=["resend"])
def resend_receipts(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Donation]
) -> None:
    """The latest payment's receipt as it now stands (with what was refunded since), or
    the latest other e-mail of a donation that has no payment receipt."""
    for donation in queryset:
        sent = donation.receipts.exclude(sent_at=None).order_by("sent_at")
        receipt = sent.filter(kind=Receipt.Kind.PAYMENT).last() or sent.last()
        if receipt is None or not donation.email:
            modeladmin.message_user(
                request, f"{donation} has no receipt to resend.", messages.ERROR
            )
            continue
        try:
            receipts.message(receipt).send()
        except Exception as error:  # the mail server
            modeladmin.message_user(request, f"Not sent: {error}", messages.ERROR)
            continue
        modeladmin.message_user(request, f"Sent again: {receipt}.")


class StaffPermissions:
    """`has_<name>_permission` for the actions above (Django checks them by name)."""

    def has_refund_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("donations.refund_payment"))

    def has_cancel_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("donations.cancel_donation"))

    def has_export_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("donations.export_donations"))

    def has_resend_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("donations.resend_receipt"))
