"""Every call this site makes to the Stripe API goes through this module.

It holds only what the site itself calls; test runs drive test mode through
stripe_testkit. Typed against the stripe SDK's bundled types (`mypy --strict`
runs on this file). With STRIPE_API_BASE set, the same calls go to a local
Stripe-compatible server (the payments sandbox) instead of api.stripe.com.

Every call has a bounded time: a connect and a read timeout per try and a number
of retries (STRIPE_CONNECT_TIMEOUT, STRIPE_READ_TIMEOUT, STRIPE_MAX_NETWORK_RETRIES),
chosen to stay well inside the app server's worker timeout; and every try passes
the process's guard (donations.stripe_guard), which fails it rather than let a
stalled Stripe hold every thread.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, Literal

import requests
import stripe
from django.conf import settings
from stripe.params import SubscriptionScheduleUpdateParamsPhase
from stripe.params.checkout import SessionCreateParams

from donations.billing_periods import periods_started
from donations.stripe_guard import CallGuard, StripeUnavailable

Interval = Literal["day", "week", "month", "year"]
RefundReason = Literal["duplicate", "fraudulent", "requested_by_customer"]
StripeError = stripe.StripeError
CardError = stripe.CardError  # a card declined
InvalidRequestError = stripe.InvalidRequestError  # e.g. an invoice no longer open
__all__ = ["StripeUnavailable"]
SignatureVerificationError = stripe.SignatureVerificationError
# The API version the installed SDK speaks (its types and our handlers are for it).
PINNED_API_VERSION: str = stripe.api_version


class PaymentsNotConfigured(Exception):
    """No STRIPE_SECRET_KEY: the site cannot take payments."""


# Seconds spent waiting on Stripe in the current request (the Server-Timing header).
stripe_seconds: ContextVar[float] = ContextVar("stripe_seconds", default=0.0)


class TimedRequestsClient(stripe.RequestsClient):
    """The SDK's HTTP client, adding the time of each call to `stripe_seconds`.

    The proxy for `base_url` (HTTPS_PROXY, NO_PROXY …) is read from the environment
    once, here: requests would otherwise read the whole environment (and look for a
    ~/.netrc) on every call, a quarter of the client's own time per call.
    """

    def __init__(
        self, *, base_url: str, timeout: tuple[float, float], guard: CallGuard | None = None
    ) -> None:
        proxies = requests.utils.get_environ_proxies(base_url)
        super().__init__(timeout=timeout, proxy=requests.utils.select_proxy(base_url, proxies))
        self.guard = guard

    # The SDK's own declarations disagree (HTTPClient: str, RequestsClient: bytes);
    # this keeps RequestsClient's, which is what it returns.
    def request(  # type: ignore[override]
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        post_data: Any = None,
    ) -> tuple[bytes, int, Mapping[str, str]]:
        if getattr(self._thread_local, "session", None) is None:  # the SDK's per-thread slot
            session = requests.Session()
            session.trust_env = False  # the proxy is passed on each call (see above)
            self._thread_local.session = session
        started = time.perf_counter()
        try:
            if self.guard is None:
                return super().request(method, url, headers, post_data)
            with self.guard.call():
                return super().request(method, url, headers, post_data)
        finally:
            stripe_seconds.set(stripe_seconds.get() + time.perf_counter() - started)


class StripeGateway:
    def __init__(
        self,
        api_key: str,
        *,
        api_base: str = "",
        max_network_retries: int = 1,
        timeout: tuple[float, float] = (3, 8),
        guard: CallGuard | None = None,
    ) -> None:
        base_url = api_base or stripe.api_base
        self.client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=max_network_retries,
            http_client=TimedRequestsClient(base_url=base_url, timeout=timeout, guard=guard),
        )

    # Checkout -----------------------------------------------------------------
    def create_checkout_session(
        self, params: SessionCreateParams, *, idempotency_key: str
    ) -> stripe.checkout.Session:
        return self.client.v1.checkout.sessions.create(
            params, options={"idempotency_key": idempotency_key}
        )

    def retrieve_checkout_session(self, session_id: str) -> stripe.checkout.Session:
        return self.client.v1.checkout.sessions.retrieve(session_id)

    # What webhook events are about, in the pinned API version ---------------------
    def retrieve_invoice(self, invoice_id: str) -> stripe.Invoice:
        """The invoice with its payments (never in webhook payloads): which payment
        intent, and so which charge, paid it."""
        return self.client.v1.invoices.retrieve(invoice_id, {"expand": ["payments"]})

    def invoice_payments(self, invoice_id: str) -> stripe.ListObject[stripe.InvoicePayment]:
        """The invoice's paid payments (never in webhook payloads): which payment intent,
        and so which charge, paid it."""
        return self.client.v1.invoice_payments.list({"invoice": invoice_id, "status": "paid"})

    def retrieve_charge(self, charge_id: str) -> stripe.Charge:
        return self.client.v1.charges.retrieve(charge_id)

    def retrieve_dispute(self, dispute_id: str) -> stripe.Dispute:
        return self.client.v1.disputes.retrieve(dispute_id)

    # A payment as Stripe has it now ------------------------------------------------
    def retrieve_payment(self, payment_intent_id: str) -> stripe.PaymentIntent:
        """The payment intent with its charge, the charge's balance transaction (Stripe's
        fee and net), and its refunds with theirs: what was paid, kept and given back."""
        return self.client.v1.payment_intents.retrieve(
            payment_intent_id,
            {
                "expand": [
                    "latest_charge.balance_transaction",
                    "latest_charge.refunds",
                    "latest_charge.refunds.data.balance_transaction",
                ]
            },
        )

    def disputes_of(self, charge_id: str) -> list[stripe.Dispute]:
        """The charge's disputes (a charge has at most one; listed to be sure)."""
        return list(self.client.v1.disputes.list({"charge": charge_id, "limit": 10}).data)

    def events_since(self, created: int, types: list[str]) -> Iterator[stripe.Event]:
        """Events of `types` created at or after `created`, newest first, every page."""
        page = self.client.v1.events.list({"created": {"gte": created}, "types": types})
        return page.auto_paging_iter()

    # Subscriptions --------------------------------------------------------------
    def retrieve_subscription(self, subscription_id: str) -> stripe.Subscription:
        return self.client.v1.subscriptions.retrieve(subscription_id)

    def paid_invoice_count(self, subscription_id: str) -> int:
        """How many of the subscription's invoices Stripe has been paid (at most 100)."""
        page = self.client.v1.invoices.list(
            {"subscription": subscription_id, "status": "paid", "limit": 100}
        )
        return len(page.data)

    def cancel_subscription(self, subscription_id: str) -> stripe.Subscription:
        return self.client.v1.subscriptions.cancel(subscription_id)

    # The donor's card --------------------------------------------------------------
    def card_on_file(self, subscription_id: str) -> stripe.PaymentMethod | None:
        """The payment method the subscription charges: its own default, else its
        customer's invoice default; None when neither is set."""
        subscription = self.client.v1.subscriptions.retrieve(
            subscription_id,
            {"expand": ["default_payment_method",
                        "customer.invoice_settings.default_payment_method"]},
        )  # fmt: skip
        method = subscription.default_payment_method
        customer = subscription.customer
        if not isinstance(method, stripe.PaymentMethod) and isinstance(customer, stripe.Customer):
            settings_ = customer.invoice_settings
            method = settings_.default_payment_method if settings_ else None
        return method if isinstance(method, stripe.PaymentMethod) else None

    def create_billing_portal_session(
        self, customer_id: str, *, return_url: str
    ) -> stripe.billing_portal.Session:
        return self.client.v1.billing_portal.sessions.create(
            {"customer": customer_id, "return_url": return_url}
        )

    # A renewal that failed ------------------------------------------------------------
    def invoice_decline(self, invoice_id: str) -> str:
        """Why the invoice's latest payment attempt failed: the card's decline code
        (`insufficient_funds`, `expired_card` …), else the error's code; "" when Stripe
        says nothing."""
        attempts = self.client.v1.invoice_payments.list({"invoice": invoice_id, "limit": 10})
        latest = max(attempts.data, key=lambda item: item.created, default=None)
        intent_id = latest.payment.payment_intent if latest and latest.payment else None
        if not intent_id:
            return ""
        intent = self.client.v1.payment_intents.retrieve(id_of(intent_id))
        error = intent.last_payment_error
        return (error.decline_code or error.code or "") if error else ""

    def pay_invoice(self, invoice_id: str, *, idempotency_key: str) -> stripe.Invoice:
        """Charge an open invoice now, with the card now on file (a card error if it is
        declined again)."""
        return self.client.v1.invoices.pay(invoice_id, options={"idempotency_key": idempotency_key})

    # Refunds (staff) ---------------------------------------------------------------
    def refund(
        self,
        payment_intent: str,
        *,
        amount_cents: int,
        idempotency_key: str,
        reason: RefundReason = "requested_by_customer",
    ) -> stripe.Refund:
        return self.client.v1.refunds.create(
            {"payment_intent": payment_intent, "amount": amount_cents, "reason": reason},
            options={"idempotency_key": idempotency_key},
        )

    def end_subscription_after(
        self, subscription_id: str, *, interval: Interval, count: int, paid: int | None = None
    ) -> stripe.SubscriptionSchedule | None:
        """Make the subscription end by itself once it has taken `count` payments in all,
        whenever this is called.

        The schedule's one phase starts with the period that was current when it was
        made, and ends after the period that takes the last payment due: with `paid`
        (payments taken so far, the current period's settled, paid or voided by a
        pause) it is set again from them, so that a pause that voided invoices moves the
        end later; without, every period so far is counted as paid. Idempotent: a
        subscription that already has a schedule that cancels keeps it (and, without
        `paid`, its end), so a retried webhook never creates a second one.
        """
        subscription = self.retrieve_subscription(subscription_id)
        if subscription.status == "canceled":
            return None  # ended already: nothing to schedule
        if subscription.schedule:
            schedule_id = id_of(subscription.schedule)
            schedule = self.client.v1.subscription_schedules.retrieve(schedule_id)
        else:
            schedule = self.client.v1.subscription_schedules.create(
                {"from_subscription": subscription_id},
                options={"idempotency_key": f"schedule-from-{subscription_id}"},
            )
        if schedule.end_behavior == "cancel" and len(schedule.phases) == 1 and paid is None:
            return schedule
        item = subscription["items"].data[0]
        recurring = item.price.recurring
        every = recurring.interval_count if recurring else 1
        anchor = subscription.billing_cycle_anchor
        current = schedule.phases[0]
        started = periods_started(anchor, item.current_period_start, interval, every)
        first = periods_started(anchor, current.start_date, interval, every)
        last = started + max(0, count - (started if paid is None else paid))
        phase: SubscriptionScheduleUpdateParamsPhase = {
            "items": [_phase_item(phase_item) for phase_item in current.items],
            "start_date": current.start_date,
            "duration": {"interval": interval, "interval_count": (last - first + 1) * every},
            "proration_behavior": "none",
        }
        return self.client.v1.subscription_schedules.update(
            schedule.id,
            {"phases": [phase], "end_behavior": "cancel", "proration_behavior": "none"},
        )


