"""Fee cover: what a donor may add so that, after Stripe's fee, all of their gift
reaches the organisation.

Stripe keeps a percentage of each charge and a fixed part (DONATION_FEE_PERCENT,
DONATION_FEE_FIXED_CENTS). Adding the fee of the gift alone would fall short, since
Stripe also takes its percentage of what is added; the reverse calculation charges

    total = ceil((gift + fixed) / (1 - percent))

the least amount whose exact fee leaves the gift whole, rounded up to an amount Stripe
accepts in the currency. Stripe rounds its percentage to the nearest unit, so what
remains is the gift, never less, and at most a cent more whichever way a half-cent is
rounded (tests/test_donations_fee_cover.py checks every gift to $1,000). The same
arithmetic in whole numbers is in static/js/donation.js, which shows the figure while
the donor chooses an amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from donations.currencies import THREE_DECIMAL, WHOLE_UNITS_ONLY, exponent


@dataclass(frozen=True)
class Pricing:
    """Stripe's fee: `basis_points` hundredths of a percent, and `fixed_cents` US cents."""

    basis_points: int
    fixed_cents: int

    def fixed(self, currency: str) -> int:
        """The fixed part in `currency`'s smallest unit (none for zero-decimal ones)."""
        return self.fixed_cents * 10 ** exponent(currency) // 100

    def fee(self, charged: int, currency: str) -> int:
        """Stripe's fee on a charge, as Stripe rounds it."""
        return round(Decimal(charged * self.basis_points) / 10_000) + self.fixed(currency)


def pricing() -> Pricing:
    """The fee as the settings give it."""
    percent = Decimal(str(settings.DONATION_FEE_PERCENT))
    basis_points = percent * 100
    if not (0 <= basis_points < 10_000 and basis_points == basis_points.to_integral_value()):
        raise ImproperlyConfigured(
            "DONATION_FEE_PERCENT must be from 0 to 99.99, with at most two decimals."
        )
    if settings.DONATION_FEE_FIXED_CENTS < 0:
        raise ImproperlyConfigured("DONATION_FEE_FIXED_CENTS must be 0 or more.")
    return Pricing(int(basis_points), settings.DONATION_FEE_FIXED_CENTS)


def step(currency: str) -> int:
    """The smallest amount Stripe charges in: thousandths ending in 0, whole krónur."""
    code = currency.lower()
    if code in WHOLE_UNITS_ONLY:
        return 100
    return 10 if code in THREE_DECIMAL else 1


def cover(gift: int, currency: str, rule: Pricing | None = None) -> int:
    """What to add to `gift` (smallest units) so that Stripe's fee leaves it whole."""
    rule = rule or pricing()
    needed = (gift + rule.fixed(currency)) * 10_000
    total = -(-needed // (10_000 - rule.basis_points))  # rounded up
    unit = step(currency)
    total = -(-total // unit) * unit
    return total - gift
