"""Checkout Sessions: create, expire, and pay on the sandbox's checkout page."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from stripe_sandbox import billing, customers, payments
from stripe_sandbox.clocks import create_clock
from stripe_sandbox.money import check_charge
from stripe_sandbox.store import StripeError

if TYPE_CHECKING:
    from stripe_sandbox.api import Sandbox

SESSION_LIFETIME = 24 * 3600
# The languages Checkout is displayed in (Checkout Session's `locale`).
_LOCALES_WORDS = """
    auto bg cs da de el en en-GB es es-419 et fi fil fr fr-CA hi-IN hr hu id it ja ko lt lv
    ms mt nb nl pl pt pt-BR ro ru sk sl sv th tr vi zh zh-HK zh-TW"""
LOCALES = frozenset(_LOCALES_WORDS.split())


def create_session(sb: Sandbox, params: dict[str, Any]) -> dict[str, Any]:
    mode = params.get("mode")
    if mode not in ("payment", "subscription"):
        raise StripeError("The sandbox supports mode=payment and mode=subscription.", param="mode")
    if not params.get("success_url"):
        raise StripeError("Missing required param: success_url.", param="success_url")
    if mode == "subscription" and "submit_type" in params:
        raise StripeError("`submit_type` can only be used in `payment` mode.", param="submit_type")
    items = params.get("line_items") or []
    if len(items) != 1:
        raise StripeError("The sandbox supports exactly one line item.", param="line_items")
    item = items[0]
    price = (
        customers.create_price(sb, item["price_data"])
        if "price_data" in item
        else sb.store.get(item.get("price", ""), "price")
    )
    if (mode == "subscription") != bool(price["recurring"]):
        raise StripeError(
            "You must provide at least one recurring price in `subscription` mode."
            if mode == "subscription"
            else "You specified `payment` mode but passed a recurring price.",
            param="line_items[0][price_data][recurring]",
        )
    locale = params.get("locale") or "auto"
    if locale not in LOCALES:
        choices = ", ".join(sorted(LOCALES))
        raise StripeError(f"Invalid locale: must be one of {choices}", param="locale")
    quantity = int(item.get("quantity", 1))
    amount = price["unit_amount"] * quantity
    check_charge(amount, price["currency"], "line_items")
    session_id = sb.store.new_id("cs_test")
    return sb.store.add(
        {
            "id": session_id,
            "object": "checkout.session",
            "mode": mode,
            "status": "open",
            "payment_status": "unpaid",
            "amount_subtotal": amount,
            "amount_total": amount,
            "currency": price["currency"],
            "client_reference_id": params.get("client_reference_id"),
            "customer": params.get("customer"),
            "customer_email": params.get("customer_email"),
            "customer_details": None,
            "locale": locale,
            "metadata": params.get("metadata", {}),
            "payment_intent": None,
            "subscription": None,
            "invoice": None,
            "submit_type": params.get("submit_type"),
            "success_url": params["success_url"],
            "cancel_url": params.get("cancel_url"),
            "url": f"{sb.base_url}/c/pay/{session_id}",
            "expires_at": int(time.time()) + SESSION_LIFETIME,
            "ui_mode": "hosted_page",
            "payment_method_types": ["card"],
            "line_items_internal": {
                "price": price["id"],
                "quantity": quantity,
                "name": _product_name(sb, price),
            },
            "payment_intent_data": params.get("payment_intent_data", {}),
            "subscription_data": params.get("subscription_data", {}),
        }
    )


def _product_name(sb: Sandbox, price: dict[str, Any]) -> str:
    return str(sb.store.get(price["product"], "product")["name"])


def public(session: dict[str, Any]) -> dict[str, Any]:
    """The session as the API shows it (without the sandbox's own bookkeeping)."""
    hidden = ("line_items_internal", "payment_intent_data", "subscription_data")
    return {k: v for k, v in session.items() if k not in hidden}


def expire_session(sb: Sandbox, session_id: str) -> dict[str, Any]:
    session = sb.store.get(session_id, "checkout.session")
    if session["status"] != "open":
        raise StripeError(
            f'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout '
            f'Session has a status of "{session["status"]}".',
            param="session",
        )
    session.update(status="expired", url=None)
    sb.webhooks.emit("checkout.session.expired", public(session))
    return session


def pay_session(sb: Sandbox, session_id: str, card_number: str, name: str = "") -> dict[str, Any]:
    """Pay an open session with a test card, as Stripe's hosted page would.

    Raises StripeError (type card_error) for a declined or invalid card; the
    session stays open so that the visitor can try another card.
    """
    session = sb.store.get(session_id, "checkout.session")
    if session["status"] != "open":
        raise StripeError(f"This Checkout Session is {session['status']}.", param="session")
    pm = payments.card_payment_method(sb, card_number)
    pm["billing_details"] = {"email": session["customer_email"], "name": name or None}
    if session["mode"] == "payment":
        _pay_once(sb, session, pm)
    else:
        _subscribe(sb, session, pm)
    session.update(
        status="complete",
        payment_status="paid",
        customer_details={"email": session["customer_email"], "name": name or None},
        url=None,  # a completed session has no page any more
    )
    sb.webhooks.emit("checkout.session.completed", public(session))
    return session


def _pay_once(sb: Sandbox, session: dict[str, Any], pm: dict[str, Any]) -> None:
    data = session["payment_intent_data"]
    intent, charge = payments.charge(
        sb,
        payment_method=pm,
        amount=session["amount_total"],
        currency=session["currency"],
        customer=session["customer"],
        description=data.get("description"),
        metadata=data.get("metadata"),
        first_use=True,
    )
    sb.webhooks.emit("payment_intent.created", intent)
    payments.emit_charge_events(sb, intent, charge)
    if charge["status"] != "succeeded":
        _declined(charge)
    session["payment_intent"] = intent["id"]


def _subscribe(sb: Sandbox, session: dict[str, Any], pm: dict[str, Any]) -> None:
    behavior = sb.store.card_behavior[pm["id"]]
    if behavior in (payments.DECLINE, payments.INSUFFICIENT):
        message, code = payments.DECLINES[behavior]
        raise StripeError(
            message, status=402, type="card_error", code="card_declined", decline_code=code
        )
    # The sandbox gives every Checkout customer a test clock of its own (frozen at
    # now), so that its renewals can be billed by advancing that clock.
    clock = create_clock(sb, {"frozen_time": int(time.time()), "name": session["id"]})
    customer = customers.create_customer(
        sb, {"email": session["customer_email"], "test_clock": clock["id"]}
    )
    pm["customer"] = customer["id"]
    customers.update_customer(
        sb, customer["id"], {"invoice_settings": {"default_payment_method": pm["id"]}}
    )
    data = session["subscription_data"]
    line = session["line_items_internal"]
    sub = billing.create_subscription(
        sb,
        {
            "customer": customer["id"],
            "items": [{"price": line["price"], "quantity": line["quantity"]}],
            "metadata": data.get("metadata", {}),
            "description": data.get("description"),
        },
        payment_method=pm["id"],
        first_use=True,
    )
    session.update(customer=customer["id"], subscription=sub["id"], invoice=sub["latest_invoice"])


def _declined(charge: dict[str, Any]) -> None:
    raise StripeError(
        charge["failure_message"],
        status=402,
        type="card_error",
        code="card_declined",
        decline_code=charge["failure_code"],
    )
