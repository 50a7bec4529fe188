"""Balance transactions: what each charge, refund and dispute moves on the account's
balance, and the fee Stripe keeps (the sandbox's own schedule, Stripe's standard US
card pricing: 2.9% and 30 cents a charge, a 15-dollar fee a dispute)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from stripe_sandbox.money import decimals

if TYPE_CHECKING:
    from stripe_sandbox.api import Sandbox

PERCENT, FIXED_CENTS, DISPUTE_FEE_CENTS = 2.9, 30, 1500


def _fixed(cents: int, currency: str) -> int:
    """A fee of `cents` US cents, in the currency's unit (none for zero-decimal ones)."""
    return cents * 10 ** decimals(currency) // 100


def record(
    sb: Sandbox, *, amount: int, currency: str, source: str, category: str, fee: int = 0
) -> dict[str, Any]:
    now = int(time.time())
    kind = {"charge": "charge", "refund": "refund", "dispute": "adjustment",
            "dispute_reversal": "adjustment"}[category]  # fmt: skip
    return sb.store.add(
        {
            "id": sb.store.new_id("txn"),
            "object": "balance_transaction",
            "amount": amount,
            "available_on": now + 2 * 86400,
            "balance_type": "payments",
            "created": now,
            "currency": currency,
            "description": None,
            "exchange_rate": None,
            "fee": fee,
            "fee_details": [{"amount": fee, "application": None, "currency": currency,
                             "description": "Stripe processing fees", "type": "stripe_fee"}]
            if fee else [],
            "net": amount - fee,
            "reporting_category": category,
            "source": source,
            "status": "pending",
            "type": kind,
        }
    )  # fmt: skip


def of_charge(sb: Sandbox, charge: dict[str, Any]) -> str:
    amount, currency = charge["amount"], charge["currency"]
    fee = round(amount * PERCENT / 100) + _fixed(FIXED_CENTS, currency)
    moved = record(sb, amount=amount, currency=currency, source=charge["id"], category="charge",
                   fee=min(fee, amount))  # fmt: skip
    return str(moved["id"])


def of_refund(sb: Sandbox, refund: dict[str, Any]) -> str:
    moved = record(sb, amount=-refund["amount"], currency=refund["currency"],
                   source=refund["id"], category="refund")  # fmt: skip
    return str(moved["id"])


def of_dispute(sb: Sandbox, dispute: dict[str, Any], *, reinstated: bool) -> dict[str, Any]:
    """The withdrawal of a disputed amount and Stripe's dispute fee, or its reinstatement."""
    currency = dispute["currency"]
    if reinstated:
        return record(sb, amount=dispute["amount"], currency=currency, source=dispute["id"],
                      category="dispute_reversal")  # fmt: skip
    return record(sb, amount=-dispute["amount"], currency=currency, source=dispute["id"],
                  category="dispute", fee=_fixed(DISPUTE_FEE_CENTS, currency))  # fmt: skip
