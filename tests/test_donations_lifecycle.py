"""The lifecycle table: every (status, event) pair, and events that do not apply."""

import pytest

from donations import lifecycle
from donations.lifecycle import Event, NotApplicable
from donations.models import Donation, Payment, WebhookEvent
from tests.factories import DonationFactory
from tests.stripe_events import checkout_session, event

pytestmark = pytest.mark.django_db
Status = Donation.Status

# What each event does from each status, written out here independently of the
# module's table: a status it moves to, "=" (applies, status kept) or "-" (does not apply).
EXPECTED = """
event                  pending   paid      active    past_due  completed canceled  expired   failed    refunded
checkout_not_opened    failed    -         -         -         -         -         -         -         -
checkout_failed        failed    -         -         -         -         -         -         -         -
checkout_expired       expired   -         -         -         -         -         -         -         -
paid_once              paid      =         -         -         -         -         paid      paid      -
refunded_in_full       -         refunded  -         -         -         -         -         -         =
subscription_started   active    -         =         =         -         -         active    active    -
renewal_paid           active    -         =         active    =         =         active    active    -
renewal_failed         =         -         =         =         -         -         -         -         -
subscription_past_due  past_due  -         past_due  =         -         -         -         -         -
subscription_resumed   active    -         =         active    -         -         -         -         -
all_payments_made      -         -         completed completed =         completed -         -         -
subscription_canceled  canceled  -         canceled  canceled  -         -         -         -         -
received_offline       paid      -         -         -         -         -         -         -         -
"""  # noqa: E501


def _grid():
    header, *rows = [line.split() for line in EXPECTED.strip().splitlines()]
    statuses = header[1:]
    return {
        (row[0], status): cell
        for row in rows
        for status, cell in zip(statuses, row[1:], strict=True)
    }


GRID = _grid()


def test_the_grid_covers_every_status_and_every_event():
    assert {event for event, _ in GRID} == {e.value for e in Event}
    assert {status for _, status in GRID} == set(Status.values)


@pytest.mark.parametrize(("event_name", "status"), sorted(GRID))
def test_every_event_from_every_status(event_name, status):
    donation = DonationFactory(status=status)
    expected = GRID[(event_name, status)]
    if expected == "-":
        with pytest.raises(NotApplicable):
            lifecycle.apply(donation, Event(event_name), error="changed")
        donation.refresh_from_db()
        assert (donation.status, donation.error) == (status, "")
        return
    lifecycle.apply(donation, Event(event_name), error="changed")
    donation.refresh_from_db()
    assert donation.status == (status if expected == "=" else expected)
    assert donation.error == "changed"


def test_an_event_that_does_not_apply_is_recorded_as_ignored_with_the_reason(post_event):
    donation = DonationFactory(status=Status.PAID)
    response = post_event(event("checkout.session.expired", checkout_session(donation)))
    assert response.outcome == "ignored"
    record = WebhookEvent.objects.get()
    assert record.status == WebhookEvent.Status.IGNORED
    assert record.note == "checkout_expired does not apply to a donation that is Paid."
    donation.refresh_from_db()
    assert donation.status == Status.PAID


def test_an_event_that_does_not_apply_is_never_applied_half(post_event):
    """A completed checkout for a refunded donation records no payment and no new ids."""
    donation = DonationFactory(status=Status.REFUNDED)
    session = checkout_session(donation, payment_intent="pi_new", customer="cus_new")
    post_event(event("checkout.session.completed", session))
    donation.refresh_from_db()
    assert (donation.status, donation.stripe_customer_id) == (Status.REFUNDED, "")
    assert not Payment.objects.exists()
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.IGNORED
