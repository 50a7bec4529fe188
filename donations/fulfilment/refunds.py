"""Refund and dispute events: triggers to ask Stripe about their payment again.

A charge.refunded or charge.dispute.* payload is a snapshot that an older or a
repeated delivery would otherwise replay over a newer one; the payment it is about is
only marked, and asked about once the event commits (payment_sync). An event about a
payment not recorded yet changes nothing: recording the payment asks Stripe too, and
finds the refund or the dispute then.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q

from donations.fulfilment.payment_sync import mark_for_sync
from donations.models import Donation, Payment
from donations.stripe_objects import field, stripe_id


def _payment(charge_id: str, intent_id: str) -> Payment | None:
    match = [Q(stripe_charge_id=charge_id)] if charge_id else []
    match += [Q(stripe_payment_intent_id=intent_id)] if intent_id else []
    if not match:  # no id to go by: it can be no payment of ours
        return None
    return Payment.objects.select_for_update().filter(reduce(or_, match)).first()


def _touch(payment: Payment | None) -> Donation | None:
    if payment is None:
        return None
    mark_for_sync(payment)
    return payment.donation


def charge_refunded(charge: Any) -> Donation | None:
    """charge.refunded and charge.refund.updated: the payment, first or renewal, found by
    its charge or its payment intent."""
    refund_charge = (
        stripe_id(field(charge, "charge")) if field(charge, "object") == "refund" else ""
    )
    charge_id = refund_charge or (charge.id if field(charge, "object") == "charge" else "")
    return _touch(_payment(charge_id, stripe_id(field(charge, "payment_intent"))))


def dispute_changed(dispute: Any) -> Donation | None:
    """charge.dispute.created, .updated, .funds_withdrawn, .funds_reinstated, .closed."""
    charge_id = stripe_id(field(dispute, "charge"))
    return _touch(_payment(charge_id, stripe_id(field(dispute, "payment_intent"))))
