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
    """The subscription an invoice bills, and our donation id from its metadata."""
    parent = field(invoice, "parent")
    details = field(parent, "subscription_details") if parent else None
    if details is None:
        return "", ""
    return stripe_id(field(details, "subscription")), metadata(details, "donation_id")


def invoice_payment_intent(invoice: Any) -> str:
    """The payment intent that paid an invoice, when its payments are in the payload."""
    payments = field(invoice, "payments")
    for item in field(payments, "data", []) if payments else []:
        payment = field(item, "payment")
        if payment is not None and field(payment, "type") == "payment_intent":
            return stripe_id(field(payment, "payment_intent"))
    return ""
