"""What invoice and subscription events do to a recurring donation and its payments."""

from __future__ import annotations

from typing import Any

from donations import lifecycle
from donations.fulfilment.discrepancies import flag_if_different
from donations.lifecycle import Event
from donations.models import Donation, Payment
from donations.stripe_objects import (
    field,
    invoice_payment,
    invoice_subscription,
    metadata,
    timestamp,
)


def _donation_for_invoice(invoice: Any) -> tuple[Donation | None, str]:
    subscription_id, reference = invoice_subscription(invoice)
    if not (subscription_id or reference):
        return None, ""  # not a subscription's invoice
    return Donation.objects.locked().by_subscription(subscription_id, reference), subscription_id


def _donation_for_subscription(subscription: Any) -> Donation | None:
    reference = metadata(subscription, "donation_id")
    return Donation.objects.locked().by_subscription(subscription.id, reference)


def _record_payment(invoice_id: str, values: dict[str, Any]) -> None:
    """The invoice's payment as Stripe reports it, saving only what changed (an event
    delivered again writes nothing, and leaves cached pages alone); a refund recorded
    meanwhile (charge.refunded) is never undone."""
    payment, created = Payment.objects.select_for_update().get_or_create(
        stripe_invoice_id=invoice_id, defaults=values
    )
    if created:
        return
    if payment.status == Payment.Status.REFUNDED:
        values = {k: v for k, v in values.items() if k not in ("status", "error")}
    changed = [name for name, value in values.items() if getattr(payment, name) != value]
    for name in changed:
        setattr(payment, name, values[name])
    if changed:
        payment.save(update_fields=changed)


def invoice_paid(invoice: Any) -> Donation | None:
    """Record the invoice's payment (with the payment intent and charge that paid it, so
    that a refund finds it) as Stripe reports it; the schedule and the safety net that
    end the subscription after N payments follow once this is committed (settle.py).
    `invoice` has its payments: the payload's JSON with them, or the Invoice fetched
    (both read as mappings)."""
    donation, subscription_id = _donation_for_invoice(invoice)
    if donation is None:
        return None
    lifecycle.apply(
        donation,
        Event.RENEWAL_PAID,
        stripe_subscription_id=donation.stripe_subscription_id or subscription_id,
    )
    intent_id, charge_id = invoice_payment(invoice)
    values = {
        "donation_id": donation.pk,
        "amount_cents": invoice["amount_paid"],
        "currency": invoice["currency"],
        "status": Payment.Status.PAID,
        "error": "",
        "paid_at": timestamp(field(field(invoice, "status_transitions"), "paid_at")),
    }
    values.update({k: v for k, v in (("stripe_payment_intent_id", intent_id),
                                     ("stripe_charge_id", charge_id)) if v})  # fmt: skip
    _record_payment(invoice["id"], values)
    flag_if_different(
        donation, invoice["amount_paid"], invoice["currency"], what=f"Invoice {invoice['id']}"
    )
    if (
        donation.status == Donation.Status.CANCELED
        and donation.paid_payment_count() >= donation.payment_count
    ):
        # The last payment arrived after Stripe reported the subscription ended.
        lifecycle.apply(donation, Event.ALL_PAYMENTS_MADE)
    return donation


def invoice_payment_failed(invoice: Any) -> Donation | None:
    donation, _ = _donation_for_invoice(invoice)
    if donation is None:
        return None
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
    return donation


# Subscription statuses that say something about the donation; others (incomplete,
# trialing, paused …) change nothing here.
SUBSCRIPTION_EVENTS = {
    "past_due": Event.SUBSCRIPTION_PAST_DUE,
    "unpaid": Event.SUBSCRIPTION_PAST_DUE,
    "active": Event.SUBSCRIPTION_RESUMED,
}


def subscription_updated(subscription: Any) -> Donation | None:
    donation = _donation_for_subscription(subscription)
    event = SUBSCRIPTION_EVENTS.get(subscription.status)
    if donation is not None and event is not None:
        lifecycle.apply(donation, event)
    return donation


def subscription_deleted(subscription: Any) -> Donation | None:
    donation = _donation_for_subscription(subscription)
    if donation is None:
        return None
    finished = donation.paid_payment_count() >= donation.payment_count
    lifecycle.apply(donation, Event.ALL_PAYMENTS_MADE if finished else Event.SUBSCRIPTION_CANCELED)
    return donation
