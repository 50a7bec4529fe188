"""What is left to ask Stripe once an event's effects are committed.

A recurring donation must end after the N payments the donor chose: a schedule
set on the subscription ends it (however late it is set: the gateway counts the
periods already billed), and a safety net cancels a subscription that has billed
N payments and has no schedule, or that billed more than N (flagged for staff).

This runs after the webhook's transaction has committed, so that no database
lock is held while Stripe answers. Each step is idempotent and recorded in a
short transaction of its own; a Stripe failure raises, the webhook answers 5xx
and Stripe's redelivery settles again.
"""

from __future__ import annotations

import logging

from django.db import transaction

from donations import lifecycle
from donations.lifecycle import Event
from donations.models import Donation, Frequency
from donations.stripe_gateway import get_gateway

logger = logging.getLogger(__name__)


def settle_subscription(donation: Donation) -> None:
    """Settle `donation` (as committed) with Stripe; it is brought up to date after."""
    if not donation.is_recurring or not donation.stripe_subscription_id:
        return
    paid, chosen = donation.paid_payment_count(), donation.payment_count
    if donation.schedule_outdated and donation.status in Donation.RUNNING and paid < chosen:
        # A pause voided invoices: the schedule ends later, to still take N payments.
        get_gateway().end_subscription_after(
            donation.stripe_subscription_id,
            interval=Frequency(donation.frequency).interval,
            count=chosen,
            paid=paid,
        )
        donation.update(schedule_outdated=False)
    elif paid > chosen:
        _cancel(
            donation,
            attention=f"Stripe took {paid} payments of the {chosen} chosen; the subscription "
            "was cancelled. Refund the payments beyond the chosen number.",
        )
    elif paid == chosen and not donation.stripe_schedule_id:
        _cancel(donation)
    elif not donation.stripe_schedule_id and donation.status in Donation.RUNNING:
        schedule = get_gateway().end_subscription_after(
            donation.stripe_subscription_id,
            interval=Frequency(donation.frequency).interval,
            count=chosen,
        )
        if schedule is not None:  # None: Stripe ended it already (its event follows)
            donation.update(stripe_schedule_id=schedule.id)


def _cancel(donation: Donation, *, attention: str = "") -> None:
    gateway = get_gateway()
    subscription_id = donation.stripe_subscription_id
    if gateway.retrieve_subscription(subscription_id).status != "canceled":
        logger.warning("Donation %s: cancelling subscription %s", donation.pk, subscription_id)
        gateway.cancel_subscription(subscription_id)
    with transaction.atomic():
        locked = Donation.objects.locked().get(pk=donation.pk)
        if attention:
            locked.flag(attention)
        if lifecycle.can_apply(locked, Event.ALL_PAYMENTS_MADE):
            lifecycle.apply(locked, Event.ALL_PAYMENTS_MADE)
    donation.refresh_from_db()
