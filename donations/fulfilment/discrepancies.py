"""What Stripe reports is what was paid: when it differs from the donation, say so."""

from __future__ import annotations

from donations.models import Donation
from donations.money import format_money


def flag_if_different(donation: Donation, amount_cents: int, currency: str, *, what: str) -> None:
    """Flag `donation` for staff when Stripe's amount or currency is not the donation's.

    The payment is recorded as Stripe reported it, never replaced by ours.
    """
    if (amount_cents, currency.lower()) == (donation.amount_cents, donation.currency.lower()):
        return
    note = (
        f"{what} reported {format_money(amount_cents, currency)} ({currency.upper()}); the "
        f"donation is {format_money(donation.amount_cents, donation.currency)} "
        f"({donation.currency.upper()})."
    )
    donation.flag(note)
