"""A stand-in for Stripe's customer portal: a session's page where the donor types a
new card, which becomes the default of the customer and of their subscriptions."""

from __future__ import annotations

import time
from html import escape
from typing import TYPE_CHECKING, Any

from stripe_sandbox import payments
from stripe_sandbox.billing import LIVE
from stripe_testkit.cards import VISA

if TYPE_CHECKING:
    from stripe_sandbox.api import Sandbox

PORTAL = "billing_portal.session"


def create_session(sb: Sandbox, params: dict[str, Any]) -> dict[str, Any]:
    customer = sb.store.get(params.get("customer", ""), "customer")
    session_id = sb.store.new_id("bps")
    return sb.store.add(
        {
            "id": session_id,
            "object": PORTAL,
            "configuration": "bpc_sandbox",
            "created": int(time.time()),
            "customer": customer["id"],
            "flow": None,
            "locale": None,
            "on_behalf_of": None,
            "return_url": params.get("return_url"),
            "url": f"{sb.base_url}/p/session/{session_id}",
        }
    )


def update_card(sb: Sandbox, session_id: str, card_number: str) -> dict[str, Any]:
    """The card typed on the portal page becomes the customer's and subscriptions' default."""
    session = sb.store.get(session_id, PORTAL)
    pm = payments.card_payment_method(sb, card_number)
    pm["customer"] = session["customer"]
    customer = sb.store.get(session["customer"], "customer")
    customer["invoice_settings"]["default_payment_method"] = pm["id"]
    sb.webhooks.emit("payment_method.attached", pm)
    for sub in sb.store.all("subscription", customer=customer["id"]):
        if sub["status"] in LIVE:
            previous = {"default_payment_method": sub["default_payment_method"]}
            sub["default_payment_method"] = pm["id"]
            sb.webhooks.emit("customer.subscription.updated", sub, previous)
    return session


def portal_page(session: dict[str, Any], error: str = "") -> str:
    alert = f'<p role="alert" class="error">{escape(error)}</p>' if error else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Update your card (Stripe sandbox)</title></head>
<body><main>
  <h1>Update your payment method</h1>
  <p>Stripe sandbox: a stand-in for Stripe's customer portal. Test mode only.</p>
  {alert}
  <form method="post">
    <label for="card-number">Card number</label>
    <input id="card-number" name="card_number" inputmode="numeric" autocomplete="cc-number"
           placeholder="{VISA.number}" required>
    <button type="submit">Save card</button>
  </form>
  <p><a href="{escape(session.get("return_url") or "")}">Back without changes</a></p>
</main></body></html>"""
