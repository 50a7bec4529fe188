"""What invoice and subscription events do to a recurring donation and its payments."""

from __future__ import annotations

import logging
from typing import Any

from donations import lifecycle
from donations.lifecycle import Event
from donations.models import Donation, Payment
from donations.stripe_gateway import get_gateway
from donations.stripe_objects import (
    field,
    invoice_payment_intent,
    invoice_subscription,
    metadata,
    timestamp,
)

logger = logging.getLogger(__name__)


def _donation_for_invoice(invoice: Any) -> tuple[Donation | None, str]:
    subscription_id, reference = invoice_subscription(invoice)
    if not (subscription_id or reference):
        return None, ""  # not a subscription's invoice
    return Donation.objects.locked().by_subscription(subscription_id, reference), subscription_id


def _donation_for_subscription(subscription: Any) -> Donation | None:
    reference = metadata(subscription, "donation_id")
    return Donation.objects.locked().by_subscription(subscription.id, reference)


def invoice_paid(invoice: Any) -> None:
    donation, subscription_id = _donation_for_invoice(invoice)
    if donation is None:
        return
    values = {
        "donation": donation,
        "amount_cents": invoice.amount_paid,
        "currency": invoice.currency,
        "status": Payment.Status.PAID,
        "error": "",
        "paid_at": timestamp(field(field(invoice, "status_transitions"), "paid_at")),
    }
    intent_id = invoice_payment_intent(invoice)
    if intent_id:
        values["stripe_payment_intent_id"] = intent_id
    lifecycle.apply(
        donation,
        Event.RENEWAL_PAID,
        stripe_subscription_id=donation.stripe_subscription_id or subscription_id,
    )
    Payment.objects.update_or_create(stripe_invoice_id=invoice.id, defaults=values)
    _end_at_payment_count(donation)


def _end_at_payment_count(donation: Donation) -> None:
    """Safety net for the schedule: never take more than the payments chosen."""
    paid = donation.paid_payment_count()
    if paid < donation.payment_count or not donation.stripe_subscription_id:
        return
    if donation.status == Donation.Status.CANCELED:
        # Stripe ended the subscription already; its last payment arrived after that.
        lifecycle.apply(donation, Event.ALL_PAYMENTS_MADE)
        return
    if paid > donation.payment_count or not donation.stripe_schedule_id:
        logger.warning("Donation %s reached %s payments: cancelling", donation.pk, paid)
        subscription = get_gateway().retrieve_subscription(donation.stripe_subscription_id)
        if subscription.status != "canceled":
            get_gateway().cancel_subscription(donation.stripe_subscription_id)
        lifecycle.apply(donation, Event.ALL_PAYMENTS_MADE)


def invoice_payment_failed(invoice: Any) -> None:
    donation, _ = _donation_for_invoice(invoice)
    if donation is None:
        return
    error = "The renewal payment failed; Stripe will retry it."
    lifecycle.apply(donation, Event.RENEWAL_FAILED, error=error)
    Payment.objects.get_or_create(
        stripe_invoice_id=invoice.id,
        defaults={
            "donation": donation,
            "amount_cents": invoice.amount_due,
            "currency": invoice.currency,
            "status": Payment.Status.FAILED,
            "error": error,
        },
    )


# Subscription statuses that say something about the donation; others (incomplete,
# trialing, paused …) change nothing here.
SUBSCRIPTION_EVENTS = {
    "past_due": Event.SUBSCRIPTION_PAST_DUE,
    "unpaid": Event.SUBSCRIPTION_PAST_DUE,
    "active": Event.SUBSCRIPTION_RESUMED,
}


def subscription_updated(subscription: Any) -> None:
    donation = _donation_for_subscription(subscription)
    event = SUBSCRIPTION_EVENTS.get(subscription.status)
    if donation is not None and event is not None:
        lifecycle.apply(donation, event)


def subscription_deleted(subscription: Any) -> None:
    donation = _donation_for_subscription(subscription)
    if donation is None:
        return
    finished = donation.paid_payment_count() >= donation.payment_count
    lifecycle.apply(donation, Event.ALL_PAYMENTS_MADE if finished else Event.SUBSCRIPTION_CANCELED)
