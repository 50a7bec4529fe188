"""What staff do to donations from the admin: refund, cancel.

Refunds and cancellations are asked of Stripe here and recorded when Stripe's
webhook confirms them (`charge.refunded`, `customer.subscription.deleted`), as
any other change: the admin never edits a payment or a status itself.
"""

from __future__ import annotations

from typing import cast

from django.utils import timezone

from donations.models import Donation, Payment, RefundReason, shown
from donations.stripe_gateway import PaymentsNotConfigured, StripeError, get_gateway
from donations.stripe_gateway import RefundReason as GatewayRefundReason


class StaffActionError(Exception):
    """The action could not be done; the message says why, for staff."""


def refundable_cents(payment: Payment) -> int:
    return payment.amount_cents - payment.amount_refunded_cents


def refund(
    payment: Payment,
    amount_cents: int,
    *,
    seen_refunded_cents: int,
    reason: RefundReason = RefundReason.REQUESTED_BY_CUSTOMER,
) -> tuple[str, bool]:
    """Ask Stripe to refund `amount_cents` of `payment` for `reason`, as staff asked
    when the payment had `seen_refunded_cents` refunded; the refund's id, and whether
    Stripe had made this very refund already (a double click, or two staff at once).
    The reason is kept on the payment once Stripe has accepted.

    The idempotency key is fixed by what staff saw and asked, so every repeat of one
    request is one refund; a request made on a payment that has changed since (a
    refund recorded meanwhile) is refused, to be looked at again.
    """
    if payment.donation.is_offline:
        raise StaffActionError(
            f"{payment} came by {payment.donation.get_method_display()}: Stripe cannot refund "
            "it; give it back outside the site."
        )
    if not payment.stripe_payment_intent_id:
        raise StaffActionError(f"{payment} has no payment intent to refund.")
    if seen_refunded_cents != payment.amount_refunded_cents:
        raise StaffActionError(
            f"{payment} has had a refund recorded since the form was opened (now "
            f"{payment.refunded_display} refunded); nothing was "
            "refunded. Look again, then refund what is still due."
        )
    if not 0 < amount_cents <= refundable_cents(payment):
        raise StaffActionError(
            f"{payment}: between {shown(1, payment.currency)} and "
            f"{shown(refundable_cents(payment), payment.currency)} can be refunded."
        )
    key = f"refund-{payment.pk}-{seen_refunded_cents}-{amount_cents}"
    try:
        result = get_gateway().refund(
            payment.stripe_payment_intent_id,
            amount_cents=amount_cents,
            idempotency_key=key,
            reason=cast(GatewayRefundReason, str(reason)),
        )
    except (StripeError, PaymentsNotConfigured) as error:
        raise StaffActionError(f"Stripe refused the refund of {payment}: {error}") from error
    Payment.objects.filter(pk=payment.pk).update(refund_reason=reason)
    headers = result.last_response.headers if result.last_response else {}
    return result.id, headers.get("Idempotent-Replayed") == "true"


def cancel_now(donation: Donation) -> None:
    """Cancel a recurring donation's remaining payments at Stripe, noting when it was
    asked (the donor's page says so until Stripe's event records the cancellation)."""
    if not donation.is_recurring or not donation.stripe_subscription_id:
        raise StaffActionError(f"{donation} has no subscription to cancel.")
    try:
        get_gateway().cancel_subscription(donation.stripe_subscription_id)
    except (StripeError, PaymentsNotConfigured) as error:
        raise StaffActionError(f"Stripe refused to cancel {donation}: {error}") from error
    donation.update(cancel_requested_at=timezone.now())  # until Stripe's event confirms
