"""What staff do to donations from the admin: refund, cancel, export.

Refunds and cancellations are asked of Stripe here and recorded when Stripe's
webhook confirms them (`charge.refunded`, `customer.subscription.deleted`), as
any other change: the admin never edits a payment or a status itself.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.db.models import Count, Max, Q, QuerySet, Sum

from donations.models import Donation, Payment, net_received, shown
from donations.money import typed
from donations.stripe_gateway import PaymentsNotConfigured, StripeError, get_gateway


class StaffActionError(Exception):
    """The action could not be done; the message says why, for staff."""


def refundable_cents(payment: Payment) -> int:
    return payment.amount_cents - payment.amount_refunded_cents


def refund(payment: Payment, amount_cents: int, *, seen_refunded_cents: int) -> tuple[str, bool]:
    """Ask Stripe to refund `amount_cents` of `payment`, as staff asked when the payment
    had `seen_refunded_cents` refunded; the refund's id, and whether Stripe had made
    this very refund already (a double click, or two staff asking at once).

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
            payment.stripe_payment_intent_id, amount_cents=amount_cents, idempotency_key=key
        )
    except (StripeError, PaymentsNotConfigured) as error:
        raise StaffActionError(f"Stripe refused the refund of {payment}: {error}") from error
    headers = result.last_response.headers if result.last_response else {}
    return result.id, headers.get("Idempotent-Replayed") == "true"


def cancel_now(donation: Donation) -> None:
    """Cancel a recurring donation's remaining payments at Stripe."""
    if not donation.is_recurring or not donation.stripe_subscription_id:
        raise StaffActionError(f"{donation} has no subscription to cancel.")
    try:
        get_gateway().cancel_subscription(donation.stripe_subscription_id)
    except (StripeError, PaymentsNotConfigured) as error:
        raise StaffActionError(f"Stripe refused to cancel {donation}: {error}") from error


EXPORT_COLUMNS = [
    "created (UTC)", "donation", "status", "campaign", "first name", "last name", "email",
    "amount", "currency", "frequency", "payments chosen", "payments made",
    "received net of refunds and disputes", "Stripe fees", "reached the balance",
    "settlement currency", "last payment (UTC)",
]  # fmt: skip


def export_rows(donations: QuerySet[Donation]) -> Iterator[str]:
    """The donations as CSV lines, header first, a few at a time (for streaming)."""
    counted = Q(payments__status__in=Payment.COUNTED)
    rows = (
        donations.select_related("campaign")
        .annotate(
            made=Count("payments", filter=counted),
            net=net_received("payments"),
            fees=Sum("payments__fee_cents", filter=counted),
            settled=Sum("payments__settled_cents", filter=counted),
            settlement=Max("payments__settlement_currency", filter=counted),
            last_paid=Max("payments__paid_at", filter=counted),
        )
        .order_by("created_at")
    )
    yield _line(EXPORT_COLUMNS)
    for donation in rows.iterator(chunk_size=500):
        yield _line([
            donation.created_at.strftime("%Y-%m-%d %H:%M:%S"), str(donation.public_id),
            donation.status, donation.campaign.name, donation.first_name, donation.last_name,
            donation.email, typed(donation.amount_cents, donation.currency),
            donation.currency.upper(),
            donation.frequency, str(donation.payment_count), str(donation.made),
            typed(donation.net, donation.currency),
            "" if donation.fees is None else typed(donation.fees, donation.settlement),
            "" if donation.settled is None else typed(donation.settled, donation.settlement),
            (donation.settlement or "").upper(),
            donation.last_paid.strftime("%Y-%m-%d %H:%M:%S") if donation.last_paid else "",
        ])  # fmt: skip


def _line(values: Iterable[str]) -> str:
    buffer = io.StringIO()
    # Spreadsheet formula injection: a cell starting with = + - @ is read as text.
    csv.writer(buffer).writerow("'" + v if v[:1] in ("=", "+", "-", "@") else v for v in values)
    return buffer.getvalue()
