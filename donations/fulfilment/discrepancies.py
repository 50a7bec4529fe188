"""What Stripe reports is what was paid: when it differs from the donation, say so."""

from __future__ import annotations

from donations.models import Donation
from donations.money import format_cents


def flag_if_different(donation: Donation, amount_cents: int, currency: str, *, what: str) -> None:
    """Flag `donation` for staff when Stripe's amount or currency is not the donation's.

    The payment is recorded as Stripe reported it, never replaced by ours.
    """
    if (amount_cents, currency.lower()) == (donation.amount_cents, donation.currency.lower()):
        return
    note = (
        f"{what} reported {format_cents(amount_cents)} {currency.upper()}; the donation is "
        f"{format_cents(donation.amount_cents)} {donation.currency.upper()}."
    )
    if note not in donation.attention:
        donation.update(attention="\n".join(filter(None, [donation.attention, note])))
