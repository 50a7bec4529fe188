"""A donor's personal data: where the site keeps it, and erasing it from every place.

Kept: the donation's name, e-mail and note; Stripe's events about the donation (the
Checkout Session carries the e-mail and the billing name, a charge its billing
details); the admin's history of changes names the donation as its donor. Erasing a
donor empties all three and keeps the amounts, statuses and Stripe ids. Events the
site does not act on are stored without personal data from the start (`redacted`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from donations.models import Donation, Donor, WebhookEvent

ERASED = "[erased]"
# Stripe's fields that hold a person's name, contact or address (in any object).
PERSONAL_KEYS = frozenset(
    {
        "address", "billing_details", "customer_address", "customer_details",
        "customer_email", "customer_name", "customer_phone", "customer_shipping", "email",
        "name", "phone", "receipt_email", "shipping", "shipping_address", "shipping_details",
    }
)  # fmt: skip


def redacted(value: Any, also: frozenset[str] = frozenset()) -> Any:
    """`value` (a Stripe object as JSON) with every personal field erased, and any string
    holding one of `also` (a donor's e-mail address, say) too."""
    if isinstance(value, dict):
        return {
            key: (_erased(inner) if key in PERSONAL_KEYS else redacted(inner, also))
            for key, inner in value.items()
        }
    if isinstance(value, list):
        return [redacted(item, also) for item in value]
    if isinstance(value, str) and any(word and word in value.lower() for word in also):
        return ERASED
    return value


def _erased(value: Any) -> Any:
    return None if value is None or isinstance(value, dict | list) else ERASED


def erase_donor(donation: Donation) -> None:
    """Forget who gave, keep what was given, wherever the site kept it."""
    also = frozenset(v.lower() for v in (donation.email,) if v)
    with transaction.atomic():
        donation.erase_personal_data()
        for event in WebhookEvent.objects.filter(donation=donation).exclude(payload={}):
            event.payload = redacted(event.payload, also)
            event.save(update_fields=["payload"])
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Donation), object_id=str(donation.pk)
        ).update(object_repr=str(donation))


def erase_person(donor: Donor) -> int:
    """Erase every donation of `donor` (erase_donor) and the donor's own record: name,
    addresses; the record stays, nameless, with the amounts it gave. The number of
    donations erased."""
    with transaction.atomic():
        donations = list(donor.donations.all())
        for donation in donations:
            erase_donor(donation)
        donor.addresses.all().delete()
        donor.first_name = donor.last_name = donor.email = ""
        donor.erased_at = timezone.now()
        donor.save(update_fields=["first_name", "last_name", "email", "erased_at"])
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Donor), object_id=str(donor.pk)
        ).update(object_repr=str(donor))
    return len(donations)
