"""Erasing a donor erases them everywhere the site kept them, amounts kept."""

import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry

from donations.models import Donation, WebhookEvent
from donations.personal_data import erase_donor, redacted
from tests.factories import DonationFactory
from tests.stripe_events import checkout_session, event

pytestmark = pytest.mark.django_db


def stored_text():
    return json.dumps([e.payload for e in WebhookEvent.objects.all()]) + "".join(
        LogEntry.objects.values_list("object_repr", flat=True)
    )


def test_erasing_a_donor_erases_them_from_stored_events_and_the_admin_history(
    post_event, staff_client
):
    donation = DonationFactory(first_name="Grace", last_name="Hopper", email="grace@example.org")
    details = {"email": "grace@example.org", "name": "Grace Hopper", "phone": "+1 555 0100"}
    session = checkout_session(donation, customer_details=details)
    post_event(event("checkout.session.completed", session))
    expired = checkout_session(donation, status="expired")  # does not apply once paid
    assert post_event(event("checkout.session.expired", expired)).outcome == "ignored"
    LogEntry.objects.log_actions(
        user_id=staff_client.session["_auth_user_id"],
        queryset=[donation],
        action_flag=CHANGE,
        change_message="Resent the receipt.",
        single_object=True,
    )
    assert "Grace" in stored_text() and "grace@example.org" in stored_text()
    assert set(WebhookEvent.objects.values_list("donation", flat=True)) == {donation.pk}
    response = staff_client.post(
        "/admin/donations/donation/",
        {"action": "erase_personal_data", "_selected_action": [donation.pk], "confirm": "yes"},
    )
    assert response.status_code == 302
    assert "Grace" not in stored_text()
    assert "grace@example.org" not in stored_text()
    assert "Hopper" not in stored_text() and "555" not in stored_text()
    donation.refresh_from_db()
    assert (donation.status, donation.amount_cents) == (Donation.Status.PAID, 2000)
    kept = WebhookEvent.objects.get(type="checkout.session.completed").payload["data"]["object"]
    assert kept["amount_total"] == 2000 and kept["id"] == session["id"]


def test_events_the_site_does_not_act_on_are_stored_without_personal_data(post_event):
    charge = {"id": "ch_1", "object": "charge", "amount": 2000,
              "billing_details": {"email": "ada@example.org", "name": "Ada Lovelace",
                                  "address": {"city": "London"}},
              "receipt_email": "ada@example.org"}  # fmt: skip
    post_event(event("charge.succeeded", charge))
    stored = WebhookEvent.objects.get().payload["data"]["object"]
    assert stored["billing_details"] is None and stored["receipt_email"] == "[erased]"
    assert stored["amount"] == 2000


def test_redacting_finds_an_address_wherever_it_is():
    body = {"metadata": {"note": "from Grace@Example.org"}, "lines": [{"email": "x"}], "n": 3}
    assert redacted(body, frozenset({"grace@example.org"})) == {
        "metadata": {"note": "[erased]"}, "lines": [{"email": "[erased]"}], "n": 3,
    }  # fmt: skip


def test_erasing_twice_is_harmless():
    donation = DonationFactory()
    erase_donor(donation)
    erase_donor(donation)
    assert Donation.objects.get().email == ""