def _phase_item(
    item: stripe.SubscriptionSchedule.Phase.Item,
) -> stripe.params.SubscriptionScheduleUpdateParamsPhaseItem:
    """A phase item as the update takes it; `quantity` is optional in the API (default 1)."""
    quantity = getattr(item, "quantity", None)
    if isinstance(quantity, int):
        return {"price": id_of(item.price), "quantity": quantity}
    return {"price": id_of(item.price)}


def verify_signature(payload: bytes, signature: str | None, secret: str) -> None:
    """Check the Stripe-Signature header against the raw body (signed with `secret`, at
    most 5 minutes ago); raises SignatureVerificationError if it is bad, stale or
    missing, or if there is no secret."""
    stripe.WebhookSignature.verify_header(
        payload, signature, secret, stripe.Webhook.DEFAULT_TOLERANCE
    )


def id_of(field: str | stripe.StripeObject) -> str:
    return field if isinstance(field, str) else str(field["id"])


@lru_cache(maxsize=4)
def _guard(
    api_base: str, max_concurrent: int, slow_seconds: float, failures: int, seconds: float
) -> CallGuard:
    """One guard per process and Stripe address, shared by every gateway to it."""
    return CallGuard(
        max_concurrent=max_concurrent,
        slow_seconds=slow_seconds,
        failures_to_open=failures,
        open_seconds=seconds,
    )


