"""Admin actions for staff, each under its own permission (donations.staff_actions acts)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from donations import receipts, staff_actions
from donations.models import Donation, Payment
from donations.money import cents_as_decimal
from donations.staff_actions import StaffActionError


@admin.action(description="Refund…", permissions=["refund"])
def refund_payments(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Payment]
) -> HttpResponse | None:
    """A page asking how much of each selected payment to refund (all of what is left by
    default); refunds are recorded when Stripe's charge.refunded arrives."""
    payments = list(queryset.select_related("donation"))
    if request.POST.get("confirm") == "yes":
        for payment in payments:
            _refund_one(modeladmin, request, payment)
        return None
    rows = [(p, cents_as_decimal(staff_actions.refundable_cents(p))) for p in payments]
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Refund payments",
        "rows": rows,
        "action": "refund_payments",
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "admin/donations/refund.html", context)


def _refund_one(modeladmin: admin.ModelAdmin, request: HttpRequest, payment: Payment) -> None:
    amount = cents_typed(request.POST.get(f"amount-{payment.pk}", ""))
    seen = request.POST.get(f"seen-{payment.pk}", "")
    if amount is None or not seen.isdigit():
        modeladmin.message_user(
            request, f"{payment}: enter an amount in dollars, like 12.50.", messages.ERROR
        )
        return
    try:
        refund_id, repeated = staff_actions.refund(payment, amount, seen_refunded_cents=int(seen))
    except StaffActionError as error:
        modeladmin.message_user(request, str(error), messages.ERROR)
        return
    if repeated:
        modeladmin.message_user(
            request,
            f"Stripe had already made this refund of ${cents_as_decimal(amount)} of {payment} "
            f"({refund_id}): the request was sent twice; nothing more was refunded.",
            messages.WARNING,
        )
        return
    modeladmin.message_user(
        request,
        f"Stripe is refunding ${cents_as_decimal(amount)} of {payment} ({refund_id}); "
        "it shows here when Stripe confirms.",
    )


def cents_typed(text: str) -> int | None:
    """Cents of an amount staff typed ("12.50", "$1,000"); None if it is not one."""
    try:
        value = Decimal(text.strip().replace("$", "").replace(",", ""))
    except InvalidOperation:
        return None
    if not value.is_finite() or value.as_tuple().exponent < -2 or abs(value) > 10**9:
        return None
    return int(value * 100)


@admin.action(description="Cancel the remaining payments now", permissions=["cancel"])
def cancel_donations(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Donation]
) -> None:
    for donation in queryset:
        try:
            staff_actions.cancel_now(donation)
        except StaffActionError as error:
            modeladmin.message_user(request, str(error), messages.ERROR)
            continue
        modeladmin.message_user(
            request, f"Cancelled at Stripe: {donation}; it shows here when Stripe confirms."
        )


@admin.action(description="Export as CSV", permissions=["export"])
def export_donations(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Donation]
) -> StreamingHttpResponse:
    filename = f"donations-{timezone.now():%Y%m%d-%H%M}.csv"
    return StreamingHttpResponse(
        staff_actions.export_rows(queryset),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@admin.action(description="Resend the latest receipt", permissions=["resend"])
def resend_receipts(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Donation]
) -> None:
    for donation in queryset:
        receipt = donation.receipts.exclude(sent_at=None).order_by("sent_at").last()
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
