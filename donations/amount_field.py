"""An amount of a campaign's currency, typed by a person: "$1,250.50", "¥1,000", "12.50";
on a Spanish page "1.250,50", "12,50 US$".

Read as the page's language writes numbers (Babel's symbols for its locale): in
English a comma only ever groups thousands and a point marks decimals, in Spanish
the reverse. What could be read both ways is refused rather than guessed: "1,50" or
"12,50" in English (not read as 150 or 1,250), "12.50" in Spanish; so is "1_000",
which Python alone would accept. The currency's symbol or code may lead or follow.
The cleaned value is in the smallest unit Stripe counts (donations.currencies).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from typing import Any

from babel.numbers import get_currency_name, get_decimal_symbol, get_group_symbol
from django import forms
from django.utils.translation import gettext as _

from advocacy.languages import current_locale
from donations.currencies import THREE_DECIMAL, WHOLE_UNITS_ONLY, exponent
from donations.money import format_money, symbol, typed


def decimals_typed(currency: str) -> int:
    """Decimals a person may type: none for yen or krónur, two for dollars and dinars
    (whose third Stripe decimal must be 0)."""
    code = currency.lower()
    if code in WHOLE_UNITS_ONLY:
        return 0
    return 2 if code in THREE_DECIMAL else exponent(code)


@cache
def number_pattern(locale: str) -> tuple[re.Pattern[str], str, str]:
    """The shape of a typed number in `locale` (more decimals and a minus sign pass, so
    that the field says what is wrong), its group and decimal symbols."""
    group, point = get_group_symbol(locale), get_decimal_symbol(locale)
    g, d = re.escape(group), re.escape(point)
    return re.compile(rf"^-?\s*(?:\d{{1,3}}(?:{g}\d{{3}})+|\d+)(?:{d}\d+)?$"), group, point


def as_typed(minor: int, currency: str) -> str:
    """An amount as a person types it on this page: "12.50" in English, "12,50" in
    Spanish (no grouping)."""
    _shape, _group, point = number_pattern(current_locale())
    return typed(minor, currency).replace(".", point)


@cache
def examples(currency: str, locale: str) -> str:
    """ "25, 12.50 or 1,250.50" as `locale` writes them (whole amounts for yen)."""
    unit = 10 ** exponent(currency)
    amounts = (1000, 25000) if decimals_typed(currency) == 0 else (25, 12.5, 1250.5)
    shown = [format_money(round(a * unit), currency, locale) for a in amounts]
    numbers = [text.replace(symbol(currency, locale), "").strip() for text in shown]
    if len(numbers) == 2:
        return _("%(first)s or %(second)s") % {"first": numbers[0], "second": numbers[1]}
    return _("%(first)s, %(second)s or %(third)s") % dict(
        zip(("first", "second", "third"), numbers, strict=True)
    )


class AmountField(forms.DecimalField):
    def __init__(self, *, currency: str = "usd", **kwargs: Any) -> None:
        self.currency = currency.lower()
        self.locale = current_locale()
        places = decimals_typed(self.currency)
        super().__init__(max_digits=12, decimal_places=places, **kwargs)
        names = get_currency_name(self.currency.upper(), count=2, locale=self.locale)
        wording = {"names": names, "examples": examples(self.currency, self.locale)}
        self.error_messages["invalid"] = (
            _("Enter an amount in %(names)s, like %(examples)s.") % wording
        )
        if places == 0:
            self.error_messages["max_decimal_places"] = (
                _("Amounts in %(names)s are whole numbers, like %(examples)s.") % wording
            )

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str) and value.strip():
            text = self._without_currency(value.strip())
            shape, group, point = number_pattern(self.locale)
            if not shape.match(text):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            value = text.replace(group, "").replace(" ", "").replace(point, ".")
        return super().to_python(value)

    def _without_currency(self, text: str) -> str:
        """The number alone: a leading or trailing symbol or code taken off, the sign
        kept ("-$5" → "-5", "12,50 US$" → "12,50")."""
        sign = "-" if text.startswith("-") else ""
        text = text.lstrip("-").strip()
        affixes = {symbol(self.currency, self.locale), symbol(self.currency), "$"}
        affixes.add(self.currency.upper())
        for affix in sorted(affixes, key=len, reverse=True):
            if text.upper().startswith(affix.upper()):
                text = text[len(affix) :].strip()
                break
            if text.upper().endswith(affix.upper()):
                text = text[: -len(affix)].strip()
                break
        return sign + text

    def minor_units(self, value: Decimal) -> int:
        """The cleaned value in the smallest unit Stripe counts (12.50 USD → 1250)."""
        return int(value.scaleb(exponent(self.currency)))
