"""What each Stripe event does to our donations: one handler per event type.

A handler finds the donation the event is about and applies the event to it
through donations.lifecycle. Handlers run inside the event's transaction (see
donations.webhooks), must be safe to run again, and must cope with events
arriving out of order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from donations.fulfilment import checkout, refunds, subscriptions

HANDLERS: dict[str, Callable[[Any], None]] = {
    "checkout.session.completed": checkout.checkout_completed,
    "checkout.session.async_payment_succeeded": checkout.checkout_completed,
    "checkout.session.async_payment_failed": checkout.checkout_async_failed,
    "checkout.session.expired": checkout.checkout_expired,
    "invoice.paid": subscriptions.invoice_paid,
    "invoice.payment_failed": subscriptions.invoice_payment_failed,
    "customer.subscription.updated": subscriptions.subscription_updated,
    "customer.subscription.deleted": subscriptions.subscription_deleted,
    "charge.refunded": refunds.charge_refunded,
}
