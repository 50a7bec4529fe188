"""What each Stripe event does to our donations: one handler per event type.

Handlers run inside the event's transaction (see donations.webhooks), must be
safe to run again, and must cope with events arriving out of order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from donations.models import Donation, Frequency, Payment
from donations.stripe_gateway import get_gateway

logger = logging.getLogger(__name__)
Status = Donation.Status
FINAL = {Status.COMPLETED, Status.CANCELED, Status.REFUNDED}


def _field(obj: Any, name: str, default: Any = None) -> Any:
    """A field of a StripeObject that may be absent from the payload."""
    return getattr(obj, name, default)


def _metadata(obj: Any, key: str) -> str:
    return str(_field(_field(obj, "metadata"), key, "") or "")


def _id(value: Any) -> str:
    """The id of an expandable field: either the id itself or the expanded object."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value.id)


def _timestamp(value: int | None) -> datetime:
    return datetime.fromtimestamp(value, tz=UTC) if value else timezone.now()


def _locked(**lookup: Any) -> Donation | None:
    return Donation.objects.select_for_update().filter(**lookup).first()


def _donation_for_session(session: Any) -> Donation | None:
    reference = str(_field(session, "client_reference_id") or _metadata(session, "donation_id"))
    if not reference.isdigit():
        logger.debug("Checkout session %s is not one of ours", session.id)
        return None
    return _locked(pk=int(reference))


def checkout_completed(session: Any) -> None:
    donation = _donation_for_session(session)
    if donation is None:
        return
    donation.stripe_checkout_session_id = session.id
    donation.stripe_customer_id = _id(_field(session, "customer")) or donation.stripe_customer_id
    if session.payment_status in ("paid", "no_payment_required"):
        _mark_paid(donation, session)
    donation.save()


def _mark_paid(donation: Donation, session: Any) -> None:
    if donation.is_recurring:
        donation.stripe_subscription_id = _id(_field(session, "subscription"))
        if donation.status in (Status.PENDING, Status.FAILED, Status.EXPIRED):
            donation.status = Status.ACTIVE
        if donation.stripe_subscription_id and not donation.stripe_schedule_id:
            schedule = get_gateway().end_subscription_after(
                donation.stripe_subscription_id,
                interval=donation.frequency,  # type: ignore[arg-type]
                count=donation.payment_count,
            )
            donation.stripe_schedule_id = schedule.id
        return
    intent_id = _id(_field(session, "payment_intent"))
    donation.stripe_payment_intent_id = intent_id
    if donation.status not in (Status.REFUNDED,):
        donation.status = Status.PAID
    if intent_id:
        Payment.objects.get_or_create(
            stripe_payment_intent_id=intent_id,
            defaults={
                "donation": donation,
                "amount_cents": session.amount_total or donation.amount_cents,
                "currency": session.currency or donation.currency,
                "status": Payment.Status.PAID,
                "paid_at": timezone.now(),
            },
        )


def checkout_async_failed(session: Any) -> None:
    donation = _donation_for_session(session)
    if donation is not None and donation.status == Status.PENDING:
        donation.status = Status.FAILED
        donation.error = "The payment failed after checkout (asynchronous payment method)."
        donation.save()


def checkout_expired(session: Any) -> None:
    donation = _donation_for_session(session)
    if donation is not None and donation.status == Status.PENDING:
        donation.status = Status.EXPIRED
        donation.save()


def _donation_for_invoice(invoice: Any) -> Donation | None:
    parent = _field(invoice, "parent")
    details = _field(parent, "subscription_details") if parent else None
    if details is None:
        return None
    subscription_id = _id(_field(details, "subscription"))
    donation = _locked(stripe_subscription_id=subscription_id) if subscription_id else None
    if donation is None:
        reference = _metadata(details, "donation_id")
        if reference.isdigit():
            donation = _locked(pk=int(reference))
            if donation is not None and not donation.stripe_subscription_id:
                donation.stripe_subscription_id = subscription_id
    if donation is None:
        logger.debug("Invoice %s is not for one of our subscriptions", invoice.id)
    return donation


def _invoice_payment_intent(invoice: Any) -> str:
    payments = _field(invoice, "payments")
    for item in _field(payments, "data", []) if payments else []:
        payment = _field(item, "payment")
        if payment is not None and _field(payment, "type") == "payment_intent":
            return _id(_field(payment, "payment_intent"))
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
        "paid_at": _timestamp(_field(_field(invoice, "status_transitions"), "paid_at")),
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
    donation = _locked(stripe_subscription_id=subscription.id)
    if donation is None or donation.status in FINAL:
        return
    if subscription.status in ("past_due", "unpaid"):
        donation.status = Status.PAST_DUE
    elif subscription.status == "active" and donation.status in (Status.PENDING, Status.PAST_DUE):
        donation.status = Status.ACTIVE
    donation.save()


def subscription_deleted(subscription: Any) -> None:
    donation = _locked(stripe_subscription_id=subscription.id)
    if donation is None or donation.status == Status.REFUNDED:
        return
    finished = donation.paid_payment_count() >= donation.payment_count
    donation.status = Status.COMPLETED if finished else Status.CANCELED
    donation.save()


def charge_refunded(charge: Any) -> None:
    intent_id = _id(_field(charge, "payment_intent"))
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


HANDLERS: dict[str, Callable[[Any], None]] = {
    "checkout.session.completed": checkout_completed,
    "checkout.session.async_payment_succeeded": checkout_completed,
    "checkout.session.async_payment_failed": checkout_async_failed,
    "checkout.session.expired": checkout_expired,
    "invoice.paid": invoice_paid,
    "invoice.payment_failed": invoice_payment_failed,
    "customer.subscription.updated": subscription_updated,
    "customer.subscription.deleted": subscription_deleted,
    "charge.refunded": charge_refunded,
}
