"""An amount of a campaign's currency, typed by a person: "$1,250.50", "¥1,000", "12.50".

Written as English readers write numbers: a comma only ever groups thousands, so
"1,50" or "12,50" (a decimal comma) is refused rather than read as 150 or 1,250; so
is "1_000", which Python alone would accept. The currency's symbol or code may lead.
The cleaned value is in the smallest unit Stripe counts (donations.currencies).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from babel.numbers import get_currency_name
from django import forms
from django.utils.translation import gettext_lazy as _

from donations.currencies import THREE_DECIMAL, WHOLE_UNITS_ONLY, exponent
from donations.money import symbol

# More decimals and a minus sign pass here, so that the field says what is wrong.
NUMBER = re.compile(r"^-?\s*(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
EXAMPLES = {0: "1,000 or 25,000", 2: "25, 12.50 or 1,250.50"}


def decimals_typed(currency: str) -> int:
    """Decimals a person may type: none for yen or krónur, two for dollars and dinars
    (whose third Stripe decimal must be 0)."""
    code = currency.lower()
    if code in WHOLE_UNITS_ONLY:
        return 0
    return 2 if code in THREE_DECIMAL else exponent(code)


class AmountField(forms.DecimalField):
    def __init__(self, *, currency: str = "usd", **kwargs: Any) -> None:
        self.currency = currency.lower()
        places = decimals_typed(self.currency)
        super().__init__(max_digits=12, decimal_places=places, **kwargs)
        names = get_currency_name(self.currency.upper(), count=2, locale="en")
        self.error_messages["invalid"] = _("Enter an amount in %(names)s, like %(examples)s.") % {
            "names": names,
            "examples": EXAMPLES[places],
        }
        if places == 0:
            self.error_messages["max_decimal_places"] = _(
                "Amounts in %(names)s are whole numbers, like %(examples)s."
            ) % {"names": names, "examples": EXAMPLES[0]}

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str) and value.strip():
            text = value.strip()
            for prefix in (symbol(self.currency), self.currency.upper(), "$"):
                if text.lstrip("-").upper().startswith(prefix.upper()):
                    sign = "-" if text.startswith("-") else ""
                    text = sign + text.lstrip("-")[len(prefix) :].strip()
                    break
            if not NUMBER.match(text):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            value = text.replace(",", "").replace(" ", "")
        return super().to_python(value)

    def minor_units(self, value: Decimal) -> int:
        """The cleaned value in the smallest unit Stripe counts (12.50 USD → 1250)."""
        return int(value.scaleb(exponent(self.currency)))
