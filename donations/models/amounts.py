"""Amounts as the site shows them, and the limits a donation's amount must keep."""

from __future__ import annotations

from django.conf import settings

from advocacy.languages import current_locale
from donations import currencies
from donations.money import format_money


def shown(minor: int, currency: str) -> str:
    """An amount as the current language writes it: "$1,250.50", "1.250,50 US$"."""
    return format_money(minor, currency, current_locale())


def amount_limits(currency: str) -> tuple[int, int]:
    """The smallest and largest donation in `currency`: DONATION_MIN_CENTS and
    DONATION_MAX_CENTS for US dollars; Stripe's minimum charge and largest amount for
    the others."""
    code = currency.lower()
    if code == "usd":
        return settings.DONATION_MIN_CENTS, settings.DONATION_MAX_CENTS
    return currencies.minimum_charge(code), currencies.MAXIMUM_CHARGE
