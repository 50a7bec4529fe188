"""Subscriptions and their invoices: creating them and billing a period."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stripe_sandbox import payments
from stripe_sandbox.customers import create_price
from stripe_sandbox.store import StripeError
from stripe_sandbox.timeline import add_interval, now_for

if TYPE_CHECKING:
    from stripe_sandbox.api import Sandbox

LIVE = ("active", "past_due")
RETRY_AFTER = 3 * 86400
MAX_ATTEMPTS = 4  # the first and three retries, 3 days apart


def create_subscription(
    sb: Sandbox,
    params: dict[str, Any],
    *,
    payment_method: str | None = None,
    first_use: bool = False,
) -> dict[str, Any]:
    customer = sb.store.get(params.get("customer", ""), "customer")
    items = params.get("items") or []
    if len(items) != 1:
        raise StripeError("The sandbox supports exactly one subscription item.", param="items")
    item = items[0]
    price = (
        sb.store.get(item["price"], "price")
        if "price" in item
        else create_price(sb, item.get("price_data", {}))
    )
    if not price["recurring"]:
        raise StripeError("The price specified is not recurring.", param="items[0][price]")
    pm_id = payment_method or params.get("default_payment_method")
    if not (pm_id or customer["invoice_settings"]["default_payment_method"]):
        raise StripeError(
            "This customer has no attached payment source or default payment method.",
            param="default_payment_method",
            code="resource_missing",
        )
    start = now_for(sb, customer["id"])
    interval, count = price["recurring"]["interval"], price["recurring"]["interval_count"]
    sub_id = sb.store.new_id("sub")
    sub = sb.store.add(
        {
            "id": sub_id,
            "object": "subscription",
            "status": "incomplete",
            "customer": customer["id"],
            "currency": price["currency"],
            "items": {
                "object": "list",
                "has_more": False,
                "url": f"/v1/subscription_items?subscription={sub_id}",
                "data": [
                    {
                        "id": sb.store.new_id("si"),
                        "object": "subscription_item",
                        "price": price,
                        "quantity": int(item.get("quantity", 1)),
                        "subscription": sub_id,
                        "current_period_start": start,
                        "current_period_end": add_interval(start, interval, count),
                    }
                ],
            },
            "schedule": None,
            "pause_collection": None,
            "metadata": params.get("metadata", {}),
            "description": params.get("description"),
            "default_payment_method": pm_id,
            "latest_invoice": None,
            "test_clock": customer.get("test_clock"),
            "billing_cycle_anchor": start,
            "start_date": start,
            "cancel_at": None,
            "cancel_at_period_end": False,
            "canceled_at": None,
            "ended_at": None,
            "collection_method": "charge_automatically",
            "created": start,
        }
    )
    sb.webhooks.emit("customer.subscription.created", sub)
    if bill(sb, sub, "subscription_create", first_use=first_use):
        sub["status"] = "active"
        sb.webhooks.emit("customer.subscription.updated", sub, {"status": "incomplete"})
    return sub


def bill(sb: Sandbox, sub: dict[str, Any], reason: str, *, first_use: bool = False) -> bool:
    """Invoice the current period of `sub` and charge its payment method; while its
    payments are paused (pause_collection, behavior void) the invoice is voided instead."""
    item = sub["items"]["data"][0]
    amount = item["price"]["unit_amount"] * item["quantity"]
    now = now_for(sb, sub["customer"])
    invoice_id = sb.store.new_id("in")
    invoice = sb.store.add(
        {
            "id": invoice_id,
            "object": "invoice",
            "status": "open",
            "auto_advance": True,
            "amount_paid_off_stripe": 0,
            "next_payment_attempt": None,
            "customer": sub["customer"],
            "currency": sub["currency"],
            "amount_due": amount,
            "amount_paid": 0,
            "amount_remaining": amount,
            "billing_reason": reason,
            "collection_method": "charge_automatically",
            "attempt_count": 0,
            "attempted": False,
            "parent": {
                "type": "subscription_details",
                "quote_details": None,
                "subscription_details": {
                    "subscription": sub["id"],
                    "metadata": dict(sub["metadata"]),
                },
            },
            "period_start": item["current_period_start"],
            "period_end": item["current_period_end"],
            "status_transitions": {"finalized_at": now, "paid_at": None},
            "lines": {
                "object": "list",
                "has_more": False,
                "url": f"/v1/invoices/{invoice_id}/lines",
                "data": [
                    {
                        "id": sb.store.new_id("il"),
                        "object": "line_item",
                        "invoice": invoice_id,
                        "parent": {
                            "type": "subscription_item_details",
                            "invoice_item_details": None,
                            "subscription_item_details": {
                                "invoice_item": None,
                                "proration": False,
                                "proration_details": {"credited_items": None},
                                "subscription": sub["id"],
                                "subscription_item": item["id"],
                            },
                        },
                        "amount": amount,
                        "currency": sub["currency"],
                        "description": sub.get("description"),
                        "quantity": item["quantity"],
                        "period": {
                            "start": item["current_period_start"],
                            "end": item["current_period_end"],
                        },
                        "pricing": {
                            "type": "price_details",
                            "price_details": {
                                "price": item["price"]["id"],
                                "product": item["price"]["product"],
                            },
                        },
                    }
                ],
            },
            "test_clock": sub.get("test_clock"),
            "created": now,
        }
    )
    sub["latest_invoice"] = invoice["id"]
    sb.webhooks.emit("invoice.created", invoice)
    sb.webhooks.emit("invoice.finalized", invoice)
    if sub.get("pause_collection"):
        invoice.update(status="void", auto_advance=False, amount_remaining=0)
        invoice["status_transitions"]["voided_at"] = now
        sb.webhooks.emit("invoice.voided", invoice)
        return True
    return attempt(sb, invoice, first_use=first_use)["status"] == "succeeded"


def attempt(sb: Sandbox, invoice: dict[str, Any], *, first_use: bool = False) -> dict[str, Any]:
    """Charge an open invoice with its subscription's payment method (or its customer's
    default) now; the charge, succeeded or failed. A failure sets when Stripe tries again
    (`next_payment_attempt`, as Smart Retries would, MAX_ATTEMPTS in all; none after
    the last) and leaves the subscription past due."""
    sub = sb.store.get(invoice["parent"]["subscription_details"]["subscription"], "subscription")
    customer = sb.store.get(sub["customer"], "customer")
    pm_id = sub["default_payment_method"] or customer["invoice_settings"]["default_payment_method"]
    pm = sb.store.get(pm_id, "payment_method")
    now = now_for(sb, sub["customer"])
    intent, charge = payments.charge(
        sb,
        payment_method=pm,
        amount=invoice["amount_due"],
        currency=invoice["currency"],
        customer=sub["customer"],
        description="Subscription update"
        if invoice["billing_reason"] != "subscription_create"
        else "Subscription creation",
        first_use=first_use,
    )
    invoice["attempt_count"] += 1
    invoice["attempted"] = True
    paid = charge["status"] == "succeeded"
    if paid:
        invoice.update(status="paid", amount_paid=invoice["amount_due"], amount_remaining=0,
                       auto_advance=False, next_payment_attempt=None)  # fmt: skip
        invoice["status_transitions"]["paid_at"] = now
    elif invoice["attempt_count"] < MAX_ATTEMPTS:  # the sandbox says when; a clock moves it
        invoice["next_payment_attempt"] = now + RETRY_AFTER
    else:
        invoice.update(next_payment_attempt=None, auto_advance=False)  # the last attempt
    _record_invoice_payment(sb, invoice, intent, paid=paid, at=now)
    payments.emit_charge_events(sb, intent, charge)
    for event_type in (
        ("invoice.paid", "invoice.payment_succeeded") if paid else ("invoice.payment_failed",)
    ):
        sb.webhooks.emit(event_type, invoice)
    if invoice["billing_reason"] != "subscription_create":
        _update_status(sb, sub)
    return charge


def _update_status(sb: Sandbox, sub: dict[str, Any]) -> None:
    """Past due while its latest invoice is open, active once it is paid."""
    if sub["status"] not in LIVE:
        return
    latest = sb.store.get(sub["latest_invoice"], "invoice")
    status = "past_due" if latest["status"] == "open" else "active"
    if sub["status"] != status:
        previous = {"status": sub["status"]}
        sub["status"] = status
        sb.webhooks.emit("customer.subscription.updated", sub, previous)


def retry_due(sb: Sandbox, sub: dict[str, Any], until: int, clock: dict[str, Any]) -> None:
    """Smart Retries: each open invoice of `sub` whose next attempt is due by `until`
    is charged again at that time (with the card on file then)."""
    while sub["status"] in LIVE:
        due = [
            invoice
            for invoice in sb.store.all("invoice", status="open")
            if invoice["parent"]["subscription_details"]["subscription"] == sub["id"]
            and invoice["next_payment_attempt"] is not None
            and invoice["next_payment_attempt"] <= until
        ]
        if not due:
            return
        invoice = min(due, key=lambda i: i["next_payment_attempt"])
        clock["frozen_time"] = invoice["next_payment_attempt"]
        attempt(sb, invoice)


def pay_invoice(sb: Sandbox, invoice_id: str) -> dict[str, Any]:
    """POST /v1/invoices/:id/pay: charge an open invoice now; a decline is a card error."""
    invoice = sb.store.get(invoice_id, "invoice")
    if invoice["status"] != "open":
        status = invoice["status"]
        message = "Invoice is already paid" if status == "paid" else f"This invoice is {status}."
        raise StripeError(message, code="invoice_not_open")
    charge = attempt(sb, invoice)
    if charge["status"] != "succeeded":
        raise StripeError(
            charge["failure_message"] or "Your card was declined.",
            status=402,
            type="card_error",
            code="card_declined",
            decline_code=charge["failure_code"],
        )
    return invoice


def _record_invoice_payment(
    sb: Sandbox, invoice: dict[str, Any], intent: dict[str, Any], *, paid: bool, at: int
) -> None:
    """The invoice's payment attempt, as `GET /v1/invoice_payments` and the invoice's
    expandable `payments` list show it (webhook payloads do not include it)."""
    sb.store.add(
        {
            "id": sb.store.new_id("inpay"),
            "object": "invoice_payment",
            "amount_paid": invoice["amount_due"] if paid else None,
            "amount_requested": invoice["amount_due"],
            "currency": invoice["currency"],
            "invoice": invoice["id"],
            "is_default": True,
            "payment": {"type": "payment_intent", "payment_intent": intent["id"]},
            "status": "paid" if paid else "open",
            "status_transitions": {"canceled_at": None, "paid_at": at if paid else None},
            "created": at,
        }
    )
