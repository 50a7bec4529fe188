import json

import pytest

from donations.stripe_gateway import (
    PaymentsNotConfigured,
    SignatureVerificationError,
    StripeGateway,
    get_gateway,
    verify_signature,
)
from stripe_testkit.cards import VISA
from tests.stripe_events import WEBHOOK_SECRET, answer_subscription_flow, schedule, sign
from tests.stripe_fake import FakeStripe


def test_the_sdk_talks_to_the_configured_base(fake_stripe):
    fake_stripe.answer(
        "GET", "/v1/checkout/sessions/cs_1", {"id": "cs_1", "object": "checkout.session"}
    )
    session = get_gateway().retrieve_checkout_session("cs_1")
    assert session.id == "cs_1"
    (request,) = fake_stripe.requests
    assert request.headers["Authorization"] == "Bearer sk_test_fake"
    assert request.headers["Stripe-Version"].startswith("20")


@pytest.fixture
def proxy():
    """A forward proxy on loopback (it records the absolute URLs it is asked for)."""
    fake = FakeStripe()
    server, _ = fake.serve()
    yield fake
    server.shutdown()
    server.server_close()


def test_calls_go_through_the_proxy_the_environment_names(monkeypatch, proxy):
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    proxy.answer("GET", "http://stripe.invalid/v1/charges/ch_1", {"id": "ch_1", "object": "charge"})
    gateway = StripeGateway("sk_test_x", api_base="http://stripe.invalid")
    monkeypatch.delenv("HTTP_PROXY")  # read once, when the client is made
    assert gateway.retrieve_charge("ch_1").id == "ch_1"
    assert [r.path for r in proxy.requests] == ["http://stripe.invalid/v1/charges/ch_1"]


def test_a_host_no_proxy_names_is_called_directly(monkeypatch, proxy, fake_stripe):
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    fake_stripe.answer("GET", "/v1/charges/ch_1", {"id": "ch_1", "object": "charge"})
    assert StripeGateway("sk_test_x", api_base=fake_stripe.url).retrieve_charge("ch_1").id == "ch_1"
    assert proxy.requests == []
    assert [r.path for r in fake_stripe.requests] == ["/v1/charges/ch_1"]


def test_no_key_means_payments_are_not_configured(settings):
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(PaymentsNotConfigured):
        get_gateway()


def test_an_existing_cancelling_schedule_is_left_alone(fake_stripe):
    fake_stripe.answer("GET", "/v1/subscriptions/sub_1", {"id": "sub_1", "object": "subscription",
                                                        "status": "active",
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


def test_verify_signature_accepts_only_the_body_signed_with_the_secret():
    body = json.dumps({"id": "evt_1", "object": "event", "type": "x", "data": {"object": {}}})
    verify_signature(body.encode(), sign(body.encode()), WEBHOOK_SECRET)
    with pytest.raises(SignatureVerificationError):
        verify_signature(body.encode(), sign(b"other"), WEBHOOK_SECRET)
    with pytest.raises(SignatureVerificationError):
        verify_signature(body.encode(), None, WEBHOOK_SECRET)


@pytest.mark.parametrize("renewals_before", [0, 1, 2], ids=["on-time", "1-late", "N-1-late"])
def test_a_schedule_set_late_still_bills_exactly_n(sandbox_server, sandbox_kit, renewals_before):
    """However many renewals happened before the schedule is set, N payments in all."""
    n = 3
    clock = sandbox_kit.create_test_clock(frozen_time=1_700_000_000, name="late schedule")
    customer = sandbox_kit.create_customer(
        email="late@example.org", test_clock=clock.id, payment_method=VISA.payment_method
    )
    product = sandbox_kit.create_product("Donation").id
    subscription = sandbox_kit.create_subscription(
        customer=customer.id, product=product, amount_cents=2000, interval="month", metadata={}
    )
    for _ in range(renewals_before):
        sandbox_kit.advance_one_period(subscription.id)
    gateway = StripeGateway("sk_test_sandbox", api_base=sandbox_server.url)
    gateway.end_subscription_after(subscription.id, interval="month", count=n)
    sandbox_kit.run_subscription_to_end(subscription.id, n, webhooks=False)
    invoices = sandbox_kit.list_invoices(subscription.id)
    assert sum(1 for invoice in invoices if invoice.status == "paid") == n
    assert sandbox_kit.retrieve_subscription(subscription.id).status == "canceled"


@pytest.mark.parametrize(("periods_billed", "still_due"), [(1, 3), (2, 2), (3, 1), (5, 1)])
@pytest.mark.django_db
def test_the_phase_lasts_for_the_periods_still_due(fake_stripe, monthly, periods_billed, still_due):
    answer_subscription_flow(fake_stripe, monthly, periods_billed=periods_billed)
    get_gateway().end_subscription_after(f"sub_test_{monthly.pk}", interval="month", count=3)
    (update,) = fake_stripe.calls("POST", f"/v1/subscription_schedules/sub_sched_test_{monthly.pk}")
    assert update.form["phases[0][duration][interval_count]"] == str(still_due)


@pytest.mark.django_db
def test_a_phase_item_without_quantity_is_sent_without_one(fake_stripe, monthly):
    answer_subscription_flow(fake_stripe, monthly)
    without = schedule(monthly)
    del without["phases"][0]["items"][0]["quantity"]
    fake_stripe.routes[("POST", "/v1/subscription_schedules")] = [(200, without)]
    get_gateway().end_subscription_after(f"sub_test_{monthly.pk}", interval="month", count=3)
    (update,) = fake_stripe.calls("POST", f"/v1/subscription_schedules/sub_sched_test_{monthly.pk}")
    assert update.form["phases[0][items][0][price]"] == f"price_test_{monthly.pk}"
    assert "phases[0][items][0][quantity]" not in update.form
