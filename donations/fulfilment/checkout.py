"""What Checkout Session events do to a donation."""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone

from donations.fulfilment.fields import field, locked_donation, metadata, stripe_id
from donations.models import Donation, Payment
from donations.stripe_gateway import get_gateway

logger = logging.getLogger(__name__)
Status = Donation.Status


def _donation_for_session(session: Any) -> Donation | None:
    reference = str(field(session, "client_reference_id") or metadata(session, "donation_id"))
    if not reference.isdigit():
        logger.debug("Checkout session %s is not one of ours", session.id)
        return None
    return locked_donation(pk=int(reference))


def checkout_completed(session: Any) -> None:
    donation = _donation_for_session(session)
    if donation is None:
        return
    donation.stripe_checkout_session_id = session.id
    donation.stripe_customer_id = (
        stripe_id(field(session, "customer")) or donation.stripe_customer_id
    )
    if session.payment_status in ("paid", "no_payment_required"):
        _mark_paid(donation, session)
    donation.save()


def _mark_paid(donation: Donation, session: Any) -> None:
    if donation.is_recurring:
        donation.stripe_subscription_id = stripe_id(field(session, "subscription"))
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
    intent_id = stripe_id(field(session, "payment_intent"))
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
