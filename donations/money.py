"""Amounts of money as people read and type them; amounts are integer cents.

Plain Python (no Django), so that the payments sandbox shows amounts the same way.
"""


def format_cents(cents: int) -> str:
    """`$20` for 2000, `$1,250.50` for 125050."""
    dollars, rest = divmod(cents, 100)
    return f"${dollars:,}" if rest == 0 else f"${dollars:,}.{rest:02d}"


def cents_as_decimal(cents: int) -> str:
    """`12.05` for 1205: what a person types into an amount field."""
    dollars, rest = divmod(cents, 100)
    return f"{dollars}.{rest:02d}"
