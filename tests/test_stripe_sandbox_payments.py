"""Cards, payment intents, charges and refunds in the sandbox."""

import pytest
import stripe

from stripe_sandbox.payments import luhn_valid
from tests.sandbox_helpers import pay, session_params


@pytest.mark.parametrize(
    ("number", "valid"),
    [("4242424242424242", True), ("4000000000000341", True), ("4242424242424241", False)],
)
def test_luhn(number, valid):
    assert luhn_valid(number) is valid


@pytest.fixture
def paid_intent(sandbox_client):
    session = sandbox_client.v1.checkout.sessions.create(session_params(amount=2000))
    pay(session)
    intent_id = sandbox_client.v1.checkout.sessions.retrieve(session.id).payment_intent
    return sandbox_client.v1.payment_intents.retrieve(intent_id)


def test_a_payment_has_its_charge(sandbox_client, paid_intent):
    charge = sandbox_client.v1.charges.retrieve(paid_intent.latest_charge)
    assert (charge.paid, charge.amount, charge.payment_intent) == (True, 2000, paid_intent.id)
    assert charge.payment_method_details.card.last4 == "4242"


def test_partial_then_full_refund(sandbox_client, sandbox_server, paid_intent):
    sandbox_client.v1.refunds.create({"payment_intent": paid_intent.id, "amount": 500})
    charge = sandbox_client.v1.charges.retrieve(paid_intent.latest_charge)
    assert (charge.amount_refunded, charge.refunded) == (500, False)
    sandbox_client.v1.refunds.create({"charge": charge.id})
    charge = sandbox_client.v1.charges.retrieve(charge.id)
    assert (charge.amount_refunded, charge.refunded) == (2000, True)
    types = [e["type"] for e in sandbox_server.sandbox.store.events]
    assert types.count("charge.refunded") == 2
    with pytest.raises(stripe.InvalidRequestError, match="greater than unrefunded"):
        sandbox_client.v1.refunds.create({"charge": charge.id, "amount": 1})
