"""Checkout Sessions in the sandbox, through the official SDK and the checkout page."""

import pytest
import requests
import stripe

from stripe_testkit.cards import DECLINED
from tests.sandbox_helpers import pay, session_params


def test_create_retrieve_and_url(sandbox_client, sandbox_server):
    session = sandbox_client.v1.checkout.sessions.create(session_params())
    assert session.id.startswith("cs_test_")
    assert session.url == f"{sandbox_server.url}/c/pay/{session.id}"
    assert (session.status, session.payment_status, session.amount_total) == (
        "open",
        "unpaid",
        2000,
    )
    again = sandbox_client.v1.checkout.sessions.retrieve(session.id)
    assert again.to_dict() == session.to_dict()


def test_the_checkout_page_shows_what_is_being_paid(sandbox_client):
    params = session_params("subscription", 3000, metadata={"frequency": "month",
                                                            "payment_count": "3"})  # fmt: skip
    session = sandbox_client.v1.checkout.sessions.create(params)
    page = requests.get(session.url, timeout=10).text
    assert "30.00 USD" in page
    assert "every month, 3 payments in total" in page
    assert '<label for="card-number">Card number</label>' in page
    assert 'href="http://127.0.0.1:1/back"' in page


def test_paying_completes_the_session_and_returns_to_success_url(sandbox_client):
    session = sandbox_client.v1.checkout.sessions.create(session_params())
    response = pay(session)
    assert response.status_code == 303
    assert response.headers["Location"] == f"http://127.0.0.1:1/thanks?session_id={session.id}"
    paid = sandbox_client.v1.checkout.sessions.retrieve(session.id)
    assert (paid.status, paid.payment_status) == ("complete", "paid")
    intent = sandbox_client.v1.payment_intents.retrieve(paid.payment_intent)
    assert (intent.status, intent.amount) == ("succeeded", 2000)
    assert paid.customer is None  # one-time Checkout makes no customer by default


def test_a_declined_card_shows_the_decline_and_keeps_the_session_open(sandbox_client):
    session = sandbox_client.v1.checkout.sessions.create(session_params())
    response = pay(session, DECLINED.number)
    assert response.status_code == 402
    assert "Your card was declined." in response.text
    assert 'aria-invalid="true"' in response.text
    assert sandbox_client.v1.checkout.sessions.retrieve(session.id).status == "open"
    assert pay(session).status_code == 303  # another card works


@pytest.mark.parametrize(
    ("card", "message"),
    [("4242 4242 4242 4241", "Your card number is incorrect."),
     ("4111 1111 1111 1111", "used a non test card")],
)  # fmt: skip
def test_bad_cards_are_explained(sandbox_client, card, message):
    session = sandbox_client.v1.checkout.sessions.create(session_params())
    assert message in pay(session, card).text


def test_subscription_checkout_creates_customer_clock_subscription_and_paid_invoice(sandbox_client):
    params = session_params("subscription", subscription_data={"metadata": {"donation_id": "9"}})
    session = sandbox_client.v1.checkout.sessions.create(params)
    pay(session)
    done = sandbox_client.v1.checkout.sessions.retrieve(session.id)
    subscription = sandbox_client.v1.subscriptions.retrieve(done.subscription)
    assert subscription.status == "active"
    assert subscription.metadata["donation_id"] == "9"
    assert subscription.test_clock.startswith("clock_")
    item = subscription["items"].data[0]
    assert item.price.recurring.interval == "month"
    invoice = sandbox_client.v1.invoices.retrieve(subscription.latest_invoice)
    assert (invoice.status, invoice.amount_paid) == ("paid", 2000)
    assert invoice.parent.subscription_details.subscription == subscription.id
    assert invoice.parent.subscription_details.metadata["donation_id"] == "9"


def test_expire_an_open_session_only(sandbox_client):
    session = sandbox_client.v1.checkout.sessions.create(session_params())
    assert sandbox_client.v1.checkout.sessions.expire(session.id).status == "expired"
    with pytest.raises(stripe.InvalidRequestError, match="can be expired"):
        sandbox_client.v1.checkout.sessions.expire(session.id)
    assert "expired" in requests.get(session.url, timeout=10).text


@pytest.mark.parametrize(
    ("params", "param"),
    [
        (session_params(amount=49), "line_items"),
        (session_params("subscription", submit_type="donate"), "submit_type"),
        ({**session_params(), "mode": "setup"}, "mode"),
        ({**session_params(), "success_url": ""}, "success_url"),
        ({**session_params(), "bogus": "1"}, "bogus"),
    ],
)
def test_what_stripe_refuses_is_a_400_naming_the_param(sandbox_client, params, param):
    with pytest.raises(stripe.InvalidRequestError) as error:
        sandbox_client.v1.checkout.sessions.create(params)
    assert error.value.http_status == 400
    assert error.value.param == param


def test_one_time_mode_refuses_a_recurring_price(sandbox_client):
    params = session_params("subscription")
    params["mode"] = "payment"
    with pytest.raises(stripe.InvalidRequestError, match="recurring price"):
        sandbox_client.v1.checkout.sessions.create(params)


def test_a_session_keeps_its_locale_and_an_unknown_one_is_refused(sandbox_client):
    session = sandbox_client.v1.checkout.sessions.create({**session_params(), "locale": "es"})
    assert session.locale == "es"
    assert sandbox_client.v1.checkout.sessions.create(session_params()).locale == "auto"
    with pytest.raises(stripe.InvalidRequestError, match="Invalid locale") as error:
        sandbox_client.v1.checkout.sessions.create({**session_params(), "locale": "klingon"})
    assert error.value.param == "locale"
