"""Offline gifts: staff record a cheque, transfer or cash; it counts like any payment,
marked as offline, with a receipt when asked."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from donations.models import Campaign, Donation, Donor, Payment, donor_for
from donations.templatetags.donation_box import goal_progress
from jobs.worker import run_ready
from tests.admin_pages import ask_refund
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/admin/donations/donation/offline/"


@pytest.fixture
def campaign():
    return CampaignFactory(goal_cents=100_000)


def gift(to, **changes):
    return {
        "campaign": str(to.pk), "amount": "250", "received_on": "2026-11-30",
        "method": "cheque", "reference": "Cheque 00123", "first_name": "Grace",
        "last_name": "Hopper", "email": "grace@example.org", "note": "", **changes,
    }  # fmt: skip


def test_a_cheque_counts_in_the_campaign_goal_and_the_donors_giving(staff_client, campaign):
    response = staff_client.post(URL, gift(campaign), follow=True)
    donation = Donation.objects.get()
    assert response.redirect_chain[-1][0] == f"/admin/donations/donation/{donation.pk}/change/"
    assert "Recorded: Grace Hopper – $250 one time, Paid (cheque)." in response.content.decode()
    payment = donation.payments.get()
    assert (payment.amount_cents, payment.status, payment.reference) == (
        25000,
        "paid",
        "Cheque 00123",
    )
    assert f"{payment.paid_at:%Y-%m-%d}" == "2026-11-30"
    assert Campaign.objects.with_totals().get().raised == 25000
    assert goal_progress(campaign)["percent"] == 25
    assert donation.donor == donor_for("grace@example.org")
    assert mail.outbox == [] and not donation.receipts.exists()  # not asked for


def test_a_receipt_goes_when_staff_ask_and_says_how_it_was_paid(staff_client, campaign):
    staff_client.post(URL, gift(campaign, method="bank_transfer", send_receipt="on"))
    run_ready()
    (email,) = mail.outbox
    assert email.to == ["grace@example.org"]
    assert "Paid by: Bank transfer (Cheque 00123)" in email.body
    assert "$250" in email.body


def test_a_gift_without_an_address_still_has_a_donor(staff_client, campaign):
    staff_client.post(URL, gift(campaign, email="", method="cash", reference=""))
    donation = Donation.objects.get()
    assert donation.donor.first_name == "Grace" and donation.donor.email == ""
    assert donation.status_display == "Paid (cash)"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "0"}, "amount", "A gift is more than zero."),
        ({"amount": "12,50"}, "amount", "Enter an amount in US dollars"),
        ({"amount": ""}, "amount", "This field is required."),
        ({"received_on": "2999-01-01"}, "received_on", "received in the future"),
        ({"received_on": "1999-12-31"}, "received_on", "before 2000"),
        ({"received_on": "30/11/2026"}, "received_on", "Enter a valid date."),
        ({"method": "card"}, "method", "Select a valid choice."),
        ({"campaign": "999"}, "campaign", "Select a valid choice."),
        ({"first_name": ""}, "first_name", "This field is required."),
        ({"email": "grace@"}, "email", "Enter a valid email address."),
        ({"email": "", "send_receipt": "on"}, "send_receipt", "Give the donor's e-mail address"),
    ],
)
def test_bad_input_gets_a_clear_message_and_records_nothing(
    staff_client, campaign, changes, field, message
):
    response = staff_client.post(URL, gift(campaign, **changes))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert not Donation.objects.exists() and not Payment.objects.exists()
    assert not Donor.objects.exists()


def test_recording_needs_its_permission(client, campaign):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_donation"))
    client.force_login(user)
    assert "Record an offline gift" not in client.get("/admin/donations/donation/").content.decode()
    assert client.get(URL).status_code == 403
    assert client.post(URL, gift(campaign)).status_code == 403
    assert not Donation.objects.exists()
    user.user_permissions.add(Permission.objects.get(codename="record_offline_gift"))
    page = client.get("/admin/donations/donation/").content.decode()
    assert f'href="{URL}"' in page
    assert client.post(URL, gift(campaign)).status_code == 302


def test_an_offline_gift_is_marked_so_in_the_donations_list(staff_client, campaign):
    staff_client.post(URL, gift(campaign))
    page = staff_client.get("/admin/donations/donation/").content.decode()
    assert "Paid (cheque)" in page


def test_stripe_is_never_asked_to_refund_an_offline_gift(staff_client, campaign, fake_stripe):
    staff_client.post(URL, gift(campaign))
    payment = Payment.objects.get()
    page = ask_refund(staff_client, payment, "10").content.decode()
    assert "came by cheque: Stripe cannot refund it; give it back outside the site." in page
    assert fake_stripe.requests == []


def test_the_form_offers_the_main_campaign_first(staff_client):
    CampaignFactory(name="Other")
    main = CampaignFactory(name="General Fund", is_main=True)
    page = staff_client.get(URL).content.decode()
    assert f'<option value="{main.pk}" selected>General Fund</option>' in page