def current_guard() -> CallGuard:
    return _guard(
        str(settings.STRIPE_API_BASE),
        int(settings.STRIPE_MAX_CONCURRENT_CALLS),
        float(settings.STRIPE_SLOW_CALL_SECONDS),
        int(settings.STRIPE_BREAKER_FAILURES),
        float(settings.STRIPE_BREAKER_SECONDS),
    )


@lru_cache(maxsize=4)
def _gateway(
    api_key: str, api_base: str, retries: int, timeout: tuple[float, float], guard: CallGuard
) -> StripeGateway:
    return StripeGateway(
        api_key, api_base=api_base, max_network_retries=retries, timeout=timeout, guard=guard
    )


def get_gateway(*, read_timeout: float | None = None, retries: int | None = None) -> StripeGateway:
    """The gateway for the current settings (one client per configuration); a page
    that must not keep its visitor waiting asks for a shorter read timeout."""
    api_key: str = settings.STRIPE_SECRET_KEY
    if not api_key:
        raise PaymentsNotConfigured("STRIPE_SECRET_KEY is not set")
    read = float(settings.STRIPE_READ_TIMEOUT if read_timeout is None else read_timeout)
    tries = int(settings.STRIPE_MAX_NETWORK_RETRIES if retries is None else retries)
    timeout = (float(settings.STRIPE_CONNECT_TIMEOUT), read)
    return _gateway(api_key, str(settings.STRIPE_API_BASE), tries, timeout, current_guard())
