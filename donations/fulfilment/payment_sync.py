"""A payment as Stripe has it now: refunds, disputes, Stripe's fee and what reached the
balance, fetched rather than read from an event's snapshot.

Refund and dispute events arrive in any order, twice, days late, or before the
payment they are about is recorded; each only marks the payment to be asked about
again (`stripe_sync_due_at`), and so does recording a payment. Once the event's
effects are committed, `sync_payments` asks Stripe for each payment so marked (its
payment intent, with the charge's balance transaction and refunds, and the charge's
disputes) and records what Stripe says: the state after any set of events is
Stripe's, whatever their order or number.

What a new or changed dispute calls for happens here too: the donation flagged, staff
told (Receipt notices to DISPUTE_NOTIFY_EMAILS), and a recurring donation whose card
is disputed as fraudulent stopped quietly (its holder may not be the donor).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from donations import lifecycle
from donations.fulfilment.stripe_figures import Figures, figures_of
from donations.lifecycle import Event
from donations.models import Dispute, Donation, Payment, Receipt, shown
from donations.stripe_gateway import PaymentsNotConfigured, StripeError, get_gateway
from donations.stripe_objects import field

logger = logging.getLogger(__name__)


def mark_for_sync(payment: Payment) -> None:
    """Inside the event's transaction: ask Stripe about `payment` once it commits."""
    payment.stripe_sync_due_at = timezone.now()
    payment.save(update_fields=["stripe_sync_due_at"])


def sync_payments(donation: Donation | None = None, *, strict: bool = False) -> int:
    """Ask Stripe about each payment (of `donation`, or all) marked for it: a Stripe call
    each, never inside a transaction. A payment Stripe does not answer for stays marked,
    for a retry, the next event about it or the hourly job; how many were asked.
    `strict`: raise Stripe's error instead (the task is tried again)."""
    marked = Payment.objects.exclude(stripe_sync_due_at=None).order_by("stripe_sync_due_at")
    if donation is not None:
        marked = marked.filter(donation=donation)
    asked, failed = 0, []
    for payment in marked:
        try:
            sync_payment(payment)
            asked += 1
        except (StripeError, PaymentsNotConfigured) as error:
            logger.warning("Payment %s: Stripe not asked yet (%s)", payment.pk, error)
            failed.append(error)
    if strict and failed:
        raise failed[0]
    return asked


def sync_payment(payment: Payment) -> None:
    if payment.status == Payment.Status.FAILED and payment.stripe_invoice_id:
        _record_decline(payment, get_gateway().invoice_decline(payment.stripe_invoice_id))
        return
    if not payment.stripe_payment_intent_id:
        Payment.objects.filter(pk=payment.pk).update(stripe_sync_due_at=None)
        return
    gateway = get_gateway()
    intent = gateway.retrieve_payment(payment.stripe_payment_intent_id)
    charge = field(intent, "latest_charge")
    charge = None if isinstance(charge, str) else charge  # an id: not expanded
    disputes = gateway.disputes_of(charge["id"]) if charge and field(charge, "disputed") else []
    found = figures_of(charge, disputes)
    cancel_subscription = _record(payment, found)
    if cancel_subscription:
        _stop_quietly(cancel_subscription)


def _record_decline(payment: Payment, decline_code: str) -> None:
    """Why a renewal failed, for the e-mail that tells the donor (receipts); marked
    done unless an event marked the payment again meanwhile."""
    Payment.objects.filter(pk=payment.pk, stripe_sync_due_at=payment.stripe_sync_due_at).update(
        decline_code=decline_code[:60], stripe_sync_due_at=None
    )


def _record(payment: Payment, found: Figures) -> str:
    """Record `found` on the payment, and what its disputes call for; the subscription
    to cancel, if any."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().select_related("donation").get(pk=payment.pk)
        values: dict[str, Any] = {
            "amount_refunded_cents": min(found.refunded, locked.amount_cents),
            "amount_disputed_cents": min(found.disputed, locked.amount_cents),
            "fee_cents": found.fee,
            "settled_cents": found.settled,
            "settlement_currency": found.settlement_currency,
        }
        if found.charge_id:
            values["stripe_charge_id"] = found.charge_id
        if locked.status in Payment.COUNTED:
            fully = found.refunded >= locked.amount_cents
            values["status"] = Payment.Status.REFUNDED if fully else Payment.Status.PAID
        if locked.stripe_sync_due_at == payment.stripe_sync_due_at:  # no event since
            values["stripe_sync_due_at"] = None
        changed = [name for name, value in values.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, values[name])
        if changed:
            locked.save(update_fields=changed)
        donation = Donation.objects.locked().get(pk=locked.donation_id)
        refunded = not donation.is_recurring and locked.status == Payment.Status.REFUNDED
        if refunded and lifecycle.can_apply(donation, Event.REFUNDED_IN_FULL):
            lifecycle.apply(donation, Event.REFUNDED_IN_FULL)
        return _record_disputes(locked, donation, found.disputes)


def _record_disputes(payment: Payment, donation: Donation, disputes: list[dict[str, Any]]) -> str:
    to_cancel = ""
    for values in disputes:
        dispute, created = Dispute.objects.get_or_create(
            stripe_dispute_id=values["stripe_dispute_id"], defaults={**values, "payment": payment}
        )
        was_closed = dispute.status in Dispute.CLOSED
        if not created:
            for name, value in values.items():
                setattr(dispute, name, value)
            dispute.save()
        if created:
            _opened(payment, donation, dispute)
            if dispute.reason == "fraudulent" and _running(donation):
                to_cancel = donation.stripe_subscription_id
        if dispute.status in Dispute.CLOSED and not was_closed:
            _closed(payment, donation, dispute)
    return to_cancel


def _running(donation: Donation) -> bool:
    return (
        donation.is_recurring
        and donation.status in Donation.RUNNING
        and bool(donation.stripe_subscription_id)
    )


def _opened(payment: Payment, donation: Donation, dispute: Dispute) -> None:
    amount = shown(dispute.amount_cents, dispute.currency)
    if dispute.reason == "fraudulent" and _running(donation):
        note = (
            f"Payment of {payment.amount_display} disputed as fraudulent ({amount}): the "
            "remaining payments were cancelled, and the donor was not told (the card holder "
            "may not be the donor)."
        )
        donation.update(quiet_cancellation=True)
    elif _running(donation):
        note = (
            f"Payment of {payment.amount_display} disputed ({dispute.reason}, {amount}). Decide "
            "whether to stop the remaining payments: Cancel the remaining payments now."
        )
    else:
        note = f"Payment of {payment.amount_display} disputed ({dispute.reason}, {amount})."
    donation.flag(note)
    _tell_staff(payment, Receipt.Kind.DISPUTE_OPENED)


def _closed(payment: Payment, donation: Donation, dispute: Dispute) -> None:
    outcome = dispute.get_status_display()
    donation.flag(f"The dispute of the payment of {payment.amount_display} is closed: {outcome}.")
    _tell_staff(payment, Receipt.Kind.DISPUTE_CLOSED)


def _tell_staff(payment: Payment, kind: str) -> None:
    if settings.DISPUTE_NOTIFY_EMAILS:
        Receipt.objects.get_or_create(donation_id=payment.donation_id, payment=payment, kind=kind)


def _stop_quietly(subscription_id: str) -> None:
    """Cancel the subscription at Stripe (its deletion event ends the donation)."""
    gateway = get_gateway()
    if gateway.retrieve_subscription(subscription_id).status != "canceled":
        logger.warning("Subscription %s: card disputed as fraudulent, cancelling", subscription_id)
        gateway.cancel_subscription(subscription_id)
