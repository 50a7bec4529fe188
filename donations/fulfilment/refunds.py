"""What a refunded charge does to its payment and, for a one-time donation, the donation."""

from __future__ import annotations

import logging
from typing import Any

from donations import lifecycle
from donations.lifecycle import Event
from donations.models import Payment
from donations.stripe_objects import field, stripe_id

logger = logging.getLogger(__name__)


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
    if not donation.is_recurring and payment.status == Payment.Status.REFUNDED:
        lifecycle.apply(donation, Event.REFUNDED_IN_FULL)
