"""Make it monthly: after a one-time gift, its thank-you page offers to give the same
(or another amount) every month, for as many payments as the form allows.

Accepting opens Checkout for a new monthly donation, linked to the gift it came from
(`upgraded_from`), with the donor's name and address already known; the amount and
count go through the donation form's own rules. Declining is one click, and the offer
is not made again in that browser session.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from donations import sources
from donations.amount_field import as_typed
from donations.forms import MAX_COUNT, DonationForm
from donations.models import Donation, Frequency
from donations.services import start_donation

DECLINED = "monthly-offer-declined"
OFFERED_STATUSES = (Donation.Status.PENDING, Donation.Status.PAID)


def offered(donation: Donation, session: SessionBase) -> bool:
    return (
        donation.frequency == Frequency.ONE_TIME
        and donation.status in OFFERED_STATUSES
        and not donation.upgrades.exists()
        and not session.get(DECLINED)
    )


def decline(session: SessionBase) -> None:
    session[DECLINED] = True


def initial(donation: Donation) -> dict[str, Any]:
    """The offer as first shown: the gift's amount, every month, for a year."""
    return {"other_amount": as_typed(donation.gift_cents, donation.currency),
            "payment_count": MAX_COUNT,
            "cover_fee": "on" if donation.fee_cover_cents else ""}  # fmt: skip


def checked(donation: Donation, data: dict[str, Any]) -> DonationForm:
    """The offer's amount and count, checked by the donation form's rules, with the
    donor's details from the gift."""
    return DonationForm(
        {
            "other_amount": data.get("other_amount", ""),
            "payment_count": data.get("payment_count", ""),
            "cover_fee": data.get("cover_fee", ""),
            "frequency": Frequency.MONTHLY,
            "first_name": donation.first_name,
            "last_name": donation.last_name,
            "email": donation.email,
            "note": "",
            # The same offer sent twice (a double click) is one donation.
            "token": str(uuid.uuid5(uuid.NAMESPACE_URL, f"monthly:{donation.public_id}")),
            **{name: getattr(donation, name) for name in sources.FIELDS},
        },
        campaign=donation.campaign,
    )  # fmt: skip


def make_monthly(donation: Donation, form: DonationForm, base_url: str) -> Donation:
    """The new monthly donation, its Checkout Session open (DonationError if Stripe
    could not be reached)."""
    monthly = start_donation(
        campaign=donation.campaign, article=donation.article, token=form.cleaned_data["token"],
        details=form.cleaned_data, base_url=base_url,
    )  # fmt: skip
    if monthly.upgraded_from_id is None:
        monthly.update(upgraded_from=donation)
    return monthly
