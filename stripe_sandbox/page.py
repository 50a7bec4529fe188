"""The checkout page at each session's `url`: what Stripe's hosted Checkout shows."""

from __future__ import annotations

from html import escape
from typing import Any

from stripe_sandbox.money import text
from stripe_testkit.cards import DECLINED, FAILS_ON_RENEWAL, VISA

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 2rem auto;
       padding: 0 1rem; color: #1a1a1a; }
.badge { background: #ffde92; color: #5c3b00; border-radius: 4px; padding: 2px 6px; }
label { display: block; margin-top: 1rem; font-weight: 600; }
input { width: 100%; box-sizing: border-box; padding: .6rem; font-size: 1rem; margin-top: .3rem; }
button { margin-top: 1.5rem; width: 100%; padding: .8rem; font-size: 1.05rem;
         background: #06753d; color: #fff; border: 0; border-radius: 6px; }
button:focus-visible, input:focus-visible, a:focus-visible {
  outline: 3px solid #1f6feb; outline-offset: 2px; }
.error { background: #fde8e8; color: #8a1010; padding: .75rem; border-radius: 6px;
         margin-top: 1rem; }
dl { display: grid; grid-template-columns: auto 1fr; gap: .3rem 1rem; }
dt { color: #555; }
"""
FREQUENCY = {"week": "every week", "month": "every month", "year": "every year"}


def checkout_page(session: dict[str, Any], error: str = "", card_number: str = "") -> str:
    line = session["line_items_internal"]
    metadata = session.get("metadata") or {}
    amount = text(session["amount_total"], session["currency"])
    recurring = session["mode"] == "subscription"
    interval = metadata.get("frequency", "")
    count = metadata.get("payment_count", "")
    summary = (
        f"{amount} {FREQUENCY.get(interval, 'per period')}"
        + (f", {escape(count)} payments in total" if count else "")
        if recurring
        else f"{amount}, once"
    )
    closed = session["status"] != "open"
    alert = (
        f'<div class="error" role="alert" id="card-error">{escape(error)}</div>' if error else ""
    )
    form = (
        f'<p class="closed" role="status">This checkout session is {escape(session["status"])}.</p>'
        if closed
        else f"""
    <form method="post" action="/c/pay/{escape(session["id"])}">
      <label for="card-number">Card number</label>
      <input id="card-number" name="card_number" inputmode="numeric" autocomplete="cc-number"
             placeholder="{VISA.number}" value="{escape(card_number)}" required
             {'aria-invalid="true" aria-describedby="card-error"' if error else ""}>
      <label for="card-name">Name on card</label>
      <input id="card-name" name="name" autocomplete="cc-name">
      <button type="submit">Pay {amount}</button>
    </form>"""
    )
    cancel = session.get("cancel_url")
    back = (
        f'<p><a href="{escape(cancel)}">&larr; Back, nothing is charged</a></p>' if cancel else ""
    )
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Checkout (test mode sandbox)</title>
  <style>{STYLE}</style>
</head>
<body>
  <main>
    <p><span class="badge">TEST MODE</span> Payments sandbox: no real money moves.</p>
    <h1>{escape(line["name"])}</h1>
    <dl>
      <dt>Amount</dt><dd data-testid="amount">{amount}</dd>
      <dt>Frequency</dt><dd data-testid="frequency">{escape(summary)}</dd>
      <dt>Email</dt><dd>{escape(session.get("customer_email") or "")}</dd>
    </dl>
    {alert}
    {form}
    {back}
    <p><small>Test cards: {VISA.number} succeeds; {DECLINED.number} is declined;
    {FAILS_ON_RENEWAL.number} pays now and fails on renewals.</small></p>
  </main>
</body>
</html>"""
