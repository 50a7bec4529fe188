"""Schedules, test clocks and renewals in the sandbox, through the official SDK."""

import pytest
import stripe

from stripe_sandbox.timeline import add_interval
from stripe_testkit.cards import FAILS_ON_RENEWAL, VISA
from tests.sandbox_helpers import pay, session_params


@pytest.fixture
def subscribed(sandbox_client):
    """A monthly subscription made through Checkout with a card."""

    def make(card=VISA, interval="month"):
        session = sandbox_client.v1.checkout.sessions.create(
            session_params("subscription", interval=interval)
        )
        pay(session, card.number)
        sub_id = sandbox_client.v1.checkout.sessions.retrieve(session.id).subscription
        return sandbox_client.v1.subscriptions.retrieve(sub_id)

    return make


def end_after(client, subscription, interval, count):
    schedule = client.v1.subscription_schedules.create({"from_subscription": subscription.id})
    phase = schedule.phases[0]
    return client.v1.subscription_schedules.update(
        schedule.id,
        {
            "phases": [{
                "items": [{"price": phase["items"][0].price, "quantity": 1}],
                "start_date": phase.start_date,
                "duration": {"interval": interval, "interval_count": count},
                "proration_behavior": "none",
            }],
            "end_behavior": "cancel",
            "proration_behavior": "none",
        },
    )  # fmt: skip


def paid_invoices(client, subscription_id):
    invoices = client.v1.invoices.list({"subscription": subscription_id, "limit": 100}).data
    return [i for i in invoices if i.status == "paid"]


@pytest.mark.parametrize(("interval", "count"), [("week", 2), ("month", 3), ("year", 2)])
def test_a_schedule_with_a_duration_ends_after_n_payments(
    sandbox_client, sandbox_kit, subscribed, interval, count
):
    subscription = subscribed(interval=interval)
    schedule = end_after(sandbox_client, subscription, interval, count)
    start = schedule.phases[0].start_date
    assert schedule.phases[0].end_date == add_interval(start, interval, count)
    assert sandbox_client.v1.subscriptions.retrieve(subscription.id).schedule == schedule.id
    for _ in range(count + 2):
        if sandbox_client.v1.subscriptions.retrieve(subscription.id).status == "canceled":
            break
        assert sandbox_kit.advance_one_period(subscription.id).status == "ready"
    ended = sandbox_client.v1.subscriptions.retrieve(subscription.id)
    assert ended.status == "canceled"
    assert ended.ended_at == schedule.phases[0].end_date
    assert len(paid_invoices(sandbox_client, subscription.id)) == count
    final = sandbox_client.v1.subscription_schedules.retrieve(schedule.id)
    assert final.status == "completed"


def test_without_a_schedule_renewals_go_on(sandbox_client, sandbox_kit, subscribed):
    subscription = subscribed()
    for _ in range(4):
        sandbox_kit.advance_one_period(subscription.id)
    assert sandbox_client.v1.subscriptions.retrieve(subscription.id).status == "active"
    assert len(paid_invoices(sandbox_client, subscription.id)) == 5


def test_the_0341_card_pays_at_checkout_and_fails_renewals(sandbox_client, sandbox_kit, subscribed):
    subscription = subscribed(FAILS_ON_RENEWAL)
    sandbox_kit.advance_one_period(subscription.id)
    renewed = sandbox_client.v1.subscriptions.retrieve(subscription.id)
    assert renewed.status == "past_due"
    invoice = sandbox_client.v1.invoices.retrieve(renewed.latest_invoice)
    assert (invoice.status, invoice.amount_paid, invoice.billing_reason) == (
        "open", 0, "subscription_cycle",
    )  # fmt: skip
    assert len(paid_invoices(sandbox_client, subscription.id)) == 1


def test_iterations_is_refused_as_stripe_does_since_2025_09(sandbox_client, subscribed):
    subscription = subscribed()
    schedule = sandbox_client.v1.subscription_schedules.create(
        {"from_subscription": subscription.id}
    )
    with pytest.raises(stripe.InvalidRequestError) as error:
        sandbox_client.v1.subscription_schedules.update(
            schedule.id, {"phases": [{"items": [{"price": "price_x"}], "iterations": 3}]}
        )
    assert error.value.param == "phases[0][iterations]"


def test_a_second_schedule_for_the_same_subscription_is_refused(sandbox_client, subscribed):
    subscription = subscribed()
    sandbox_client.v1.subscription_schedules.create({"from_subscription": subscription.id})
    with pytest.raises(stripe.InvalidRequestError, match="already attached to a schedule"):
        sandbox_client.v1.subscription_schedules.create({"from_subscription": subscription.id})


def test_release_detaches_the_schedule(sandbox_client, subscribed):
    subscription = subscribed()
    schedule = sandbox_client.v1.subscription_schedules.create(
        {"from_subscription": subscription.id}
    )
    released = sandbox_client.v1.subscription_schedules.release(schedule.id)
    assert (released.status, released.released_subscription) == ("released", subscription.id)
    assert sandbox_client.v1.subscriptions.retrieve(subscription.id).schedule is None


def test_clocks_only_move_forward_and_at_most_two_intervals(sandbox_client, subscribed):
    subscription = subscribed(interval="week")
    clock = sandbox_client.v1.test_helpers.test_clocks.retrieve(subscription.test_clock)
    with pytest.raises(stripe.InvalidRequestError):
        sandbox_client.v1.test_helpers.test_clocks.advance(
            clock.id, {"frozen_time": clock.frozen_time - 1}
        )
    with pytest.raises(stripe.InvalidRequestError, match="two intervals"):
        sandbox_client.v1.test_helpers.test_clocks.advance(
            clock.id, {"frozen_time": clock.frozen_time + 15 * 86400}
        )


def test_cancel_a_subscription(sandbox_client, subscribed):
    subscription = subscribed()
    canceled = sandbox_client.v1.subscriptions.cancel(subscription.id)
    assert canceled.status == "canceled"
    with pytest.raises(stripe.InvalidRequestError):
        sandbox_client.v1.subscriptions.cancel(subscription.id)
