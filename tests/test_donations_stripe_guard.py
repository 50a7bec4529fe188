"""A stalled Stripe holds few threads: the bulkhead and the circuit breaker."""

import threading

import pytest
import stripe
from django.test import Client

from donations.stripe_gateway import current_guard
from donations.stripe_guard import CallGuard, StripeUnavailable
from stripe_testkit.waiting import wait_until
from tests.factories import CampaignArticleFactory, donation_form_data

pytestmark = pytest.mark.django_db(transaction=True)
SESSION = {"id": "cs_test_g", "object": "checkout.session",
           "url": "https://checkout.stripe.com/c/pay/cs_test_g"}  # fmt: skip


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def fail(guard: CallGuard) -> None:
    with pytest.raises(stripe.APIConnectionError), guard.call():
        raise stripe.APIConnectionError("timed out", should_retry=True)


@pytest.mark.django_db(transaction=False)
def test_the_breaker_opens_after_failures_in_a_row_and_one_call_tries_again():
    clock = Clock()
    guard = CallGuard(
        max_concurrent=4, slow_seconds=2, failures_to_open=2, open_seconds=30, clock=clock
    )
    fail(guard)
    with guard.call():  # a success in between: the count starts again
        pass
    fail(guard)
    fail(guard)
    assert guard.is_open
    with pytest.raises(StripeUnavailable), guard.call():
        pass
    clock.now = 31
    # The one that tries again does so alone.
    with guard.call(), pytest.raises(StripeUnavailable), guard.call():
        pass
    assert not guard.is_open
    with guard.call():
        pass


@pytest.mark.django_db(transaction=False)
def test_a_failed_retry_opens_the_breaker_again():
    clock = Clock()
    guard = CallGuard(
        max_concurrent=4, slow_seconds=2, failures_to_open=1, open_seconds=30, clock=clock
    )
    fail(guard)
    clock.now = 31
    fail(guard)
    clock.now = 60
    with pytest.raises(StripeUnavailable), guard.call():
        pass


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.DONATION_RATE_LIMIT = settings.DONATION_EMAIL_RATE_LIMIT = "1000/m"


def donate(article, email):
    data = donation_form_data(token="", email=email)
    return Client().post(f"{article.get_absolute_url()}donate/", data)


def test_a_donor_finding_every_slot_taken_waits_for_a_turn_while_stripe_answers(
    fake_stripe, settings
):
    settings.STRIPE_MAX_CONCURRENT_CALLS = 1
    settings.STRIPE_SLOW_CALL_SECONDS = 30
    article = CampaignArticleFactory()
    fake_stripe.answer("POST", "/v1/checkout/sessions", SESSION)
    stall = fake_stripe.stall("POST", "/v1/checkout/sessions")
    answers = []
    donors = [
        threading.Thread(target=lambda e=email: answers.append(donate(article, e)))
        for email in ("a@example.org", "b@example.org")
    ]
    donors[0].start()
    try:
        assert stall.arrived.wait(10)
        donors[1].start()  # the one slot is taken: it waits for a turn
        wait_until(lambda: current_guard().waiting == 1, 10, "the second donor to wait")
    finally:
        stall.release()
        for donor in donors:
            donor.join()
    assert [answer.status_code for answer in answers] == [303, 303]
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 2


def test_one_call_too_many_fails_once_the_call_in_flight_has_waited_too_long(fake_stripe, settings):
    settings.STRIPE_MAX_CONCURRENT_CALLS = 1
    settings.STRIPE_SLOW_CALL_SECONDS = 0.5
    settings.STRIPE_READ_TIMEOUT = 20
    article = CampaignArticleFactory()
    fake_stripe.answer("POST", "/v1/checkout/sessions", SESSION)
    stall = fake_stripe.stall("POST", "/v1/checkout/sessions")
    first = []
    waiting = threading.Thread(target=lambda: first.append(donate(article, "a@example.org")))
    waiting.start()
    try:
        assert stall.arrived.wait(10)
        refused = donate(article, "b@example.org")  # answered with the first still waiting
        assert not stall.released.is_set()
        assert refused.status_code == 502
        assert "We could not reach our payment provider" in refused.content.decode()
    finally:
        stall.release()
        waiting.join()
    assert first[0].status_code == 303
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 1


def test_after_time_outs_donors_are_answered_at_once_until_stripe_answers(fake_stripe, settings):
    settings.STRIPE_READ_TIMEOUT = 0.2
    settings.STRIPE_BREAKER_FAILURES = 2
    settings.STRIPE_BREAKER_SECONDS = 3
    article = CampaignArticleFactory()
    fake_stripe.answer("POST", "/v1/checkout/sessions", SESSION)
    stall = fake_stripe.stall("POST", "/v1/checkout/sessions")
    assert [donate(article, f"{n}@example.org").status_code for n in range(2)] == [502, 502]
    assert donate(article, "fast@example.org").status_code == 502
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 2  # no call: it is open
    stall.release()
    del fake_stripe.stalled[("POST", "/v1/checkout/sessions")]
    wait_until(lambda: donate(article, "back@example.org").status_code == 303, 10, "Stripe")
