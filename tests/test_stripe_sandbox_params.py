import pytest
from stripe.params import SubscriptionScheduleUpdateParams
from stripe.params.checkout import SessionCreateParams
from stripe.params.test_helpers import TestClockCreateParams as ClockCreateParams

from stripe_sandbox.formdata import FormError, decode
from stripe_sandbox.params import check


def test_the_sites_checkout_parameters_are_accepted():
    body = (
        "mode=subscription&submit_type=donate&customer_email=a%40b.org&client_reference_id=1"
        "&line_items[0][quantity]=1&line_items[0][price_data][currency]=usd"
        "&line_items[0][price_data][unit_amount]=2000"
        "&line_items[0][price_data][product_data][name]=Donation"
        "&line_items[0][price_data][recurring][interval]=month"
        "&metadata[donation_id]=1&subscription_data[metadata][payment_count]=3"
        "&subscription_data[description]=d&success_url=x&cancel_url=y"
    )
    check(decode(body), SessionCreateParams)


@pytest.mark.parametrize(
    ("body", "spec", "param"),
    [
        ("mode=payment&colour=red", SessionCreateParams, "colour"),
        (
            "line_items[0][price_data][amount]=1",
            SessionCreateParams,
            "line_items[0][price_data][amount]",
        ),
        (
            "phases[0][items][0][price]=p&phases[0][iterations]=3",
            SubscriptionScheduleUpdateParams,
            "phases[0][iterations]",
        ),
        (
            "phases[0][duration][interval]=month",
            SubscriptionScheduleUpdateParams,
            "phases[0][items]",
        ),
        ("line_items[0][quantity]=two", SessionCreateParams, "line_items[0][quantity]"),
        ("name=clock", ClockCreateParams, "frozen_time"),
        ("frozen_time=1&end_behavior=x", ClockCreateParams, "end_behavior"),
    ],
)
def test_what_stripe_rejects_is_rejected_by_name(body, spec, param):
    with pytest.raises(FormError) as error:
        check(decode(body), spec)
    assert error.value.param == param
    assert param in str(error.value)


def test_closed_literals_are_checked():
    with pytest.raises(FormError, match="phases\\[0\\]\\[duration\\]\\[interval\\]"):
        body = "phases[0][items][0][price]=p&phases[0][duration][interval]=fortnight"
        check(decode(body), SubscriptionScheduleUpdateParams)
