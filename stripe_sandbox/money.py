"""Amounts as Stripe's API counts them, by the sandbox's own tables.

The sandbox shares no code with the site it stands in front of: were it to take the
site's currency rules, a mistake in them would pass unnoticed. These follow Stripe's
"Supported currencies" page: zero-decimal currencies counted in units, three-decimal
ones in thousandths ending in 0, ISK in hundredths of whole krónur, a minimum charge
for each currency Stripe lists one for, eight digits at most.
"""

from __future__ import annotations

from stripe_sandbox.store import StripeError

DECIMALS = dict.fromkeys(
    ("bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
     "xaf", "xof", "xpf"), 0,
) | dict.fromkeys(("bhd", "jod", "kwd", "omr", "tnd"), 3)  # fmt: skip
MINIMUMS = {
    "usd": 50, "eur": 50, "gbp": 30, "jpy": 50, "cad": 50, "aud": 50, "chf": 50, "mxn": 1000,
    "hkd": 400, "sek": 300, "nok": 300, "dkk": 250, "pln": 200, "czk": 1500, "huf": 17500,
}  # fmt: skip


def decimals(currency: str) -> int:
    return DECIMALS.get(currency, 2)


def text(amount: int, currency: str) -> str:
    """`20.00 USD`, `1,000 JPY`: the checkout page's way."""
    places = decimals(currency)
    return f"{amount / 10**places:,.{places}f} {currency.upper()}"


def check_charge(amount: int, currency: str, param: str) -> None:
    """Refuse, as Stripe does, an amount it would not charge in `currency`."""
    if amount < MINIMUMS.get(currency, 1):
        raise StripeError(
            f"Amount must be at least {text(MINIMUMS.get(currency, 1), currency)}",
            param=param,
            code="amount_too_small",
        )
    if amount > 99_999_999:
        raise StripeError(
            "Amount must be no more than 999,999.99", param=param, code="amount_too_large"
        )
    if decimals(currency) == 3 and amount % 10:
        raise StripeError(f"Invalid amount: {currency.upper()} amounts must end in 0.", param=param)
    if currency == "isk" and amount % 100:
        raise StripeError("Invalid amount: ISK amounts must be whole krónur.", param=param)
