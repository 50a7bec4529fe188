"""What each Stripe event does to our donations: one handler per event type.

A handler finds the donation the event is about and applies the event to it
through donations.lifecycle; it returns that donation, whose subscription is
then settled with Stripe (settle.py) once the effects are committed. Handlers
run inside the event's transaction (see donations.webhooks), make no network
call, must be safe to run again, and must cope with events arriving out of order.

`current_object()` gives a handler the event's object in the API version the SDK
pins: an event rendered in another version (the webhook endpoint's, or the
account's default with `stripe listen`) has its object fetched again; one in the
pinned version is used as its payload has it, with what payloads never carry
fetched beside (an invoice's payments).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from donations.fulfilment import checkout, refunds, subscriptions
from donations.models import Donation
from donations.stripe_gateway import PINNED_API_VERSION, StripeGateway, get_gateway
from donations.stripe_objects import ReceivedEvent, invoice_subscription

HANDLERS: dict[str, Callable[[Any], Donation | None]] = {
    "checkout.session.completed": checkout.checkout_completed,
    "checkout.session.async_payment_succeeded": checkout.checkout_completed,
    "checkout.session.async_payment_failed": checkout.checkout_async_failed,
    "checkout.session.expired": checkout.checkout_expired,
    "invoice.paid": subscriptions.invoice_paid,
    "invoice.payment_failed": subscriptions.invoice_payment_failed,
    "invoice.voided": subscriptions.invoice_voided,
    "customer.subscription.updated": subscriptions.subscription_changed,
    "customer.subscription.deleted": subscriptions.subscription_changed,
    "charge.refunded": refunds.charge_refunded,
    "charge.refund.updated": refunds.charge_refunded,
    **dict.fromkeys(
        (f"charge.dispute.{what}" for what in
         ("created", "updated", "closed", "funds_withdrawn", "funds_reinstated")),
        refunds.dispute_changed,
    ),
}  # fmt: skip
# Events whose object is always fetched again, whatever its API version: a snapshot
# that a late delivery could replay over a newer state.
ALWAYS_FETCHED = {"customer.subscription.updated", "customer.subscription.deleted"}


# How to fetch each kind of object again, in the pinned version.
def _subscription_now(gateway: StripeGateway, subscription_id: str) -> dict[str, Any]:
    """The subscription as Stripe has it, and, once it has ended, how many of its
    invoices were paid: whether it ended after all its payments does not depend on
    whether their events have come yet."""
    subscription: dict[str, Any] = gateway.retrieve_subscription(subscription_id).to_dict()
    if subscription.get("status") == "canceled":
        subscription["paid_invoice_count"] = gateway.paid_invoice_count(subscription_id)
    return subscription


FETCHERS: dict[str, Callable[[StripeGateway, str], Any]] = {
    "checkout.session": StripeGateway.retrieve_checkout_session,
    "invoice": StripeGateway.retrieve_invoice,
    "subscription": _subscription_now,
    "charge": StripeGateway.retrieve_charge,
    "dispute": StripeGateway.retrieve_dispute,
}


def _invoice_with_payments(invoice: dict[str, Any]) -> dict[str, Any] | None:
    """The invoice as its payload has it, with its paid payments (payloads never carry
    them), or None when it is no donation's: another integration's invoices on the same
    account cost no call to Stripe."""
    subscription_id, reference = invoice_subscription(invoice)
    if not Donation.objects.of_subscription(subscription_id, reference).exists():
        return None
    return {**invoice, "payments": get_gateway().invoice_payments(invoice["id"])}


def _subscription_is_ours(subscription: dict[str, Any]) -> bool:
    reference = str((subscription.get("metadata") or {}).get("donation_id") or "")
    return Donation.objects.of_subscription(str(subscription["id"]), reference).exists()


# Objects of events in the pinned version that need more than their payload: completed
# from their JSON (None: the object is no donation's).
COMPLETED: dict[str, Callable[[dict[str, Any]], Any | None]] = {
    "invoice.paid": _invoice_with_payments
}


def current_object(event: ReceivedEvent) -> Any | None:
    """The object a handler acts on (a Stripe call: never inside a transaction), or
    None when the event's own object already shows it is no donation's."""
    payload = event.data_object
    if event.type in ALWAYS_FETCHED and not _subscription_is_ours(payload):
        return None
    if event.api_version == PINNED_API_VERSION and event.type not in ALWAYS_FETCHED:
        complete = COMPLETED.get(event.type)
        return event.object if complete is None else complete(payload)
    fetch = FETCHERS.get(payload.get("object", ""))
    return event.object if fetch is None else fetch(get_gateway(), payload["id"])
