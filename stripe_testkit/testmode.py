"""The Stripe calls that only test mode has, or that only test runs make.

`TestModeStripe` drives Stripe's test mode, or the payments sandbox with `api_base`:
test clocks, customers paying with test payment methods, bare subscriptions,
listing invoices and events, expiring a Checkout Session, and waiting until every
event has been delivered or a subscription has run to its end.
"""

from __future__ import annotations

from typing import Literal

import stripe
from stripe.params import SubscriptionCreateParamsItemPriceData

from stripe_testkit.waiting import wait_until

Interval = Literal["day", "week", "month", "year"]


class TestModeStripe:
    __test__ = False  # not a pytest test class

    def __init__(self, api_key: str, *, api_base: str = "") -> None:
        if not api_key.startswith(("sk_test_", "rk_test_")):
            raise ValueError("The test kit drives test mode only: give it a sk_test_ key.")
        self.client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=0,
        )

    # Test clocks ------------------------------------------------------------------
    def create_test_clock(self, *, frozen_time: int, name: str) -> stripe.test_helpers.TestClock:
        return self.client.v1.test_helpers.test_clocks.create(
            {"frozen_time": frozen_time, "name": name}
        )

    def advance_test_clock(self, clock_id: str, frozen_time: int) -> stripe.test_helpers.TestClock:
        return self.client.v1.test_helpers.test_clocks.advance(
            clock_id, {"frozen_time": frozen_time}
        )

    def clock_ready(self, clock_id: str) -> bool:
        return self.client.v1.test_helpers.test_clocks.retrieve(clock_id).status == "ready"

    # Customers, products, subscriptions (the API path, without Checkout) --------------
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

    def retrieve_subscription(self, subscription_id: str) -> stripe.Subscription:
        return self.client.v1.subscriptions.retrieve(subscription_id)

    def list_invoices(self, subscription_id: str) -> list[stripe.Invoice]:
        page = self.client.v1.invoices.list({"subscription": subscription_id, "limit": 100})
        return list(page.data)

    def retrieve_checkout_session(self, session_id: str) -> stripe.checkout.Session:
        return self.client.v1.checkout.sessions.retrieve(session_id)

    def checkout_session_ids(self) -> list[str]:
        """Every Checkout Session the account has, newest first."""
        page = self.client.v1.checkout.sessions.list({"limit": 100})
        return [session.id for session in page.auto_paging_iter()]

    def expire_checkout_session(self, session_id: str) -> stripe.checkout.Session:
        return self.client.v1.checkout.sessions.expire(session_id)

    # What staff or a card holder do in Stripe's Dashboard or bank ---------------------
    def refund(self, payment_intent: str, amount_cents: int) -> stripe.Refund:
        """A refund made in the Dashboard, not through the site."""
        return self.client.v1.refunds.create(
            {"payment_intent": payment_intent, "amount": amount_cents}
        )

    def pause(self, subscription_id: str) -> stripe.Subscription:
        """Pause the subscription's payments (its invoices are voided meanwhile)."""
        return self.client.v1.subscriptions.update(
            subscription_id, {"pause_collection": {"behavior": "void"}}
        )

    def resume(self, subscription_id: str) -> stripe.Subscription:
        return self.client.v1.subscriptions.update(subscription_id, {"pause_collection": ""})

    def disputes_of(self, payment_intent: str) -> list[stripe.Dispute]:
        return list(self.client.v1.disputes.list({"payment_intent": payment_intent}).data)

    def answer_dispute(self, dispute_id: str, evidence: str) -> stripe.Dispute:
        """Submit evidence: in test mode "winning_evidence" wins, anything else loses."""
        return self.client.v1.disputes.update(
            dispute_id, {"evidence": {"uncategorized_text": evidence}, "submit": True}
        )

    # Events ----------------------------------------------------------------------
    def undelivered_events(self) -> list[stripe.Event]:
        page = self.client.v1.events.list({"delivery_success": False, "limit": 100})
        return list(page.data)

    def list_events(self, event_type: str) -> list[stripe.Event]:
        return list(self.client.v1.events.list({"type": event_type, "limit": 100}).data)

    def wait_for_webhooks(self, timeout: float = 60) -> None:
        """Wait until every event created so far has been delivered to the endpoint."""
        wait_until(lambda: not self.undelivered_events(), timeout, "webhooks")

    def run_subscription_to_end(
        self, subscription_id: str, payments: int, *, webhooks: bool = True
    ) -> None:
        """Advance the subscription's test clock a billing period at a time until it ends
        (or one period past the payments it should make), waiting for each advance and,
        with `webhooks`, for the events it caused to be delivered."""
        for _ in range(payments + 1):
            if self.retrieve_subscription(subscription_id).status == "canceled":
                return
            self.advance_one_period(subscription_id)
            if webhooks:
                self.wait_for_webhooks()

    def advance_one_period(self, subscription_id: str) -> stripe.test_helpers.TestClock:
        """Move the subscription's test clock just past its current period's end and
        wait until the clock has billed what that brings."""
        subscription = self.retrieve_subscription(subscription_id)
        clock_id = str(subscription.test_clock)
        period_end = subscription["items"].data[0].current_period_end
        clock = self.advance_test_clock(clock_id, period_end + 60)
        wait_until(lambda: self.clock_ready(clock_id), 120, "the test clock")
        return clock
