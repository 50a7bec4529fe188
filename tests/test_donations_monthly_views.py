"""Make it monthly: the thank-you page's offer after a one-time gift, accepted (a new
monthly donation linked to the gift, on to Checkout) or declined (not offered again)."""

import pytest

from donations.models import Donation
from tests.factories import DonationFactory
from tests.stripe_events import CHECKOUT, answer_checkout

pytestmark = pytest.mark.django_db
THANKS = "/donate/thanks/?session_id=cs_1"
MONTHLY = "/donate/thanks/monthly/"


@pytest.fixture
def gift(fake_stripe):
    donation = DonationFactory(first_name="Ada", email="ada@example.org", amount_cents=2000,
                               status=Donation.Status.PAID, stripe_checkout_session_id="cs_1",
                               utm_source="newsletter")  # fmt: skip
    answer = {**CHECKOUT, "id": "cs_1", "client_reference_id": str(donation.pk)}
    fake_stripe.answer("GET", "/v1/checkout/sessions/cs_1", answer)
    return donation


def accept(client, **fields):
    return client.post(MONTHLY, {"session_id": "cs_1", "choice": "yes", "other_amount": "20.00",
                                 "payment_count": "12", **fields})  # fmt: skip


def test_a_one_time_gift_is_offered_to_become_monthly(client, gift):
    page = client.get(THANKS).content.decode()
    assert "Make it monthly?" in page
    assert 'name="other_amount" value="20.00"' in page and 'name="payment_count" value="12"' in page


def test_a_gift_that_covered_the_fee_is_offered_monthly_the_same_way(client, gift, fake_stripe):
    gift.update(amount_cents=2091, fee_cover_cents=91)
    page = client.get(THANKS).content.decode()
    assert "$20.91 ($20 and $0.91 for the processing fee)" in page
    assert 'name="other_amount" value="20.00"' in page  # the gift, not what covered the fee
    assert 'name="cover_fee" checked' in page
    answer_checkout(fake_stripe, id="cs_2", url="https://checkout.stripe.com/c/pay/cs_2")
    accept(client, cover_fee="on")
    monthly = Donation.objects.get(upgraded_from=gift)
    assert (monthly.amount_cents, monthly.fee_cover_cents) == (2091, 91)


def test_a_monthly_gift_is_not_offered_it(client, gift):
    gift.frequency, gift.payment_count = "month", 3
    gift.save()
    assert "Make it monthly?" not in client.get(THANKS).content.decode()


def test_accepting_opens_checkout_for_a_monthly_donation_linked_to_the_gift(
    client, gift, fake_stripe
):
    answer_checkout(fake_stripe, id="cs_2", url="https://checkout.stripe.com/c/pay/cs_2")
    response = accept(client, other_amount="15", payment_count="6")
    assert response.status_code == 303
    assert response["Location"] == "https://checkout.stripe.com/c/pay/cs_2"
    monthly = Donation.objects.get(upgraded_from=gift)
    assert (monthly.amount_cents, monthly.frequency, monthly.payment_count) == (1500, "month", 6)
    assert (monthly.email, monthly.utm_source) == ("ada@example.org", "newsletter")
    assert monthly.donor.email == "ada@example.org"
    (request,) = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert request.form["customer_email"] == "ada@example.org"  # prefilled
    assert request.form["mode"] == "subscription"
    accept(client, other_amount="15", payment_count="6")  # a double click
    assert Donation.objects.filter(upgraded_from=gift).count() == 1
    assert "Make it monthly?" not in client.get(THANKS).content.decode()  # made


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"other_amount": "abc"}, "Every month: "),
        ({"other_amount": "0.10"}, "Donations must be between"),
        ({"payment_count": "40"}, "Number of payments: "),
        ({"payment_count": ""}, "Choose how many payments to make, from 2 to 12."),
    ],
)
def test_an_offer_that_cannot_be_taken_gets_a_message_and_keeps_what_was_typed(
    client, gift, fake_stripe, fields, message
):
    page = accept(client, **fields).content.decode()
    assert message in page and 'id="donation-errors"' in page
    for value in fields.values():
        assert f'value="{value}"' in page
    assert Donation.objects.count() == 1
    assert fake_stripe.calls("POST", "/v1/checkout/sessions") == []


def test_declining_is_one_click_and_it_is_not_offered_again(client, gift, fake_stripe):
    response = client.post(MONTHLY, {"session_id": "cs_1", "choice": "no"})
    assert response.status_code == 302 and response["Location"] == THANKS
    assert "Make it monthly?" not in client.get(THANKS).content.decode()
    assert Donation.objects.count() == 1


def test_many_donors_accepting_at_once_are_not_counted_as_one_address(
    client, fake_stripe, settings
):
    """The offer carries no e-mail address: only the connection's and the site's limits
    count it (one empty address shared by every donor would soon stop them all)."""
    settings.DONATION_EMAIL_RATE_LIMIT = "1/m"
    answer_checkout(fake_stripe, id="cs_9", url="https://checkout.stripe.com/c/pay/cs_9")
    for n in range(3):
        gift = DonationFactory(status=Donation.Status.PAID, stripe_checkout_session_id=f"cs_g{n}")
        answer = {**CHECKOUT, "id": f"cs_g{n}", "client_reference_id": str(gift.pk)}
        fake_stripe.answer("GET", f"/v1/checkout/sessions/cs_g{n}", answer)
        response = client.post(MONTHLY, {"session_id": f"cs_g{n}", "choice": "yes",
                                         "other_amount": "10", "payment_count": "3"})  # fmt: skip
        assert response.status_code == 303
