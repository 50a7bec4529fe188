"""Gifts by cheque, bank transfer or cash, recorded by staff: a paid one-time donation
with one payment, counted wherever Stripe's payments are (totals, goals, donors,
statements, the dashboard), marked as offline, with a receipt if staff ask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.db import IntegrityError, transaction

from donations import lifecycle
from donations.jobs import follow_up
from donations.lifecycle import Event
from donations.models import Campaign, Donation, Donor, Frequency, Method, Payment, donor_for


@dataclass(frozen=True)
class OfflineGift:
    campaign: Campaign
    amount_cents: int
    received_on: date
    method: Method
    reference: str
    first_name: str
    last_name: str
    email: str
    note: str
    send_receipt: bool


def record(gift: OfflineGift) -> Donation:
    try:
        return _record(gift)
    except IntegrityError:  # a first gift from the same new address at once: its donor exists now
        return _record(gift)


def _record(gift: OfflineGift) -> Donation:
    received = datetime.combine(gift.received_on, time(12), tzinfo=UTC)  # its day, in UTC
    with transaction.atomic():
        donor = donor_for(gift.email, gift.first_name, gift.last_name) or Donor.objects.create(
            first_name=gift.first_name, last_name=gift.last_name
        )
        donation = Donation.objects.create(
            campaign=gift.campaign, donor=donor, first_name=gift.first_name,
            last_name=gift.last_name, email=gift.email, note=gift.note,
            amount_cents=gift.amount_cents, currency=gift.campaign.currency,
            frequency=Frequency.ONE_TIME, payment_count=1, method=gift.method,
        )  # fmt: skip
        Payment.objects.create(
            donation=donation, amount_cents=gift.amount_cents, currency=donation.currency,
            status=Payment.Status.PAID, paid_at=received, reference=gift.reference, fee_cents=0,
        )  # fmt: skip
        lifecycle.apply(donation, Event.RECEIVED_OFFLINE)
        if gift.send_receipt:
            follow_up(donation)  # the receipt, sent by the worker
    return donation
