"""Every call this site makes to the Stripe API goes through this module.

It holds only what the site itself calls; test runs drive test mode through
stripe_testkit.

Typed against the stripe SDK's bundled types (`mypy --strict` runs on this file).
With STRIPE_API_BASE set, the same calls go to a local Stripe-compatible server
(the payments sandbox) instead of api.stripe.com.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

import stripe
from django.conf import settings
from stripe.params import SubscriptionScheduleUpdateParamsPhase
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
