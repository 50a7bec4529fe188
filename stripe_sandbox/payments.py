"""Test cards and payment methods, and charging them: payment intents and charges."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stripe_sandbox import balance, disputes
from stripe_sandbox.store import StripeError
from stripe_testkit import cards
from stripe_testkit.cards import (
    DECLINE,
    DISPUTE_FRAUD,
    DISPUTE_NOT_RECEIVED,
    FAIL_AFTER_ATTACH,
    INSUFFICIENT,
    OK,
)

if TYPE_CHECKING:
    from stripe_sandbox.api import Sandbox

# Stripe's documented test cards and test payment method tokens (no browser), and
# what the sandbox does with each.
TEST_CARDS = {card.digits: (card.brand, card.outcome) for card in cards.ALL}
TEST_PAYMENT_METHODS = {
    card.payment_method: (card.digits, card.outcome) for card in cards.ALL if card.payment_method
}
DISPUTE_REASONS = {DISPUTE_FRAUD: "fraudulent", DISPUTE_NOT_RECEIVED: "product_not_received"}
DECLINES = {
    DECLINE: ("Your card was declined.", "generic_decline"),
    INSUFFICIENT: ("Your card has insufficient funds.", "insufficient_funds"),
    FAIL_AFTER_ATTACH: ("Your card was declined.", "generic_decline"),
}


def luhn_valid(number: str) -> bool:
    digits = [int(d) for d in number][::-1]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return len(digits) >= 12 and total % 10 == 0


def card_payment_method(sb: Sandbox, number: str) -> dict[str, Any]:
    """A PaymentMethod for a card typed on the checkout page (raises on a bad number)."""
    number = "".join(number.split()).replace("-", "")
    if not number.isdigit() or not luhn_valid(number):
        raise StripeError(
            "Your card number is incorrect.",
            status=402,
            type="card_error",
            code="incorrect_number",
            param="number",
        )
    if number not in TEST_CARDS:
        raise StripeError(
            "Your card was declined. Your request was in test mode, but used a non test card. "
            "For a list of valid test cards, visit: https://docs.stripe.com/testing.",
            status=402,
            type="card_error",
            code="card_declined",
            decline_code="test_mode_live_card",
        )
    brand, behavior = TEST_CARDS[number]
    return _payment_method(sb, brand, number[-4:], behavior)


def token_payment_method(sb: Sandbox, token: str) -> dict[str, Any]:
    """`pm_card_visa` and friends: a new PaymentMethod, as Stripe makes for each use."""
    if token in sb.store.objects:
        return sb.store.get(token, "payment_method")
    if token not in TEST_PAYMENT_METHODS:
        raise StripeError(
            f"No such PaymentMethod: '{token}'",
            status=404,
            param="payment_method",
            code="resource_missing",
        )
    number, behavior = TEST_PAYMENT_METHODS[token]
    brand = "mastercard" if number.startswith("5") else "visa"
    return _payment_method(sb, brand, number[-4:], behavior)


def _payment_method(sb: Sandbox, brand: str, last4: str, behavior: str) -> dict[str, Any]:
    pm = sb.store.add(
        {
            "id": sb.store.new_id("pm"),
            "object": "payment_method",
            "type": "card",
            "card": {
                "brand": brand,
                "last4": last4,
                "exp_month": 12,
                "exp_year": 2034,
                "country": "US",
                "funding": "credit",
            },
            "billing_details": {"email": None, "name": None},
            "customer": None,
            "metadata": {},
        }
    )
    sb.store.card_behavior[pm["id"]] = behavior
    return pm


def charge(
    sb: Sandbox,
    *,
    payment_method: dict[str, Any],
    amount: int,
    currency: str,
    customer: str | None,
    description: str | None = None,
    metadata: dict[str, Any] | None = None,
    first_use: bool = False,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Create a payment intent and its charge. Returns both; the charge may have failed."""
    behavior = sb.store.card_behavior.get(payment_method["id"], OK)
    failed = behavior in (DECLINE, INSUFFICIENT) or (
        behavior == FAIL_AFTER_ATTACH and not first_use
    )
    message, code = DECLINES.get(behavior, (None, None)) if failed else (None, None)
    intent_id, charge_id = sb.store.new_id("pi"), sb.store.new_id("ch")
    charge_obj = sb.store.add(
        {
            "id": charge_id,
            "object": "charge",
            "amount": amount,
            "amount_captured": 0 if failed else amount,
            "amount_refunded": 0,
            "captured": not failed,
            "currency": currency,
            "customer": customer,
            "description": description,
            "metadata": metadata or {},
            "paid": not failed,
            "payment_intent": intent_id,
            "payment_method": payment_method["id"],
            "refunded": False,
            "status": "failed" if failed else "succeeded",
            "failure_code": code,
            "failure_message": message,
            "outcome": {
                "type": "issuer_declined" if failed else "authorized",
                "seller_message": "The bank did not return any further details."
                if failed
                else "Payment complete.",
            },
            "payment_method_details": {"type": "card", "card": dict(payment_method["card"])},
            "balance_transaction": None,
            "disputed": False,
        }
    )
    if not failed:
        charge_obj["balance_transaction"] = balance.of_charge(sb, charge_obj)
    error = (
        {"code": "card_declined", "decline_code": code, "message": message, "type": "card_error"}
        if failed
        else None
    )
    intent = sb.store.add(
        {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_received": 0 if failed else amount,
            "currency": currency,
            "customer": customer,
            "description": description,
            "metadata": metadata or {},
            "latest_charge": charge_id,
            "payment_method": payment_method["id"],
            "last_payment_error": error,
            "status": "requires_payment_method" if failed else "succeeded",
        }
    )
    return intent, charge_obj


