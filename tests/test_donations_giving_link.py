"""The link to all of a donor's giving: signed for one donor and this purpose, expiring,
mailed (on the queue) only to a donor's address."""

import time

import pytest
from django.core import signing

from donations.donor_page import donor_link
from donations.giving_link import (
    SALT,
    donations_of,
    donor_for_giving_link,
    giving_link,
    mail_giving_link,
)
from donations.models import Donation, donor_for
from jobs.worker import run_ready
from tests.factories import DonationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada():
    donor = donor_for("ada@example.org", "Ada")
    one = DonationFactory(donor=donor, email="ada@example.org", status=Donation.Status.PAID)
    PaymentFactory(donation=one)
    DonationFactory(donor=donor, email="ada@example.org", status=Donation.Status.EXPIRED)
    return donor


def token_of(path):
    return path.rstrip("/").rsplit("/", 1)[1]


def test_a_link_opens_its_donor_only_and_for_this_purpose_only(ada):
    assert donor_for_giving_link(token_of(giving_link(ada))) == ada
    bo = donor_for("bo@example.org")
    assert donor_for_giving_link(token_of(giving_link(bo))) == bo != ada
    one_donation = token_of(donor_link(ada.donations.first()))
    assert donor_for_giving_link(one_donation) is None  # another purpose's signature
    altered = token_of(giving_link(ada)).replace(f"{ada.pk}:", f"{bo.pk}:", 1)
    assert donor_for_giving_link(altered) is None


def test_a_link_expires(ada, settings):
    settings.GIVING_LINK_MAX_AGE_HOURS = 24

    class Yesterday(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 25 * 3600)

    assert donor_for_giving_link(Yesterday(salt=SALT).sign(str(ada.pk))) is None


def test_the_page_lists_donations_that_were_made_not_abandoned_checkouts(ada):
    listed = [donation.status for donation, _ in donations_of(ada)]
    assert listed == [Donation.Status.PAID]


def test_the_link_is_mailed_to_a_donors_address_only(ada, mailoutbox, settings):
    settings.SITE_URL = "https://donate.example.org"
    assert mail_giving_link.call(" ADA@example.org ") is True
    (mail,) = mailoutbox
    assert mail.to == ["ADA@example.org"] and mail.subject == "Your donations to Advocacy"
    assert "https://donate.example.org/donations/all/" in mail.body
    assert "It works for 24 hours." in mail.body
    assert mail_giving_link.call("nobody@example.org") is False
    assert len(mailoutbox) == 1


def test_asked_on_a_spanish_page_the_link_comes_in_spanish(ada, client, mailoutbox):
    client.post("/es/donations/manage/", {"email": "ada@example.org"})
    run_ready()
    (mail,) = mailoutbox
    assert mail.subject == "Sus donaciones a Advocacy"
    assert "Hola, Ada:" in mail.body and "/es/donations/all/" in mail.body
