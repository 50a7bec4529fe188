"""`manage.py purge_personal_data` and erasing one donor's data in the admin."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from donations.models import Donation, Donor, DonorEmail, WebhookEvent, donor_for
from tests.factories import DonationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def aged(donation, days):
    Donation.objects.filter(pk=donation.pk).update(created_at=timezone.now() - timedelta(days=days))
    return donation


def test_unpaid_donations_lose_their_personal_data_after_the_configured_days(settings):
    settings.UNPAID_PERSONAL_DATA_DAYS = 30
    abandoned = aged(DonationFactory(status=Donation.Status.EXPIRED, note="hi"), 31)
    recent = aged(DonationFactory(status=Donation.Status.EXPIRED), 29)
    paid = aged(DonationFactory(status=Donation.Status.PAID), 400)
    PaymentFactory(donation=paid)
    call_command("purge_personal_data", verbosity=0)
    abandoned.refresh_from_db()
    assert (abandoned.first_name, abandoned.email, abandoned.note) == ("", "", "")
    assert abandoned.amount_cents == 2000 and abandoned.erased_at is not None
    for kept in (recent, paid):
        kept.refresh_from_db()
        assert kept.email and kept.erased_at is None


def test_a_donor_known_only_by_purged_donations_goes_with_them(settings):
    settings.UNPAID_PERSONAL_DATA_DAYS = 30
    bot = donor_for("bot@example.org", "Bot", "Net")
    aged(DonationFactory(donor=bot, status=Donation.Status.EXPIRED), 31)
    ada = donor_for("ada@example.org", "Ada", "Lovelace")
    aged(DonationFactory(donor=ada, status=Donation.Status.EXPIRED), 31)
    PaymentFactory(donation=DonationFactory(donor=ada, status=Donation.Status.PAID))
    call_command("purge_personal_data", verbosity=0)
    assert list(Donor.objects.all()) == [ada]
    assert not DonorEmail.objects.filter(email="bot@example.org").exists()


def test_old_webhook_payloads_are_emptied(settings):
    settings.WEBHOOK_PAYLOAD_DAYS = 90
    old = WebhookEvent.objects.create(
        stripe_id="evt_old", type="x", payload={"a": 1}, status="processed"
    )
    new = WebhookEvent.objects.create(
        stripe_id="evt_new", type="x", payload={"a": 1}, status="processed"
    )
    WebhookEvent.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=91))
    call_command("purge_personal_data", verbosity=0)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.payload, old.type, new.payload) == ({}, "x", {"a": 1})


def test_staff_erase_a_donors_data_in_the_admin_and_cannot_delete(staff_client):
    donation = DonationFactory(status=Donation.Status.PAID, first_name="Grace")
    PaymentFactory(donation=donation)
    asked = staff_client.post(
        "/admin/donations/donation/",
        {"action": "erase_personal_data", "_selected_action": [donation.pk]},
    ).content.decode()
    assert "This cannot be undone." in asked and "grace" in asked.lower()
    donation.refresh_from_db()
    assert donation.first_name == "Grace"  # not before staff confirm
    response = staff_client.post(
        "/admin/donations/donation/",
        {"action": "erase_personal_data", "_selected_action": [donation.pk], "confirm": "yes"},
        follow=True,
    )
    assert "Erased the personal data of 1 donation(s)." in response.content.decode()
    donation.refresh_from_db()
    assert (donation.first_name, donation.email) == ("", "")
    assert donation.payments.get().amount_cents == 2000
    assert staff_client.get(f"/admin/donations/donation/{donation.pk}/delete/").status_code == 403
