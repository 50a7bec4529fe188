"""What Checkout Session events do to a donation."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from donations import lifecycle
from donations.fulfilment.discrepancies import flag_if_different
from donations.lifecycle import Event
from donations.models import Donation, Payment
from donations.stripe_objects import donation_reference, field, stripe_id

PAID_STATUSES = ("paid", "no_payment_required")


def _donation(session: Any) -> Donation | None:
    return Donation.objects.locked().by_reference(donation_reference(session))


def checkout_completed(session: Any) -> Donation | None:
    donation = _donation(session)
    if donation is None:
        return None  # a session some other integration on the account opened
    ids = {
        "stripe_checkout_session_id": session.id,
        "stripe_customer_id": stripe_id(field(session, "customer")) or donation.stripe_customer_id,
    }
    if session.payment_status not in PAID_STATUSES:
        # A delayed payment method (e.g. a bank debit): async_payment_succeeded or
        # async_payment_failed follows and says how it ended.
        donation.update(**ids)
    elif donation.is_recurring:
        # The subscription's events may have come first: its ids are recorded even so.
        subscription_id = stripe_id(field(session, "subscription"))
        lifecycle.apply_or_record(
            donation, Event.SUBSCRIPTION_STARTED, stripe_subscription_id=subscription_id, **ids
        )
    else:
        _paid_once(donation, session, ids)
    return donation


def _paid_once(donation: Donation, session: Any, ids: dict[str, str]) -> None:
    intent_id = stripe_id(field(session, "payment_intent"))
    lifecycle.apply(donation, Event.PAID_ONCE, stripe_payment_intent_id=intent_id, **ids)
    amount = field(session, "amount_total")
    currency = field(session, "currency")
    amount = donation.amount_cents if amount is None else amount
    currency = currency or donation.currency
    flag_if_different(donation, amount, currency, what=f"Checkout Session {session.id}")
    if intent_id:
        # Its refunds, disputes and fee are asked of Stripe once this commits.
        Payment.objects.get_or_create(
            stripe_payment_intent_id=intent_id,
            defaults={
                "donation": donation,
                "amount_cents": amount,
                "currency": currency,
                "status": Payment.Status.PAID,
                "paid_at": timezone.now(),
                "stripe_sync_due_at": timezone.now(),
            },
        )


def checkout_async_failed(session: Any) -> Donation | None:
    donation = _donation(session)
    if donation is not None:
        lifecycle.apply(
            donation,
            Event.CHECKOUT_FAILED,
            error="The payment failed after checkout (asynchronous payment method).",
        )
    return donation


def checkout_expired(session: Any) -> Donation | None:
    donation = _donation(session)
    if donation is not None:
        lifecycle.apply(donation, Event.CHECKOUT_EXPIRED)
    return donation
