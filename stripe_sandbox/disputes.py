"""Disputes, as Stripe's test cards make them: opened right after the payment (the amount
and the dispute fee withdrawn), answered with evidence or accepted, then won (the amount
reinstated) or lost. As in test mode, evidence whose text is "winning_evidence" wins
and any other loses; closing a dispute accepts it (lost)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from stripe_sandbox import balance
from stripe_sandbox.store import StripeError, list_object

if TYPE_CHECKING:
    from stripe_sandbox.api import Sandbox

WINNING = "winning_evidence"
EVIDENCE_DAYS = 7


def open_dispute(sb: Sandbox, charge: dict[str, Any], reason: str) -> dict[str, Any]:
    now = int(time.time())
    dispute = sb.store.add(
        {
            "id": sb.store.new_id("dp"),
            "object": "dispute",
            "amount": charge["amount"],
            "balance_transactions": [],
            "charge": charge["id"],
            "currency": charge["currency"],
            "evidence": {},
            "evidence_details": {
                "due_by": now + EVIDENCE_DAYS * 86400,
                "has_evidence": False,
                "past_due": False,
                "submission_count": 0,
                "enhanced_eligibility": {},
            },
            "is_charge_refundable": False,
            "metadata": {},
            "payment_intent": charge["payment_intent"],
            "reason": reason,
            "status": "needs_response",
            "created": now,
        }
    )
    charge["disputed"] = True
    sb.webhooks.emit("charge.dispute.created", dispute)
    dispute["balance_transactions"].append(balance.of_dispute(sb, dispute, reinstated=False))
    sb.webhooks.emit("charge.dispute.funds_withdrawn", dispute)
    return dispute


def list_disputes(sb: Sandbox, params: dict[str, Any]) -> dict[str, Any]:
    found = sb.store.all("dispute", **{k: params[k] for k in ("charge", "payment_intent")
                                       if k in params})  # fmt: skip
    return list_object("/v1/disputes", list(reversed(found)))


def update_dispute(sb: Sandbox, dispute_id: str, params: dict[str, Any]) -> dict[str, Any]:
    dispute = _open(sb, dispute_id)
    dispute["evidence"].update(params.get("evidence", {}))
    dispute["metadata"].update(params.get("metadata", {}))
    if str(params.get("submit", "true")).lower() != "true":
        sb.webhooks.emit("charge.dispute.updated", dispute)
        return dispute
    dispute["evidence_details"].update(has_evidence=True, submission_count=1)
    dispute["status"] = "under_review"
    sb.webhooks.emit("charge.dispute.updated", dispute)
    won = WINNING in " ".join(str(v) for v in dispute["evidence"].values())
    _close(sb, dispute, won=won)
    return dispute


def close_dispute(sb: Sandbox, dispute_id: str) -> dict[str, Any]:
    """Accept the dispute: it is lost."""
    dispute = _open(sb, dispute_id)
    _close(sb, dispute, won=False)
    return dispute


def _open(sb: Sandbox, dispute_id: str) -> dict[str, Any]:
    dispute = sb.store.get(dispute_id, "dispute")
    if dispute["status"] in ("won", "lost"):
        raise StripeError(
            f"This dispute is already closed: '{dispute_id}'",
            param="dispute",
            code="dispute_closed",
        )
    return dispute


def _close(sb: Sandbox, dispute: dict[str, Any], *, won: bool) -> None:
    dispute["status"] = "won" if won else "lost"
    if won:
        dispute["balance_transactions"].append(balance.of_dispute(sb, dispute, reinstated=True))
        sb.webhooks.emit("charge.dispute.funds_reinstated", dispute)
    sb.webhooks.emit("charge.dispute.closed", dispute)
