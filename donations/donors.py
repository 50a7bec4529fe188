"""What staff do with donors: merge two records of one person, and what a donor gave."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce

from donations.models import Donation, Donor, DonorEmail, Payment

COUNTED = Payment.COUNTED


@dataclass(frozen=True)
class Giving:
    """What a donor gave in one currency: payments Stripe took (or staff recorded),
    less refunds and what disputes withdrew."""

    currency: str
    net_cents: int
    gifts: int
    first: datetime | None
    last: datetime | None


def giving(donor: Donor) -> list[Giving]:
    counted = Payment.objects.filter(
        donation__donor=donor, status__in=COUNTED, currency=F("donation__currency")
    )
    rows = (
        counted.values("currency")
        .annotate(
            paid=Sum("amount_cents"),
            back=Coalesce(Sum("amount_refunded_cents"), 0)
            + Coalesce(Sum("amount_disputed_cents"), 0),
            gifts=Count("pk"),
            first=Min("paid_at"),
            last=Max("paid_at"),
        )
        .order_by("currency")
    )
    return [
        Giving(r["currency"], r["paid"] - r["back"], r["gifts"], r["first"], r["last"])
        for r in rows
    ]


def merge(keep: Donor, others: list[Donor]) -> int:
    """Make `others` part of `keep`: their donations and addresses move over, their
    records go. The number of donations moved."""
    others = [other for other in others if other.pk != keep.pk]
    with transaction.atomic():
        moved = Donation.objects.filter(donor__in=others).update(donor=keep)
        DonorEmail.objects.filter(donor__in=others).update(donor=keep)
        Donor.objects.filter(pk__in=[other.pk for other in others]).delete()
    return moved


def gift_counts() -> dict[str, object]:
    """Annotations for lists of donors: payments counted, first and last gift."""
    counted = Q(donations__payments__status__in=COUNTED)
    return {
        "gift_count": Count("donations__payments", filter=counted),
        "first_gift": Min("donations__payments__paid_at", filter=counted),
        "last_gift": Max("donations__payments__paid_at", filter=counted),
    }
