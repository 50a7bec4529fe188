"""Signed events of every odd shape get a JSON answer and harm nothing, on any database."""

import json

import pytest

from donations.models import Donation, Payment, WebhookEvent
from tests.factories import DonationFactory, PaymentFactory
from tests.stripe_events import checkout_session, event

pytestmark = pytest.mark.django_db


def envelope(**changes):
    body = json.loads(event("charge.refunded", {"id": "ch_1", "object": "charge"}))
    return json.dumps({**body, **changes}).encode()


def nested(depth):
    return "[" * depth + "]" * depth


MALFORMED = {
    "nested 5,000 deep": envelope().replace(
        b'"object": "charge"', b'"x": ' + nested(5000).encode()
    ),
    "NaN": envelope().replace(b'"object": "charge"', b'"amount": NaN'),
    "Infinity": envelope().replace(b'"object": "charge"', b'"amount": -Infinity'),
    "a number beyond a double": envelope().replace(b'"object": "charge"', b'"amount": 1e999'),
    "an id of 300 characters": envelope(id="evt_" + "x" * 296),
    "a type of 150 characters": envelope(type="charge." + "x" * 143),
    "an id with spaces": envelope(id="evt 1"),
    "a creation time in words": envelope(created="yesterday"),
    "a creation time past 2242": envelope(created=10**20),
    "a creation time that is a bool": envelope(created=True),
    "a version that is a number": envelope(api_version=20261028),
    "an object with an empty id": envelope(data={"object": {"id": "", "object": "charge"}}),
    "an object without an id": envelope(data={"object": {"object": "charge"}}),
}


@pytest.mark.parametrize("payload", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_signed_event_is_a_json_400_that_stores_nothing(post_event, payload):
    response = post_event(payload)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "error" in response.json()
    assert not WebhookEvent.objects.exists()


def test_a_refund_naming_no_charge_and_no_payment_intent_touches_no_payment(post_event):
    """An empty id used to match every payment that had no charge id yet."""
    payment = PaymentFactory(stripe_charge_id="")
    refund = {"id": "ch_unknown", "object": "charge", "amount_refunded": 2000,
              "payment_intent": None}  # fmt: skip
    response = post_event(event("charge.refunded", refund))
    assert (response.status_code, response.outcome) == (200, "ignored")
    payment.refresh_from_db()
    assert (payment.amount_refunded_cents, payment.status) == (0, Payment.Status.PAID)


def test_a_nul_in_a_billing_name_is_stored_without_it_and_the_payment_recorded(post_event):
    """PostgreSQL refuses NUL in JSON: the event failed, its failure could not be stored
    either, and the donation stayed pending."""
    donation = DonationFactory()
    session = checkout_session(donation, customer_details={"name": "Ada\u0000 Lovelace",
                                                           "email": "ada@example.org"})  # fmt: skip
    response = post_event(event("checkout.session.completed", session))
    assert (response.status_code, response.outcome) == (200, "processed")
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    stored = WebhookEvent.objects.get().payload["data"]["object"]["customer_details"]["name"]
    assert stored == "Ada\ufffd Lovelace"


def test_a_lone_surrogate_is_replaced_before_storing(post_event):
    payload = event("customer.created", {"id": "cus_1", "object": "customer", "note": "x"})
    response = post_event(payload.replace(b'"note": "x"', b'"note": "\\ud800x"'))
    assert response.status_code == 200
    assert WebhookEvent.objects.get().payload["data"]["object"]["note"] == "\ufffdx"


@pytest.mark.parametrize(
    "refunded", ["a lot", -5, 2**70, [1]], ids=["words", "negative", "beyond 64 bits", "list"]
)
def test_nonsense_in_a_handled_object_is_a_json_500_stored_as_failed(post_event, refunded):
    PaymentFactory(stripe_payment_intent_id="pi_1", stripe_charge_id="ch_1")
    charge = {"id": "ch_1", "object": "charge", "payment_intent": "pi_1",
              "amount_refunded": refunded}  # fmt: skip
    response = post_event(event("charge.refunded", charge))
    assert response["Content-Type"] == "application/json"
    if response.status_code == 200:  # what could be read (a negative refund: nothing) …
        assert Payment.objects.get().amount_refunded_cents == 0
        return
    assert (response.status_code, response.outcome) == (500, "failed")
    record = WebhookEvent.objects.get()
    assert record.status == WebhookEvent.Status.FAILED
    assert record.error
    assert Payment.objects.get().amount_refunded_cents == 0


def test_a_reference_beyond_any_id_is_no_donation(post_event):
    session = {"id": "cs_x", "object": "checkout.session", "payment_status": "paid",
               "client_reference_id": "9" * 400, "metadata": {}}  # fmt: skip
    response = post_event(event("checkout.session.completed", session))
    assert (response.status_code, response.outcome) == (200, "ignored")
