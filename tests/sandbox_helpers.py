"""Shared steps for the sandbox tests: open and pay checkout sessions over HTTP."""

from __future__ import annotations

import requests

from stripe_testkit.cards import VISA


def session_params(mode: str = "payment", amount: int = 2000, **extra):
    price = {"currency": "usd", "unit_amount": amount, "product_data": {"name": "Donation"}}
    if mode == "subscription":
        price["recurring"] = {"interval": extra.pop("interval", "month")}
    return {
        "mode": mode,
        "line_items": [{"quantity": 1, "price_data": price}],
        "customer_email": "donor@example.org",
        "success_url": "http://127.0.0.1:1/thanks?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://127.0.0.1:1/back",
        **extra,
    }


def pay(session, card_number: str = VISA.number):
    data = {"card_number": card_number}
    return requests.post(session.url, data=data, allow_redirects=False, timeout=10)
