"""The browserless visitor of payment runs and load tests: what it reports of the form."""

import pytest

from donations.testmode.harness import RunError
from donations.testmode.visitor import Visitor
from tests.factories import CampaignArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)
STRIPE_DOWN = {"error": {"type": "api_error", "message": "Stripe is down"}}


def test_a_refused_donation_is_reported_with_the_forms_own_message(live_server, fake_stripe):
    fake_stripe.answer("POST", "/v1/checkout/sessions", STRIPE_DOWN, status=500)
    article = CampaignArticleFactory()
    visitor = Visitor(live_server.url)
    with pytest.raises(RunError) as refused:
        visitor.donate(
            article.get_absolute_url(),
            amount="2000",
            first_name="Ada",
            last_name="Lovelace",
            email="ada@example.org",
        )
    assert str(refused.value) == (
        "The donation form answered 502: We could not reach our payment provider. "
        "Nothing was charged; please try again."
    )
