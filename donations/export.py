"""The staff's CSV export: one row per payment, with its donation's fields, streamed.

A donation with no payment yet (pending, or whose first payment failed before it
was recorded) still has one row, its payment columns empty, so nothing selected is
left out. Labels are the ones staff read in the admin ("Monthly", "Paid"), never
codes; every cell that a spreadsheet would read as a formula is made text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils.text import capfirst

from donations import sources
from donations.models import Donation, Payment
from donations.money import typed

DONATION_COLUMNS = [
    "donation", "created (UTC)", "status", "campaign", "first name", "last name", "email",
    "note", "amount", "fee covered by the donor", "currency", "frequency", "payments chosen",
    "method", "source", "utm_source", "utm_medium", "utm_campaign", "refcode",
]  # fmt: skip
PAYMENT_COLUMNS = [
    "payment", "receipt number", "payment status", "paid (UTC)", "paid", "refunded",
    "refund reason", "withdrawn by a dispute", "net", "Stripe fee", "reached the balance",
    "settlement currency", "reference", "Stripe payment",
]  # fmt: skip
COLUMNS = DONATION_COLUMNS + PAYMENT_COLUMNS
TIME = "%Y-%m-%d %H:%M:%S"


def export_rows(donations: QuerySet[Donation]) -> Iterator[str]:
    """CSV lines, header first, a chunk of donations at a time (for streaming)."""
    yield _line(COLUMNS)
    chosen = donations.select_related("campaign").prefetch_related("payments")
    for donation in chosen.order_by("created_at", "pk").iterator(chunk_size=500):
        fields = _donation_fields(donation)
        payments = list(donation.payments.all())
        if not payments:
            yield _line(fields + [""] * len(PAYMENT_COLUMNS))
        for number, payment in enumerate(payments, start=1):
            yield _line(fields + _payment_fields(payment, number, donation.payment_count))


def _donation_fields(donation: Donation) -> list[str]:
    source = sources.label(
        donation.utm_source, donation.utm_medium, donation.utm_campaign, donation.refcode
    )
    return [
        str(donation.public_id), donation.created_at.strftime(TIME), donation.status_display,
        donation.campaign.name, donation.first_name, donation.last_name, donation.email,
        donation.note, typed(donation.amount_cents, donation.currency),
        typed(donation.fee_cover_cents, donation.currency), donation.currency.upper(),
        capfirst(donation.get_frequency_display()), str(donation.payment_count),
        capfirst(donation.get_method_display()), source, donation.utm_source, donation.utm_medium,
        donation.utm_campaign, donation.refcode,
    ]  # fmt: skip


def _payment_fields(payment: Payment, number: int, chosen: int) -> list[str]:
    settlement = payment.settlement_currency
    return [
        f"{number} of {chosen}", payment.receipt_number, str(payment.get_status_display()),
        payment.paid_at.strftime(TIME) if payment.paid_at else "",
        typed(payment.amount_cents, payment.currency),
        typed(payment.amount_refunded_cents, payment.currency),
        str(payment.get_refund_reason_display()) if payment.refund_reason else "",
        typed(payment.amount_disputed_cents, payment.currency),
        typed(payment.net_cents, payment.currency),
        "" if payment.fee_cents is None else typed(payment.fee_cents, settlement),
        "" if payment.settled_cents is None else typed(payment.settled_cents, settlement),
        settlement.upper(), payment.reference,
        payment.stripe_payment_intent_id or payment.stripe_invoice_id,
    ]  # fmt: skip


def as_text(value: str) -> str:
    """A cell a spreadsheet reads as text, never as a formula (= + - @ first)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _line(values: Iterable[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(as_text(v) for v in values)
    return buffer.getvalue()
