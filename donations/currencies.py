"""The currencies Stripe charges in, and how Stripe counts each one.

From Stripe's "Supported currencies" page (docs.stripe.com/currencies): the
presentment currencies, the zero-decimal ones (an amount is in units: ¥1,000 is
1000), the three-decimal ones (an amount is in thousandths and must end in 0), ISK
(zero-decimal, but Stripe still counts it in hundredths: whole krónur only), and the
minimum charge amounts Stripe lists. Names and symbols come from Babel (CLDR).
Plain Python: the payments sandbox keeps its own tables.
"""

from __future__ import annotations

from babel.numbers import get_currency_name


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


SUPPORTED = _codes(
    """usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd
    bwp byn bzd cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel
    gip gmd gnf gtq gyd hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd
    kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok
    npr nzd omr pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos
    srd std szl thb tjs tnd top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer
    zar zmw"""
)
ZERO_DECIMAL = _codes("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf")
THREE_DECIMAL = _codes("bhd jod kwd omr tnd")
WHOLE_UNITS_ONLY = frozenset({"isk"})  # two-decimal in the API, amounts divisible by 100
# Stripe's minimum charge amounts, in the smallest unit Stripe counts.
MINIMUM_CHARGE = {
    "usd": 50, "aed": 200, "aud": 50, "bgn": 100, "brl": 50, "cad": 50, "chf": 50,
    "czk": 1500, "dkk": 250, "eur": 50, "gbp": 30, "hkd": 400, "huf": 17500, "inr": 50,
    "jpy": 50, "mxn": 1000, "myr": 200, "nok": 300, "nzd": 50, "pln": 200, "ron": 200,
    "sek": 300, "sgd": 50, "thb": 1000,
}  # fmt: skip
# Stripe takes at most eight digits for an amount in most currencies.
MAXIMUM_CHARGE = 99_999_999


def exponent(currency: str) -> int:
    """How many decimals Stripe's amounts count in `currency` (2 for USD: cents)."""
    code = currency.lower()
    if code in ZERO_DECIMAL:
        return 0
    return 3 if code in THREE_DECIMAL else 2


def step(currency: str) -> int:
    """The smallest amount a charge may move by: 10 for three-decimal currencies (the
    last digit must be 0), 100 for ISK, 1 elsewhere."""
    code = currency.lower()
    if code in WHOLE_UNITS_ONLY:
        return 100
    return 10 if code in THREE_DECIMAL else 1


def minimum_charge(currency: str) -> int:
    """Stripe's minimum, or one unit of a currency whose minimum Stripe does not list."""
    code = currency.lower()
    return MINIMUM_CHARGE.get(code, 10 ** exponent(code) * (100 if code in WHOLE_UNITS_ONLY else 1))


def choices(locale: str = "en") -> list[tuple[str, str]]:
    """(code, "EUR – Euro") for every supported currency, by code."""
    return [
        (c, f"{c.upper()} – {get_currency_name(c.upper(), locale=locale)}")
        for c in sorted(SUPPORTED)
    ]
