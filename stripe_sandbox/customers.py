"""Customers, their payment methods, products and prices."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stripe_sandbox import payments
from stripe_sandbox.store import StripeError
from stripe_sandbox.timeline import CLOCK, add_interval

if TYPE_CHECKING:
    from stripe_sandbox.api import Sandbox


def create_customer(sb: Sandbox, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("test_clock"):
        sb.store.get(params["test_clock"], CLOCK)
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
