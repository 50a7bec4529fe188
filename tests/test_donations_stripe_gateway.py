import json

import pytest

from donations.stripe_gateway import (
    PaymentsNotConfigured,
    SignatureVerificationError,
    StripeGateway,
    construct_event,
    get_gateway,
)
from tests.stripe_events import WEBHOOK_SECRET, sign


def test_the_sdk_talks_to_the_configured_base(fake_stripe):
    fake_stripe.answer(
        "GET", "/v1/checkout/sessions/cs_1", {"id": "cs_1", "object": "checkout.session"}
    )
    session = get_gateway().retrieve_checkout_session("cs_1")
    assert session.id == "cs_1"
    (request,) = fake_stripe.requests
    assert request.headers["Authorization"] == "Bearer sk_test_fake"
    assert request.headers["Stripe-Version"].startswith("20")


def test_no_key_means_payments_are_not_configured(settings):
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(PaymentsNotConfigured):
        get_gateway()


def test_an_existing_cancelling_schedule_is_left_alone(fake_stripe):
    fake_stripe.answer("GET", "/v1/subscriptions/sub_1", {"id": "sub_1", "object": "subscription",
                                                        "schedule": "sched_1"})  # fmt: skip
    fake_stripe.answer(
        "GET",
        "/v1/subscription_schedules/sched_1",
        {"id": "sched_1", "object": "subscription_schedule", "end_behavior": "cancel",
         "phases": [{"start_date": 1, "items": [{"price": "price_1", "quantity": 1}]}]},
    )  # fmt: skip
    gateway = StripeGateway("sk_test_x", api_base=fake_stripe.url)
    schedule = gateway.end_subscription_after("sub_1", interval="week", count=2)
    assert schedule.id == "sched_1"
    assert [r.method for r in fake_stripe.requests] == ["GET", "GET"]


def test_construct_event_verifies_the_signature():
    body = json.dumps({"id": "evt_1", "object": "event", "type": "x", "data": {"object": {}}})
    event = construct_event(body.encode(), sign(body.encode()), WEBHOOK_SECRET)
    assert event.id == "evt_1"
    with pytest.raises(SignatureVerificationError):
        construct_event(body.encode(), sign(b"other"), WEBHOOK_SECRET)
