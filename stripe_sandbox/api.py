"""The sandbox's API: routes from Stripe's paths to the handlers, with parameter checks."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from stripe import params as p
from stripe.params import checkout as pc
from stripe.params import test_helpers as pt

from stripe_sandbox import billing, checkout, payments, schedules
from stripe_sandbox.params import check
from stripe_sandbox.store import Store, StripeError, list_object
from stripe_sandbox.webhooks import Webhooks

Handler = Callable[["Sandbox", dict[str, Any], dict[str, str]], dict[str, Any]]
ROUTES: list[tuple[str, re.Pattern[str], type | None, Handler]] = []


def route(method: str, path: str, spec: type | None) -> Callable[[Handler], Handler]:
    pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "$")

    def register(handler: Handler) -> Handler:
        ROUTES.append((method, pattern, spec, handler))
        return handler

    return register


class Sandbox:
    def __init__(self, *, base_url: str, webhook_url: str = "", webhook_secret: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        self.store = Store()
        self.webhooks = Webhooks(self.store, webhook_url, webhook_secret)

    def handle(
        self, method: str, path: str, params: dict[str, Any], idempotency_key: str | None = None
    ) -> tuple[int, dict[str, Any]]:
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
        with self.store.lock:
            if method == "POST" and idempotency_key:
                return self._idempotent(idempotency_key, path, params, handler, match.groupdict())
            return 200, self.store.snapshot(handler(self, params, match.groupdict()))

    def _idempotent(
        self, key: str, path: str, params: dict[str, Any], handler: Handler, args: dict[str, str]
    ) -> tuple[int, dict[str, Any]]:
        fingerprint = hashlib.sha256(repr((path, sorted(params.items()))).encode()).hexdigest()
        if key in self.store.idempotency:
            seen, status, body = self.store.idempotency[key]
            if seen != fingerprint:
                raise StripeError(
                    "Keys for idempotent requests can only be used with the same parameters they "
                    f"were first used with. Try using a key other than '{key}'.",
                    type="idempotency_error",
                )
            return status, body
        body = self.store.snapshot(handler(self, params, args))
        self.store.idempotency[key] = (fingerprint, 200, body)
        return 200, body


# Checkout ------------------------------------------------------------------------
@route("POST", "/v1/checkout/sessions", pc.SessionCreateParams)
def _create_session(sb: Sandbox, params: dict[str, Any], _: dict[str, str]) -> dict[str, Any]:
    return checkout.public(checkout.create_session(sb, params))


@route("GET", "/v1/checkout/sessions/{id}", pc.SessionRetrieveParams)
def _get_session(sb: Sandbox, params: dict[str, Any], a: dict[str, str]) -> dict[str, Any]:
    return checkout.public(sb.store.get(a["id"], "checkout.session"))


@route("POST", "/v1/checkout/sessions/{id}/expire", pc.SessionExpireParams)
def _expire_session(sb: Sandbox, params: dict[str, Any], a: dict[str, str]) -> dict[str, Any]:
    return checkout.public(checkout.expire_session(sb, a["id"]))


# Customers, payment methods, products, prices -----------------------------------
@route("POST", "/v1/customers", p.CustomerCreateParams)
def _create_customer(sb: Sandbox, params: dict[str, Any], _: dict[str, str]) -> dict[str, Any]:
    return billing.create_customer(sb, params)


@route("GET", "/v1/customers/{id}", p.CustomerRetrieveParams)
def _get_customer(sb: Sandbox, params: dict[str, Any], a: dict[str, str]) -> dict[str, Any]:
    return sb.store.get(a["id"], "customer")


@route("POST", "/v1/customers/{id}", p.CustomerUpdateParams)
def _update_customer(sb: Sandbox, params: dict[str, Any], a: dict[str, str]) -> dict[str, Any]:
    return billing.update_customer(sb, a["id"], params)


@route("POST", "/v1/payment_methods/{id}/attach", p.PaymentMethodAttachParams)
def _attach(sb: Sandbox, params: dict[str, Any], a: dict[str, str]) -> dict[str, Any]:
    return billing.attach_payment_method(sb, a["id"], params.get("customer", ""))


@route("POST", "/v1/products", p.ProductCreateParams)
def _create_product(sb: Sandbox, params: dict[str, Any], _: dict[str, str]) -> dict[str, Any]:
    return billing.create_product(sb, params)


@route("POST", "/v1/prices", p.PriceCreateParams)
def _create_price(sb: Sandbox, params: dict[str, Any], _: dict[str, str]) -> dict[str, Any]:
    return billing.create_price(sb, params)


@route("GET", "/v1/prices/{id}", p.PriceRetrieveParams)
def _get_price(sb: Sandbox, params: dict[str, Any], a: dict[str, str]) -> dict[str, Any]:
    return sb.store.get(a["id"], "price")


# Subscriptions and schedules -----------------------------------------------------
@route("POST", "/v1/subscriptions", p.SubscriptionCreateParams)
def _create_sub(sb: Sandbox, params: dict[str, Any], _: dict[str, str]) -> dict[str, Any]:
    return billing.create_subscription(sb, params)


@route("GET", "/v1/subscriptions/{id}", p.SubscriptionRetrieveParams)
def _get_sub(sb: Sandbox, params: dict[str, Any], a: dict[str, str]) -> dict[str, Any]:
    return sb.store.get(a["id"], "subscription")


@route("POST", "/v1/subscriptions/{id}", p.SubscriptionUpdateParams)
def _update_sub(sb: Sandbox, params: dict[str, Any], a: dict[str, str]) -> dict[str, Any]:
    return schedules.update_subscription(sb, a["id"], params)


@route("DELETE", "/v1/subscriptions/{id}", p.SubscriptionCancelParams)
def _cancel_sub(sb: Sandbox, params: dict[str, Any], a: dict[str, str]) -> dict[str, Any]:
    return schedules.cancel_subscription(sb, a["id"])


@route("POST", "/v1/subscription_schedules", p.SubscriptionScheduleCreateParams)
def _create_schedule(sb: Sandbox, params: dict[str, Any], _: dict[str, str]) -> dict[str, Any]:
    return schedules.create_schedule(sb, params)


@route("GET", "/v1/subscription_schedules/{id}", p.SubscriptionScheduleRetrieveParams)
def _get_schedule(sb: Sandbox, params: dict[str, Any], a: dict[str, str]) -> dict[str, Any]:
    return sb.store.get(a["id"], "subscription_schedule")


@route("POST", "/v1/subscription_schedules/{id}", p.SubscriptionScheduleUpdateParams)
def _update_schedule(sb: Sandbox, params: dict[str, Any], a: dict[str, str]) -> dict[str, Any]:
    return schedules.update_schedule(sb, a["id"], params)


@route("POST", "/v1/subscription_schedules/{id}/release", p.SubscriptionScheduleReleaseParams)
def _release(sb: Sandbox, params: dict[str, Any], a: dict[str, str]) -> dict[str, Any]:
    return schedules.release_schedule(sb, a["id"])


# Invoices, payments, refunds -----------------------------------------------------
@route("GET", "/v1/invoices", p.InvoiceListParams)
def _list_invoices(sb: Sandbox, params: dict[str, Any], _: dict[str, str]) -> dict[str, Any]:
    filters = {k: params[k] for k in ("customer", "status") if k in params}
    found = sb.store.all("invoice", **filters)
    if "subscription" in params:
        found = [
            i
            for i in found
            if i["parent"]["subscription_details"]["subscription"] == params["subscription"]
        ]
    return _page("/v1/invoices", found, params)


@route("GET", "/v1/invoices/{id}", p.InvoiceRetrieveParams)
def _get_invoice(sb: Sandbox, params: dict[str, Any], a: dict[str, str]) -> dict[str, Any]:
    return sb.store.get(a["id"], "invoice")


@route("GET", "/v1/payment_intents/{id}", p.PaymentIntentRetrieveParams)
def _get_intent(sb: Sandbox, params: dict[str, Any], a: dict[str, str]) -> dict[str, Any]:
    return sb.store.get(a["id"], "payment_intent")


@route("GET", "/v1/charges/{id}", p.ChargeRetrieveParams)
def _get_charge(sb: Sandbox, params: dict[str, Any], a: dict[str, str]) -> dict[str, Any]:
    return sb.store.get(a["id"], "charge")


@route("POST", "/v1/refunds", p.RefundCreateParams)
def _refund(sb: Sandbox, params: dict[str, Any], _: dict[str, str]) -> dict[str, Any]:
    return payments.refund(sb, params)


# Test clocks and events ----------------------------------------------------------
@route("POST", "/v1/test_helpers/test_clocks", pt.TestClockCreateParams)
def _create_clock(sb: Sandbox, params: dict[str, Any], _: dict[str, str]) -> dict[str, Any]:
    return schedules.create_clock(sb, params)


@route("GET", "/v1/test_helpers/test_clocks/{id}", pt.TestClockRetrieveParams)
def _get_clock(sb: Sandbox, params: dict[str, Any], a: dict[str, str]) -> dict[str, Any]:
    return sb.store.get(a["id"], schedules.CLOCK)


@route("POST", "/v1/test_helpers/test_clocks/{id}/advance", pt.TestClockAdvanceParams)
def _advance(sb: Sandbox, params: dict[str, Any], a: dict[str, str]) -> dict[str, Any]:
    return schedules.advance_clock(sb, a["id"], params)


@route("GET", "/v1/events", p.EventListParams)
def _list_events(sb: Sandbox, params: dict[str, Any], _: dict[str, str]) -> dict[str, Any]:
    events = list(reversed(sb.store.events))  # newest first, as Stripe lists them
    if "type" in params:
        events = [e for e in events if e["type"] == params["type"]]
    if "delivery_success" in params:
        delivered = params["delivery_success"] == "true"
        events = [e for e in events if (e["pending_webhooks"] == 0) == delivered]
    return _page("/v1/events", events, params)


@route("GET", "/v1/events/{id}", p.EventRetrieveParams)
def _get_event(sb: Sandbox, params: dict[str, Any], a: dict[str, str]) -> dict[str, Any]:
    for event in sb.store.events:
        if event["id"] == a["id"]:
            return event
    raise StripeError(f"No such event: '{a['id']}'", status=404, param="id")


def _page(url: str, items: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
    if "starting_after" in params:
        ids = [i["id"] for i in items]
        start = ids.index(params["starting_after"]) + 1 if params["starting_after"] in ids else 0
        items = items[start:]
    limit = int(params.get("limit", 10))
    return list_object(url, items[:limit], has_more=len(items) > limit)
