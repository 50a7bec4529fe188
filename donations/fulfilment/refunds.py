"""What a refunded charge does to its payment and, for a one-time donation, the donation."""

from __future__ import annotations

import logging
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q

from donations import lifecycle
from donations.lifecycle import Event
from donations.models import Donation, Payment
from donations.stripe_objects import field, stripe_id

logger = logging.getLogger(__name__)


def charge_refunded(charge: Any) -> Donation | None:
    """`amount_refunded` is the charge's total refunded so far (full or partial): the
    payment, first or renewal, is found by its payment intent or its charge."""
    intent_id = stripe_id(field(charge, "payment_intent"))
    match = [Q(stripe_charge_id=charge.id)] if charge.id else []
    match += [Q(stripe_payment_intent_id=intent_id)] if intent_id else []
    if not match:  # no id to go by: it can be no payment of ours
        return None
    payment = Payment.objects.select_for_update().filter(reduce(or_, match)).first()
    if payment is None:
        logger.debug("Refunded charge %s matches no payment of ours", charge.id)
        return None
    payment.amount_refunded_cents = min(charge.amount_refunded, payment.amount_cents)
    payment.stripe_charge_id = charge.id
    if charge.amount_refunded >= payment.amount_cents:
        payment.status = Payment.Status.REFUNDED
    payment.save()
    donation = payment.donation
    if not donation.is_recurring and payment.status == Payment.Status.REFUNDED:
        lifecycle.apply(donation, Event.REFUNDED_IN_FULL)
    return donation
