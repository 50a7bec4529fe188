"""Amounts of money as people read and type them.

An amount is an integer in the smallest unit Stripe counts in its currency
(donations.currencies): cents of a dollar or a euro, yen, thousandths of a dinar.
Shown with Babel (CLDR) in a locale's way: "$1,250.50" in English, "1.250,50 US$" in
Spanish; a whole amount without decimals ("$20"). Plain Python (no Django).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

from babel import Locale
from babel.numbers import NumberPattern, get_currency_symbol, parse_pattern

from donations.currencies import exponent

DEFAULT_LOCALE = "en_US"


def in_units(minor: int, currency: str) -> Decimal:
    """2000 cents → Decimal("20.00"); 1000 yen → Decimal("1000")."""
    places = exponent(currency)
    return Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-places))


@lru_cache(maxsize=4096)
def format_money(minor: int, currency: str = "usd", locale: str = DEFAULT_LOCALE) -> str:
    """`$20`, `$1,250.50`, `¥1,000`, `€12.50`; `20 US$` in Spanish. Remembered: the same
    few amounts (a box's presets, their fees) are on every form (17 µs each, 0.2 remembered)."""
    value = in_units(minor, currency)
    places = 0 if value == value.to_integral_value() else exponent(currency)
    place, pattern = _currency_pattern(locale, places)
    return pattern.apply(value, place, currency=currency.upper(), currency_digits=False)


@cache
def _currency_pattern(locale: str, places: int) -> tuple[Locale, NumberPattern]:
    """The locale and its currency pattern with `places` decimals, parsed once (a page
    shows many amounts; parsing each took most of their formatting time)."""
    place = Locale.parse(locale)
    pattern = parse_pattern(place.currency_formats["standard"].pattern)
    pattern.frac_prec = (places, places)
    return place, pattern


def typed(minor: int, currency: str = "usd") -> str:
    """What a person types into an amount field: `12.05`, `1000` (yen)."""
    return str(in_units(minor, currency))


def symbol(currency: str, locale: str = DEFAULT_LOCALE) -> str:
    """`$`, `€`, `¥`; the code where the locale has no symbol for it."""
    return str(get_currency_symbol(currency.upper(), locale=locale))


class NotAnAmount(ValueError):
    """The text is no amount of this currency (what is wrong is the message)."""


def parse_units(text: str, currency: str) -> int:
    """The smallest units of a plain decimal number of `currency` ("12.50" → 1250);
    NotAnAmount for decimals the currency does not have."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise NotAnAmount("not a number") from None
    if not value.is_finite():
        raise NotAnAmount("not a number")
    if value.adjusted() > 15:
        raise NotAnAmount("too large")
    places = exponent(currency)
    minor = value.scaleb(places)
    if minor != minor.to_integral_value():
        raise NotAnAmount(f"at most {places} decimals")
    return int(minor)
