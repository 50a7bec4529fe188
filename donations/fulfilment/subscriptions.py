"""What invoice, subscription and refund events do to a donation and its payments."""

from __future__ import annotations

import logging
from typing import Any

from donations.fulfilment.fields import field, locked_donation, metadata, stripe_id, timestamp
from donations.models import Donation, Frequency, Payment
from donations.stripe_gateway import get_gateway

logger = logging.getLogger(__name__)
Status = Donation.Status
FINAL = {Status.COMPLETED, Status.CANCELED, Status.REFUNDED}


def _donation_for_invoice(invoice: Any) -> Donation | None:
    parent = field(invoice, "parent")
    details = field(parent, "subscription_details") if parent else None
    if details is None:
        return None
    subscription_id = stripe_id(field(details, "subscription"))
    donation = locked_donation(stripe_subscription_id=subscription_id) if subscription_id else None
    if donation is None:
        reference = metadata(details, "donation_id")
        if reference.isdigit():
            donation = locked_donation(pk=int(reference))
            if donation is not None and not donation.stripe_subscription_id:
                donation.stripe_subscription_id = subscription_id
    if donation is None:
        logger.debug("Invoice %s is not for one of our subscriptions", invoice.id)
    return donation


def _invoice_payment_intent(invoice: Any) -> str:
    payments = field(invoice, "payments")
    for item in field(payments, "data", []) if payments else []:
        payment = field(item, "payment")
        if payment is not None and field(payment, "type") == "payment_intent":
            return stripe_id(field(payment, "payment_intent"))
    return ""


def invoice_paid(invoice: Any) -> None:
    donation = _donation_for_invoice(invoice)
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
    intent_id = _invoice_payment_intent(invoice)
    if intent_id:
        values["stripe_payment_intent_id"] = intent_id
    Payment.objects.update_or_create(stripe_invoice_id=invoice.id, defaults=values)
    if donation.status in (Status.PENDING, Status.PAST_DUE, Status.FAILED, Status.EXPIRED):
        donation.status = Status.ACTIVE
    _enforce_payment_count(donation)
    donation.save()


def _enforce_payment_count(donation: Donation) -> None:
    """Safety net for the schedule: never take more than the payments chosen."""
    paid = donation.paid_payment_count()
    if paid < donation.payment_count or not donation.stripe_subscription_id:
        return
    if donation.status == Status.CANCELED:
        donation.status = Status.COMPLETED  # the last payment arrived after the end
        return
    if paid > donation.payment_count or not donation.stripe_schedule_id:
        logger.warning("Donation %s reached %s payments: cancelling", donation.pk, paid)
        subscription = get_gateway().retrieve_subscription(donation.stripe_subscription_id)
        if subscription.status != "canceled":
            get_gateway().cancel_subscription(donation.stripe_subscription_id)
        donation.status = Status.COMPLETED


def invoice_payment_failed(invoice: Any) -> None:
    donation = _donation_for_invoice(invoice)
    if donation is None:
        return
    error = "The renewal payment failed; Stripe will retry it."
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
    donation.error = error
    donation.save()


def subscription_updated(subscription: Any) -> None:
    donation = locked_donation(stripe_subscription_id=subscription.id)
    if donation is None or donation.status in FINAL:
        return
    if subscription.status in ("past_due", "unpaid"):
        donation.status = Status.PAST_DUE
    elif subscription.status == "active" and donation.status in (Status.PENDING, Status.PAST_DUE):
        donation.status = Status.ACTIVE
    donation.save()


def subscription_deleted(subscription: Any) -> None:
    donation = locked_donation(stripe_subscription_id=subscription.id)
    if donation is None or donation.status == Status.REFUNDED:
        return
    finished = donation.paid_payment_count() >= donation.payment_count
    donation.status = Status.COMPLETED if finished else Status.CANCELED
    donation.save()


def charge_refunded(charge: Any) -> None:
    intent_id = stripe_id(field(charge, "payment_intent"))
    payment = (
        Payment.objects.select_for_update().filter(stripe_payment_intent_id=intent_id).first()
        if intent_id
        else None
    )
    if payment is None:
        logger.debug("Refunded charge %s matches no payment of ours", charge.id)
        return
    payment.amount_refunded_cents = charge.amount_refunded
    if charge.amount_refunded >= payment.amount_cents:
        payment.status = Payment.Status.REFUNDED
    payment.save()
    donation = payment.donation
    if donation.frequency == Frequency.ONE_TIME and payment.status == Payment.Status.REFUNDED:
        donation.status = Status.REFUNDED
        donation.save()
