"""What invoice and subscription events do to a recurring donation and its payments."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

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
    return Donation.objects.locked().by_subscription(field(subscription, "id"), reference)


def _record_payment(invoice_id: str, values: dict[str, Any]) -> None:
    """The invoice's payment as Stripe reports it, saving only what changed (an event
    delivered again writes nothing, and leaves cached pages alone); a refund recorded
    meanwhile is never undone. A new or changed payment is asked of Stripe once this
    commits (its refunds, disputes and fee: payment_sync)."""
    due = {"stripe_sync_due_at": timezone.now()}
    payment, created = Payment.objects.select_for_update().get_or_create(
        stripe_invoice_id=invoice_id, defaults={**values, **due}
    )
    if created:
        return
    if payment.status == Payment.Status.REFUNDED:
        values = {k: v for k, v in values.items() if k not in ("status", "error")}
    changed = [name for name, value in values.items() if getattr(payment, name) != value]
    if changed:
        values, changed = {**values, **due}, [*changed, *due]
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
        "next_attempt_at": None,
        "paid_at": timestamp(field(field(invoice, "status_transitions"), "paid_at")),
    }
    values.update({k: v for k, v in (("stripe_payment_intent_id", intent_id),
                                     ("stripe_charge_id", charge_id)) if v})  # fmt: skip
    _record_payment(invoice["id"], values)
    if donation.error == RENEWAL_FAILED and not donation.payments.filter(
        status=Payment.Status.FAILED
    ):
        donation.update(error="")  # the failed renewal was paid after all
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


RENEWAL_FAILED = "The renewal payment failed; Stripe will retry it."


def invoice_payment_failed(invoice: Any) -> Donation | None:
    """A renewal's attempt failed. The latest attempt Stripe reports (the highest
    `attempt_count`, whatever order the events come in) says when Stripe tries again
    (`next_payment_attempt`; none after its last); why it failed is asked of Stripe once
    this commits (payment_sync), for the e-mail that tells the donor (receipts)."""
    donation, _ = _donation_for_invoice(invoice)
    if donation is None:
        return None
    payment, _ = Payment.objects.select_for_update().get_or_create(
        stripe_invoice_id=invoice.id,
        defaults={
            "donation": donation,
            "amount_cents": invoice.amount_due,
            "currency": invoice.currency,
            "status": Payment.Status.FAILED,
            "error": RENEWAL_FAILED,
        },
    )
    # It failed, whenever its retry's success is reported: a renewal recovered.
    failed_at = timestamp(field(invoice, "created"))
    Payment.objects.filter(pk=payment.pk, failed_at=None).update(failed_at=failed_at)
    attempts = int(field(invoice, "attempt_count") or 1)
    if attempts > payment.attempt_count:  # a later attempt than any reported yet
        payment.attempt_count = attempts
        next_attempt = field(invoice, "next_payment_attempt")
        payment.next_attempt_at = timestamp(next_attempt) if next_attempt else None
        payment.stripe_sync_due_at = timezone.now()  # why it failed: asked of Stripe
        payment.save(update_fields=["attempt_count", "next_attempt_at", "stripe_sync_due_at"])
    # Paid since (its retry succeeded, and that event came first): nothing to say.
    error = RENEWAL_FAILED if payment.status == Payment.Status.FAILED else donation.error
    lifecycle.apply(donation, Event.RENEWAL_FAILED, error=error)
    return donation


def invoice_voided(invoice: Any) -> Donation | None:
    """An invoice voided while Stripe paused the subscription's payments: a period that
    takes no payment, so the schedule must end later to still take N (settle.py)."""
    donation, _ = _donation_for_invoice(invoice)
    if donation is None or not donation.stripe_schedule_id:
        return None
    if donation.status in Donation.RUNNING and not donation.schedule_outdated:
        donation.update(schedule_outdated=True)
    return donation


# Subscription statuses that say something about the donation; others (incomplete,
# trialing, paused …) change nothing here.
SUBSCRIPTION_EVENTS = {
    "past_due": Event.SUBSCRIPTION_PAST_DUE,
    "unpaid": Event.SUBSCRIPTION_PAST_DUE,
    "active": Event.SUBSCRIPTION_RESUMED,
}


def subscription_changed(subscription: Any) -> Donation | None:
    """customer.subscription.updated and .deleted, with the subscription as Stripe has it
    now (fetched again: an older event delivered late must not undo a newer one): its
    status, and whether its payments are paused (a pause voids invoices, so the
    schedule must end later to still take N)."""
    donation = _donation_for_subscription(subscription)
    if donation is None:
        return None
    paused = bool(field(subscription, "pause_collection"))
    pause_changed = paused != donation.collection_paused
    if pause_changed:
        donation.update(
            collection_paused=paused,
            schedule_outdated=donation.schedule_outdated or bool(donation.stripe_schedule_id),
        )
    if field(subscription, "status") == "canceled":
        paid = max(donation.paid_payment_count(), field(subscription, "paid_invoice_count", 0))
        finished = paid >= donation.payment_count
        event = Event.ALL_PAYMENTS_MADE if finished else Event.SUBSCRIPTION_CANCELED
    else:
        event = SUBSCRIPTION_EVENTS.get(field(subscription, "status"))
    if event is not None and not (pause_changed and not lifecycle.can_apply(donation, event)):
        lifecycle.apply_or_record(donation, event)
    return donation
