"""Reading the Stripe objects that events carry: the SDK's StripeObjects (stripe >= 15
gives attributes, not dict keys) or, before one is built, their JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import stripe
from django.utils import timezone

from donations.stripe_gateway import id_of


class ReceivedEvent:
    """A webhook event as its JSON (a dict): the envelope read as it is, and the object
    made into the SDK's StripeObjects only when a handler asks for the payload's copy.
    Most events never need it: types the site ignores, and invoice.paid, whose handler
    reads the JSON; building it was most of the cost of reading an invoice's event."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        self.id: str = body["id"]
        self.type: str = body["type"]
        self.livemode: bool = body["livemode"]
        self.api_version: str = body.get("api_version") or ""
        self.created: int | None = body.get("created")
        self.data_object: dict[str, Any] = body["data"]["object"]  # the JSON

    @cached_property
    def object(self) -> Any:
        """The event's object as the SDK's StripeObject (of its class: Invoice …)."""
        return stripe.Event.construct_from(self.body, None).data.object


def field(obj: Any, name: str, default: Any = None) -> Any:
    """A field of a Stripe object (a StripeObject, which is a dict, or its JSON) that
    may be absent from the payload."""
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def metadata(obj: Any, key: str) -> str:
    return str(field(field(obj, "metadata"), key, "") or "")


def stripe_id(value: Any) -> str:
    """The id of an expandable field: either the id itself or the expanded object."""
    return "" if value is None else id_of(value)


def timestamp(value: int | None) -> datetime:
    return datetime.fromtimestamp(value, tz=UTC) if value else timezone.now()


def donation_reference(session: Any) -> str:
    """Our donation id as a Checkout Session carries it."""
    return str(field(session, "client_reference_id") or metadata(session, "donation_id"))


def invoice_subscription(invoice: Any) -> tuple[str, str]:
    """The subscription an invoice bills, and our donation id from its metadata.

    Under `parent.subscription_details` since API 2025-03-31; at the top level
    (`subscription`, `subscription_details`) in older versions' payloads.
    """
    parent = field(invoice, "parent")
    details = field(parent, "subscription_details") if parent else None
    if details is not None:
        return stripe_id(field(details, "subscription")), metadata(details, "donation_id")
    legacy = field(invoice, "subscription")
    return stripe_id(legacy), metadata(field(invoice, "subscription_details"), "donation_id")


def invoice_payment(invoice: Any) -> tuple[str, str]:
    """The payment intent and the charge that paid an invoice, from its `payments`
    (expanded when the invoice is retrieved; webhook payloads do not carry them)."""
    payments = field(invoice, "payments")
    for item in field(payments, "data", []) if payments else []:
        if field(item, "status") not in (None, "paid"):
            continue
        payment = field(item, "payment")
        if payment is not None:
            return (
                stripe_id(field(payment, "payment_intent")),
                stripe_id(field(payment, "charge")),
            )
    return "", ""
