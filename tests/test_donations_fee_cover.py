import pytest
from django.core.exceptions import ImproperlyConfigured

from donations import fee_cover
from donations.fee_cover import Pricing

US = Pricing(basis_points=290, fixed_cents=30)


def test_twenty_dollars_needs_91_cents_so_that_stripe_leaves_20():
    assert fee_cover.cover(2000, "usd", US) == 91
    assert US.fee(2091, "usd") == 91


@pytest.mark.parametrize("currency", ["usd", "eur", "jpy", "kwd", "isk"])
def test_every_gift_reaches_whole_and_at_most_one_step_more(currency):
    """Whichever way Stripe rounds its percentage, the gift reaches whole: the total
    leaves it after the fee as Stripe rounds it, and one step less would fall short
    of it with the fee unrounded (so a donor pays at most one cent more than the
    least). Every gift from 1 to 100,000 units."""
    step = fee_cover.step(currency)
    for gift in range(step, 100_001, step):
        total = gift + fee_cover.cover(gift, currency, US)
        assert total % step == 0
        assert total - US.fee(total, currency) >= gift, gift
        less = total - step
        assert less * (10_000 - 290) < (gift + US.fixed(currency)) * 10_000, gift


def test_no_fee_no_cover():
    assert fee_cover.cover(2000, "usd", Pricing(0, 0)) == 0


def test_zero_decimal_currencies_have_no_fixed_part():
    assert US.fixed("jpy") == 0
    assert US.fixed("usd") == 30
    assert US.fixed("kwd") == 300


@pytest.mark.parametrize("percent", ["2.955", "100", "-1", "abc"])
def test_a_percentage_stripe_cannot_charge_is_refused_with_a_message(settings, percent):
    settings.DONATION_FEE_PERCENT = percent
    with pytest.raises((ImproperlyConfigured, ArithmeticError)):
        fee_cover.pricing()


def test_the_settings_give_the_pricing(settings):
    settings.DONATION_FEE_PERCENT, settings.DONATION_FEE_FIXED_CENTS = "2.2", 20
    assert fee_cover.pricing() == Pricing(220, 20)
