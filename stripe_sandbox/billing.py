"""Customers, prices, subscriptions, schedules, invoices and test clocks."""

from __future__ import annotations

import calendar
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from stripe_sandbox import payments
from stripe_sandbox.store import StripeError

if TYPE_CHECKING:
    from stripe_sandbox.api import Sandbox

LIVE = ("active", "past_due")


def add_interval(timestamp: int, interval: str, count: int = 1) -> int:
    moment = datetime.fromtimestamp(timestamp, UTC)
    if interval in ("day", "week"):
        moment += timedelta(days=count * (7 if interval == "week" else 1))
    elif interval in ("month", "year"):
        months = moment.month - 1 + count * (12 if interval == "year" else 1)
        year, month = moment.year + months // 12, months % 12 + 1
        moment = moment.replace(
            year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
        )
    else:
        raise StripeError(f"Invalid interval: {interval}", param="interval")
    return int(moment.timestamp())


def now_for(sb: Sandbox, customer_id: str | None) -> int:
    customer = sb.store.objects.get(customer_id or "")
    if customer and customer.get("test_clock"):
        return int(sb.store.get(customer["test_clock"], "test_helpers.test_clock")["frozen_time"])
    return int(time.time())


# Customers, products, prices -----------------------------------------------------
def create_customer(sb: Sandbox, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("test_clock"):
        sb.store.get(params["test_clock"], "test_helpers.test_clock")
    customer = sb.store.add(
        {
            "id": sb.store.new_id("cus"),
            "object": "customer",
            "email": params.get("email"),
            "name": params.get("name"),
            "description": params.get("description"),
            "metadata": params.get("metadata", {}),
            "test_clock": params.get("test_clock"),
            "invoice_settings": {"default_payment_method": None},
        }
    )
    if params.get("payment_method"):
        attach_payment_method(sb, params["payment_method"], customer["id"])
    update_customer(
        sb, customer["id"], {k: v for k, v in params.items() if k == "invoice_settings"}
    )
    sb.webhooks.emit("customer.created", customer)
    return customer


def update_customer(sb: Sandbox, customer_id: str, params: dict[str, Any]) -> dict[str, Any]:
    customer = sb.store.get(customer_id, "customer")
    default = params.get("invoice_settings", {}).get("default_payment_method")
    if default:
        sb.store.get(default, "payment_method")
        customer["invoice_settings"]["default_payment_method"] = default
    for key in ("email", "name", "description", "metadata"):
        if key in params:
            customer[key] = params[key]
    return customer


def attach_payment_method(sb: Sandbox, token: str, customer_id: str) -> dict[str, Any]:
    pm = payments.token_payment_method(sb, token)
    pm["customer"] = sb.store.get(customer_id, "customer")["id"]
    sb.webhooks.emit("payment_method.attached", pm)
    return pm


def create_product(sb: Sandbox, params: dict[str, Any]) -> dict[str, Any]:
    if not params.get("name"):
        raise StripeError("Missing required param: name.", param="name")
    return sb.store.add(
        {
            "id": sb.store.new_id("prod"),
            "object": "product",
            "active": True,
            "name": params["name"],
            "metadata": params.get("metadata", {}),
        }
    )


def create_price(sb: Sandbox, params: dict[str, Any]) -> dict[str, Any]:
    if "product_data" in params:
        product = create_product(sb, params["product_data"])["id"]
    else:
        product = sb.store.get(params.get("product", ""), "product")["id"]
    try:
        amount = int(params["unit_amount"])
    except (KeyError, ValueError):
        raise StripeError("Missing required param: unit_amount.", param="unit_amount") from None
    recurring = params.get("recurring")
    if recurring is not None:
        recurring = {
            "interval": recurring["interval"],
            "interval_count": int(recurring.get("interval_count", 1)),
        }
        add_interval(0, recurring["interval"])  # validates the interval
    return sb.store.add(
        {
            "id": sb.store.new_id("price"),
            "object": "price",
            "active": True,
            "currency": params["currency"],
            "unit_amount": amount,
            "product": product,
            "recurring": recurring,
            "type": "recurring" if recurring else "one_time",
            "metadata": params.get("metadata", {}),
        }
    )


# Subscriptions -------------------------------------------------------------------
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
    """Invoice the current period of `sub` and charge its payment method."""
    item = sub["items"]["data"][0]
    amount = item["price"]["unit_amount"] * item["quantity"]
    now = now_for(sb, sub["customer"])
    invoice = sb.store.add(
        {
            "id": sb.store.new_id("in"),
            "object": "invoice",
            "status": "open",
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
                "url": "/v1/invoices/lines",
                "data": [
                    {
                        "id": sb.store.new_id("il"),
                        "object": "line_item",
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
    customer = sb.store.get(sub["customer"], "customer")
    pm_id = sub["default_payment_method"] or customer["invoice_settings"]["default_payment_method"]
    pm = sb.store.get(pm_id, "payment_method")
    intent, charge = payments.charge(
        sb,
        payment_method=pm,
        amount=amount,
        currency=sub["currency"],
        customer=sub["customer"],
        description="Subscription update"
        if reason != "subscription_create"
        else "Subscription creation",
        first_use=first_use,
    )
    invoice["attempt_count"], invoice["attempted"] = 1, True
    paid = charge["status"] == "succeeded"
    if paid:
        invoice.update(status="paid", amount_paid=amount, amount_remaining=0)
        invoice["status_transitions"]["paid_at"] = now
    payments.emit_charge_events(sb, intent, charge)
    for event_type in (
        ("invoice.paid", "invoice.payment_succeeded") if paid else ("invoice.payment_failed",)
    ):
        sb.webhooks.emit(event_type, invoice)
    return paid
