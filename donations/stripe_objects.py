"""Reading the Stripe objects that events carry (stripe >= 15: StripeObjects, not dicts)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from donations.stripe_gateway import id_of


def field(obj: Any, name: str, default: Any = None) -> Any:
    """A field of a StripeObject that may be absent from the payload."""
    return getattr(obj, name, default)


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
