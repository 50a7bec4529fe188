"""The sandbox's API: routes from Stripe's paths to the handlers, with parameter checks."""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Callable
from typing import Any

from stripe import params as sp
from stripe.params import checkout as pc
from stripe.params import test_helpers as pt

from stripe_sandbox import (
    billing,
    checkout,
    clocks,
    customers,
    disputes,
    payments,
    portal,
    schedules,
)
from stripe_sandbox.expand import expand
from stripe_sandbox.params import check
from stripe_sandbox.shape import complete
from stripe_sandbox.store import Store, StripeError, list_object
from stripe_sandbox.timeline import CLOCK
from stripe_sandbox.webhooks import Webhooks

# A handler gets the sandbox, the decoded parameters and the path's {id}.
Handler = Callable[["Sandbox", dict[str, Any], str], dict[str, Any]]


class Sandbox:
    def __init__(self, *, base_url: str, webhook_url: str = "", webhook_secret: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        self.store = Store()
        self.webhooks = Webhooks(self.store, webhook_url, webhook_secret)
        # The latest successful answers, for tests that check their shapes.
        self.answers: deque[dict[str, Any]] = deque(maxlen=10_000)

    def handle(
        self, method: str, path: str, params: dict[str, Any], idempotency_key: str | None = None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """The status, body and headers of Stripe's answer (`Idempotent-Replayed: true` on
        a request repeated with its idempotency key)."""
        found = next(
            (
                (spec, handler, m)
                for verb, pattern, spec, handler in ROUTES
                if verb == method and (m := pattern.match(path))
            ),
            None,
        )
        if found is None:
            raise StripeError(f"Unrecognized request URL ({method}: {path}).", status=404)
        spec, handler, match = found
        check({k: v for k, v in params.items() if k != "expand"}, spec)
        headers = {}
        with self.store.lock:
            if method == "POST" and idempotency_key:
                object_id = match.groupdict().get("id", "")
                status, body, replayed = self._idempotent(
                    idempotency_key, path, params, handler, object_id
                )
                headers["Idempotency-Key"] = idempotency_key
                if replayed:
                    headers["Idempotent-Replayed"] = "true"
            else:
                status = 200
                body = self.store.snapshot(handler(self, params, match.groupdict().get("id", "")))
            if isinstance(params.get("expand"), list):
                expand(self, body, params["expand"])
            complete(body)
            self.answers.append(body)
            return status, body, headers

    def _idempotent(
        self, key: str, path: str, params: dict[str, Any], handler: Handler, object_id: str
    ) -> tuple[int, dict[str, Any], bool]:
        fingerprint = hashlib.sha256(repr((path, sorted(params.items()))).encode()).hexdigest()
        if key in self.store.idempotency:
            seen, status, body = self.store.idempotency[key]
            if seen != fingerprint:
                raise StripeError(
                    "Keys for idempotent requests can only be used with the same parameters they "
                    f"were first used with. Try using a key other than '{key}'.",
                    type="idempotency_error",
                )
            return status, self.store.snapshot(body), True
        body = self.store.snapshot(handler(self, params, object_id))
        self.store.idempotency[key] = (fingerprint, 200, body)
        return 200, self.store.snapshot(body), False


def _get(kind: str) -> Handler:
    return lambda sb, params, object_id: sb.store.get(object_id, kind)


def _list_invoices(sb: Sandbox, params: dict[str, Any], _: str) -> dict[str, Any]:
    found = sb.store.all("invoice", **{k: params[k] for k in ("customer", "status") if k in params})
    if "subscription" in params:
        found = [
            i for i in found
            if i["parent"]["subscription_details"]["subscription"] == params["subscription"]
        ]  # fmt: skip
    return _page("/v1/invoices", found, params)


def _get_invoice(sb: Sandbox, params: dict[str, Any], invoice_id: str) -> dict[str, Any]:
    invoice = sb.store.get(invoice_id, "invoice")
    if "payments" not in params.get("expand", []):
        return invoice
    payments = sb.store.all("invoice_payment", invoice=invoice_id)
    return {**invoice, "payments": list_object(f"/v1/invoices/{invoice_id}/payments", payments)}


def _list_invoice_payments(sb: Sandbox, params: dict[str, Any], _: str) -> dict[str, Any]:
    filters = {k: params[k] for k in ("invoice", "status") if k in params}
    found = sb.store.all("invoice_payment", **filters)
    return _page("/v1/invoice_payments", list(reversed(found)), params)


def _list_events(sb: Sandbox, params: dict[str, Any], _: str) -> dict[str, Any]:
    events = list(reversed(sb.store.events))  # newest first, as Stripe lists them
    if "type" in params:
        events = [e for e in events if e["type"] == params["type"]]
    if "types" in params:
        events = [e for e in events if e["type"] in params["types"]]
    if isinstance(params.get("created"), dict) and "gte" in params["created"]:
        events = [e for e in events if e["created"] >= int(params["created"]["gte"])]
    if "delivery_success" in params:
        delivered = params["delivery_success"] == "true"
        events = [e for e in events if (e["pending_webhooks"] == 0) == delivered]
    return _page("/v1/events", events, params)


def _get_event(sb: Sandbox, params: dict[str, Any], event_id: str) -> dict[str, Any]:
    for event in sb.store.events:
        if event["id"] == event_id:
            return event
    raise StripeError(f"No such event: '{event_id}'", status=404, param="id")


def _page(url: str, items: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
    if "starting_after" in params:
        ids = [i["id"] for i in items]
        start = ids.index(params["starting_after"]) + 1 if params["starting_after"] in ids else 0
        items = items[start:]
    limit = int(params.get("limit", 10))
    return list_object(url, items[:limit], has_more=len(items) > limit)


SESSIONS, SUBSCRIPTIONS, SCHEDULES = (
    "/v1/checkout/sessions", "/v1/subscriptions", "/v1/subscription_schedules",
)  # fmt: skip
CLOCKS = "/v1/test_helpers/test_clocks"
# (method, path, the SDK's parameter type for that call, handler)
_TABLE: list[tuple[str, str, type | None, Handler]] = [
    ("POST", SESSIONS, pc.SessionCreateParams,
     lambda sb, p, _: checkout.public(checkout.create_session(sb, p))),
    ("GET", SESSIONS, pc.SessionListParams,
     lambda sb, p, _: _page(SESSIONS, [checkout.public(s) for s in reversed(
         sb.store.all("checkout.session"))], p)),
    ("GET", SESSIONS + "/{id}", pc.SessionRetrieveParams,
     lambda sb, p, i: checkout.public(sb.store.get(i, "checkout.session"))),
    ("POST", SESSIONS + "/{id}/expire", pc.SessionExpireParams,
     lambda sb, p, i: checkout.public(checkout.expire_session(sb, i))),
    ("POST", "/v1/customers", sp.CustomerCreateParams,
     lambda sb, p, _: customers.create_customer(sb, p)),
    ("GET", "/v1/customers/{id}", sp.CustomerRetrieveParams, _get("customer")),
    ("POST", "/v1/customers/{id}", sp.CustomerUpdateParams,
     lambda sb, p, i: customers.update_customer(sb, i, p)),
    ("GET", "/v1/payment_methods/{id}", sp.PaymentMethodRetrieveParams, _get("payment_method")),
    ("POST", "/v1/payment_methods/{id}/attach", sp.PaymentMethodAttachParams,
     lambda sb, p, i: customers.attach_payment_method(sb, i, p.get("customer", ""))),
    ("POST", "/v1/products", sp.ProductCreateParams,
     lambda sb, p, _: customers.create_product(sb, p)),
    ("POST", "/v1/prices", sp.PriceCreateParams, lambda sb, p, _: customers.create_price(sb, p)),
    ("GET", "/v1/prices/{id}", sp.PriceRetrieveParams, _get("price")),
    ("POST", SUBSCRIPTIONS, sp.SubscriptionCreateParams,
     lambda sb, p, _: billing.create_subscription(sb, p)),
    ("GET", SUBSCRIPTIONS + "/{id}", sp.SubscriptionRetrieveParams, _get("subscription")),
    ("POST", SUBSCRIPTIONS + "/{id}", sp.SubscriptionUpdateParams,
     lambda sb, p, i: schedules.update_subscription(sb, i, p)),
    ("DELETE", SUBSCRIPTIONS + "/{id}", sp.SubscriptionCancelParams,
     lambda sb, p, i: schedules.cancel_subscription(sb, i)),
    ("POST", SCHEDULES, sp.SubscriptionScheduleCreateParams,
     lambda sb, p, _: schedules.create_schedule(sb, p)),
    ("GET", SCHEDULES + "/{id}", sp.SubscriptionScheduleRetrieveParams,
     _get("subscription_schedule")),
    ("POST", SCHEDULES + "/{id}", sp.SubscriptionScheduleUpdateParams,
     lambda sb, p, i: schedules.update_schedule(sb, i, p)),
    ("POST", SCHEDULES + "/{id}/release", sp.SubscriptionScheduleReleaseParams,
     lambda sb, p, i: schedules.release_schedule(sb, i)),
    ("GET", "/v1/invoices", sp.InvoiceListParams, _list_invoices),
    ("GET", "/v1/invoices/{id}", sp.InvoiceRetrieveParams, _get_invoice),
    ("POST", "/v1/invoices/{id}/pay", sp.InvoicePayParams,
     lambda sb, _, invoice_id: billing.pay_invoice(sb, invoice_id)),
    ("GET", "/v1/invoice_payments", sp.InvoicePaymentListParams, _list_invoice_payments),
    ("GET", "/v1/payment_intents/{id}", sp.PaymentIntentRetrieveParams, _get("payment_intent")),
    ("GET", "/v1/charges/{id}", sp.ChargeRetrieveParams, _get("charge")),
    ("GET", "/v1/refunds/{id}", sp.RefundRetrieveParams, _get("refund")),
    ("GET", "/v1/balance_transactions/{id}", sp.BalanceTransactionRetrieveParams,
     _get("balance_transaction")),
    ("GET", "/v1/disputes", sp.DisputeListParams,
     lambda sb, p, _: disputes.list_disputes(sb, p)),
    ("GET", "/v1/disputes/{id}", sp.DisputeRetrieveParams, _get("dispute")),
    ("POST", "/v1/disputes/{id}", sp.DisputeUpdateParams,
     lambda sb, p, i: disputes.update_dispute(sb, i, p)),
    ("POST", "/v1/disputes/{id}/close", sp.DisputeCloseParams,
     lambda sb, p, i: disputes.close_dispute(sb, i)),
    ("POST", "/v1/refunds", sp.RefundCreateParams, lambda sb, p, _: payments.refund(sb, p)),
    ("POST", "/v1/billing_portal/sessions", sp.billing_portal.SessionCreateParams,
     lambda sb, p, _: portal.create_session(sb, p)),
    ("POST", CLOCKS, pt.TestClockCreateParams, lambda sb, p, _: clocks.create_clock(sb, p)),
    ("GET", CLOCKS + "/{id}", pt.TestClockRetrieveParams, _get(CLOCK)),
    ("POST", CLOCKS + "/{id}/advance", pt.TestClockAdvanceParams,
     lambda sb, p, i: clocks.advance_clock(sb, i, p)),
    ("GET", "/v1/events", sp.EventListParams, _list_events),
    ("GET", "/v1/events/{id}", sp.EventRetrieveParams, _get_event),
]  # fmt: skip
ROUTES = [
    (method, re.compile("^" + path.replace("{id}", "(?P<id>[^/]+)") + "$"), spec, handler)
    for method, path, spec, handler in _TABLE
]
