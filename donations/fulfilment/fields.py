"""Reading fields of the Stripe objects that events carry (stripe >= 15: not dicts)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from donations.models import Donation
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


def locked_donation(**lookup: Any) -> Donation | None:
    return Donation.objects.select_for_update().filter(**lookup).first()
