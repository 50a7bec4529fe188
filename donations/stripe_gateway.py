"""Every call this site makes to the Stripe API goes through this module.

Typed against the stripe SDK's bundled types (`mypy --strict` runs on this file).
With STRIPE_API_BASE set, the same calls go to a local Stripe-compatible server
(the payments sandbox) instead of api.stripe.com.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

import stripe
from django.conf import settings
from stripe.params import (
    SubscriptionCreateParamsItemPriceData,
    SubscriptionScheduleUpdateParamsPhase,
)
from stripe.params.checkout import SessionCreateParams

Interval = Literal["day", "week", "month", "year"]
StripeError = stripe.StripeError
SignatureVerificationError = stripe.SignatureVerificationError


class PaymentsNotConfigured(Exception):
    """No STRIPE_SECRET_KEY: the site cannot take payments."""


class StripeGateway:
    def __init__(
        self,
        api_key: str,
        *,
        api_base: str = "",
        max_network_retries: int = 2,
        timeout: float = 20,
    ) -> None:
        self.client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=max_network_retries,
            http_client=stripe.RequestsClient(timeout=timeout),
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

    def expire_checkout_session(self, session_id: str) -> stripe.checkout.Session:
        return self.client.v1.checkout.sessions.expire(session_id)

    # Subscriptions --------------------------------------------------------------
    def retrieve_subscription(self, subscription_id: str) -> stripe.Subscription:
        return self.client.v1.subscriptions.retrieve(subscription_id)

    def cancel_subscription(self, subscription_id: str) -> stripe.Subscription:
        return self.client.v1.subscriptions.cancel(subscription_id)

    def end_subscription_after(
        self, subscription_id: str, *, interval: Interval, count: int
    ) -> stripe.SubscriptionSchedule:
        """Make the subscription end by itself after `count` intervals (= payments).

        Idempotent: a subscription that already has a schedule keeps it, so a
        retried webhook never creates a second one.
        """
        subscription = self.retrieve_subscription(subscription_id)
        if subscription.schedule:
            schedule_id = id_of(subscription.schedule)
            schedule = self.client.v1.subscription_schedules.retrieve(schedule_id)
        else:
            schedule = self.client.v1.subscription_schedules.create(
                {"from_subscription": subscription_id},
                options={"idempotency_key": f"schedule-from-{subscription_id}"},
            )
        if schedule.end_behavior == "cancel" and len(schedule.phases) == 1:
            return schedule
        current = schedule.phases[0]
        phase: SubscriptionScheduleUpdateParamsPhase = {
            "items": [
                {"price": id_of(item.price), "quantity": item.quantity or 1}
                for item in current.items
            ],
            "start_date": current.start_date,
            "duration": {"interval": interval, "interval_count": count},
            "proration_behavior": "none",
        }
        return self.client.v1.subscription_schedules.update(
            schedule.id,
            {"phases": [phase], "end_behavior": "cancel", "proration_behavior": "none"},
        )

    # Test mode only: what `manage.py payment_run` needs beyond the site's own calls.
    def create_test_clock(self, *, frozen_time: int, name: str) -> stripe.test_helpers.TestClock:
        return self.client.v1.test_helpers.test_clocks.create(
            {"frozen_time": frozen_time, "name": name}
        )

    def retrieve_test_clock(self, clock_id: str) -> stripe.test_helpers.TestClock:
        return self.client.v1.test_helpers.test_clocks.retrieve(clock_id)

    def advance_test_clock(self, clock_id: str, frozen_time: int) -> stripe.test_helpers.TestClock:
        return self.client.v1.test_helpers.test_clocks.advance(
            clock_id, {"frozen_time": frozen_time}
        )

    def create_customer(
        self, *, email: str, test_clock: str, payment_method: str
    ) -> stripe.Customer:
        """A customer on a test clock paying with a test payment method (pm_card_visa …)."""
        customer = self.client.v1.customers.create({"email": email, "test_clock": test_clock})
        self.use_payment_method(customer.id, payment_method)
        return customer

    def use_payment_method(self, customer_id: str, payment_method: str) -> None:
        """Attach a test payment method and make it the customer's default."""
        attached = self.client.v1.payment_methods.attach(payment_method, {"customer": customer_id})
        self.client.v1.customers.update(
            customer_id, {"invoice_settings": {"default_payment_method": attached.id}}
        )

    def create_product(self, name: str) -> stripe.Product:
        return self.client.v1.products.create({"name": name})

    def create_subscription(
        self,
        *,
        customer: str,
        product: str,
        amount_cents: int,
        interval: Interval,
        metadata: dict[str, str],
    ) -> stripe.Subscription:
        price_data: SubscriptionCreateParamsItemPriceData = {
            "currency": "usd",
            "product": product,
            "unit_amount": amount_cents,
            "recurring": {"interval": interval},
        }
        return self.client.v1.subscriptions.create(
            {"customer": customer, "items": [{"price_data": price_data}], "metadata": metadata}
        )

    def list_invoices(self, subscription_id: str) -> list[stripe.Invoice]:
        page = self.client.v1.invoices.list({"subscription": subscription_id, "limit": 100})
        return list(page.data)

    def undelivered_events(self) -> list[stripe.Event]:
        page = self.client.v1.events.list({"delivery_success": False, "limit": 100})
        return list(page.data)

    def list_events(self, event_type: str) -> list[stripe.Event]:
        return list(self.client.v1.events.list({"type": event_type, "limit": 100}).data)


def construct_event(payload: bytes, signature: str | None, secret: str) -> stripe.Event:
    """Verify the Stripe-Signature header against the raw body and parse the event.

    Raises SignatureVerificationError (bad, stale or missing signature, or no
    secret) or ValueError (a body that is not JSON).
    """
    event: stripe.Event = stripe.Webhook.construct_event(payload, signature, secret)
    return event


def id_of(field: str | stripe.StripeObject) -> str:
    return field if isinstance(field, str) else str(field["id"])


@lru_cache(maxsize=4)
def _gateway(api_key: str, api_base: str, retries: int) -> StripeGateway:
    return StripeGateway(api_key, api_base=api_base, max_network_retries=retries)


def get_gateway() -> StripeGateway:
    """The gateway for the current settings (one client per configuration)."""
    api_key: str = settings.STRIPE_SECRET_KEY
    if not api_key:
        raise PaymentsNotConfigured("STRIPE_SECRET_KEY is not set")
    return _gateway(
        api_key,
        str(settings.STRIPE_API_BASE),
        int(settings.STRIPE_MAX_NETWORK_RETRIES),
    )
