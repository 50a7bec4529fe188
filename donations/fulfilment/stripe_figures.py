"""What a charge and its disputes, as Stripe returns them, say about a payment: plain
reading, no database and no network."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from donations.stripe_objects import field as attr

WITHDRAWN, REINSTATED = "dispute", "dispute_reversal"  # balance transactions' categories


@dataclass
class Figures:
    charge_id: str = ""
    refunded: int = 0  # in the charge's currency
    disputed: int = 0  # withdrawn by disputes and not given back, in the charge's currency
    fee: int | None = None  # Stripe's fee, in the settlement currency
    settled: int | None = None  # what reached the balance, in the settlement currency
    settlement_currency: str = ""
    disputes: list[dict[str, Any]] = field(default_factory=list)  # Dispute fields


def figures_of(charge: Any, disputes: list[Any]) -> Figures:
    if charge is None:
        return Figures()
    found = Figures(charge_id=str(charge["id"]), refunded=int(attr(charge, "amount_refunded", 0)))
    transaction = attr(charge, "balance_transaction")
    if _expanded(transaction):
        found.fee = int(transaction["fee"])
        found.settlement_currency = str(transaction["currency"])
        nets = [int(transaction["net"])]
        refunds = attr(attr(charge, "refunds"), "data", []) or []
        nets += [_net(attr(refund, "balance_transaction")) for refund in refunds]
        for dispute in disputes:
            nets += [_net(t) for t in attr(dispute, "balance_transactions", []) or []]
        found.settled = sum(nets)
    for dispute in disputes:
        withdrawn = _withdrawn(dispute)
        found.disputed += int(dispute["amount"]) if withdrawn else 0
        found.disputes.append(_dispute_fields(dispute, withdrawn))
    return found


def _expanded(value: Any) -> bool:
    """An expandable field that came as its object (the SDK's, or JSON), not its id."""
    return value is not None and not isinstance(value, str)


def _net(transaction: Any) -> int:
    return int(transaction["net"]) if _expanded(transaction) else 0


def _withdrawn(dispute: Any) -> bool:
    """Whether the dispute's amount is out of the balance: withdrawn more often than
    reinstated (Stripe withdraws it when the dispute opens, gives it back if won)."""
    categories = [attr(t, "reporting_category") for t in attr(dispute, "balance_transactions", [])]
    return categories.count(WITHDRAWN) > categories.count(REINSTATED)


def _dispute_fields(dispute: Any, withdrawn: bool) -> dict[str, Any]:
    due = attr(attr(dispute, "evidence_details"), "due_by")
    return {
        "stripe_dispute_id": str(dispute["id"]),
        "amount_cents": int(dispute["amount"]),
        "currency": str(dispute["currency"]),
        "reason": str(attr(dispute, "reason", "") or "")[:50],
        "status": str(dispute["status"])[:30],
        "evidence_due_by": datetime.fromtimestamp(due, UTC) if isinstance(due, int) else None,
        "funds_withdrawn": withdrawn,
    }