def emit_charge_events(sb: Sandbox, intent: dict[str, Any], charge_obj: dict[str, Any]) -> None:
    if charge_obj["status"] == "succeeded":
        sb.webhooks.emit("payment_intent.succeeded", intent)
        sb.webhooks.emit("charge.succeeded", charge_obj)
        behavior = sb.store.card_behavior.get(charge_obj["payment_method"], OK)
        if behavior in DISPUTE_REASONS:  # the card holder disputes it (a test card)
            disputes.open_dispute(sb, charge_obj, DISPUTE_REASONS[behavior])
    else:
        sb.webhooks.emit("payment_intent.payment_failed", intent)
        sb.webhooks.emit("charge.failed", charge_obj)


def refund(sb: Sandbox, params: dict[str, Any]) -> dict[str, Any]:
    if "charge" in params:
        charge_obj = sb.store.get(params["charge"], "charge")
    elif "payment_intent" in params:
        intent = sb.store.get(params["payment_intent"], "payment_intent")
        charge_obj = sb.store.get(intent["latest_charge"], "charge")
    else:
        raise StripeError("One of `charge` or `payment_intent` is required.", param="charge")
    left = charge_obj["amount_captured"] - charge_obj["amount_refunded"]
    amount = int(params.get("amount", left))
    if amount <= 0 or amount > left:
        raise StripeError(
            f"Refund amount ({amount}) is greater than unrefunded amount ({left}).",
            param="amount",
            code="amount_too_large",
        )
    charge_obj["amount_refunded"] += amount
    charge_obj["refunded"] = charge_obj["amount_refunded"] == charge_obj["amount_captured"]
    refund_obj = sb.store.add(
        {
            "id": sb.store.new_id("re"),
            "object": "refund",
            "amount": amount,
            "charge": charge_obj["id"],
            "currency": charge_obj["currency"],
            "payment_intent": charge_obj["payment_intent"],
            "status": "succeeded",
            "metadata": params.get("metadata", {}),
            "reason": params.get("reason"),
            "balance_transaction": None,
        }
    )
    refund_obj["balance_transaction"] = balance.of_refund(sb, refund_obj)
    sb.webhooks.emit("refund.created", refund_obj)
    sb.webhooks.emit("charge.refunded", charge_obj)
    return refund_obj
