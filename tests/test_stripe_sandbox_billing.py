"""Customers, products, prices and subscriptions made through the API (no browser)."""

import time

import pytest
import stripe


@pytest.fixture
def customer(sandbox_client):
    clock = sandbox_client.v1.test_helpers.test_clocks.create({"frozen_time": int(time.time())})
    customer = sandbox_client.v1.customers.create(
        {"email": "d@example.org", "test_clock": clock.id}
    )
    return customer


def use(client, customer, token):
    pm = client.v1.payment_methods.attach(token, {"customer": customer.id})
    client.v1.customers.update(customer.id, {"invoice_settings": {"default_payment_method": pm.id}})
    return pm


def subscribe(client, customer, amount=2000):
    product = client.v1.products.create({"name": "Donation"})
    price_data = {"currency": "usd", "product": product.id, "unit_amount": amount,
                  "recurring": {"interval": "month"}}  # fmt: skip
    return client.v1.subscriptions.create(
        {"customer": customer.id, "items": [{"price_data": price_data}], "metadata": {"k": "v"}}
    )


def test_pm_card_visa_pays_the_first_invoice(sandbox_client, customer):
    pm = use(sandbox_client, customer, "pm_card_visa")
    assert pm.card.last4 == "4242"
    subscription = subscribe(sandbox_client, customer)
    assert subscription.status == "active"
    assert subscription.metadata["k"] == "v"
    invoice = sandbox_client.v1.invoices.retrieve(subscription.latest_invoice)
    assert (invoice.status, invoice.billing_reason) == ("paid", "subscription_create")


def test_pm_card_charge_declined_leaves_the_subscription_incomplete(sandbox_client, customer):
    use(sandbox_client, customer, "pm_card_chargeDeclined")
    subscription = subscribe(sandbox_client, customer)
    assert subscription.status == "incomplete"
    assert sandbox_client.v1.invoices.retrieve(subscription.latest_invoice).status == "open"


def test_switching_to_a_failing_card_fails_the_renewal(sandbox_client, customer):
    use(sandbox_client, customer, "pm_card_visa")
    subscription = subscribe(sandbox_client, customer)
    use(sandbox_client, customer, "pm_card_chargeCustomerFail")
    end = subscription["items"].data[0].current_period_end
    sandbox_client.v1.test_helpers.test_clocks.advance(
        customer.test_clock, {"frozen_time": end + 1}
    )
    assert sandbox_client.v1.subscriptions.retrieve(subscription.id).status == "past_due"


def test_a_subscription_needs_a_payment_method(sandbox_client, customer):
    with pytest.raises(stripe.InvalidRequestError, match="no attached payment source"):
        subscribe(sandbox_client, customer)


def test_unknown_test_tokens_are_404(sandbox_client, customer):
    with pytest.raises(stripe.InvalidRequestError) as error:
        use(sandbox_client, customer, "pm_card_unicorn")
    assert error.value.http_status == 404


def test_prices_with_product_data(sandbox_client):
    price = sandbox_client.v1.prices.create(
        {"currency": "usd", "unit_amount": 500, "product_data": {"name": "Gift"}}
    )
    assert (price.type, price.recurring) == ("one_time", None)
    assert sandbox_client.v1.prices.retrieve(price.id).product == price.product


def test_an_invoice_payment_names_the_payment_intent_and_its_charge_refunds(
    sandbox_client, customer
):
    use(sandbox_client, customer, "pm_card_visa")
    subscription = subscribe(sandbox_client, customer)
    plain = sandbox_client.v1.invoices.retrieve(subscription.latest_invoice)
    assert "payments" not in plain  # only when expanded, as in webhook payloads
    invoice = sandbox_client.v1.invoices.retrieve(
        subscription.latest_invoice, {"expand": ["payments"]}
    )
    (payment,) = invoice.payments.data
    assert (payment.status, payment.amount_paid) == ("paid", 2000)
    intent_id = payment.payment.payment_intent
    listed = sandbox_client.v1.invoice_payments.list({"invoice": invoice.id}).data
    assert [p.payment.payment_intent for p in listed] == [intent_id]
    paid = sandbox_client.v1.invoice_payments.list({"invoice": invoice.id, "status": "paid"})
    open_ = sandbox_client.v1.invoice_payments.list({"invoice": invoice.id, "status": "open"})
    assert ([p.id for p in paid.data], open_.data) == ([payment.id], [])
    refund = sandbox_client.v1.refunds.create({"payment_intent": intent_id, "amount": 500})
    charge = sandbox_client.v1.charges.retrieve(refund.charge)
    assert (charge.payment_intent, charge.amount_refunded) == (intent_id, 500)
