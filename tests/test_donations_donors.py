"""Donors as people: one per normalised address, their giving, merging two records."""

import pytest

from donations import donors
from donations.models import Donation, Donor, donor_for
from donations.personal_data import erase_person
from tests.factories import (
    CampaignArticleFactory,
    DonationFactory,
    PaymentFactory,
    donation_form_data,
)
from tests.stripe_events import answer_checkout

pytestmark = pytest.mark.django_db


def test_case_and_spaces_make_no_other_donor_but_a_plus_address_does():
    ada = donor_for("Ada@Example.org", "Ada", "Lovelace")
    assert donor_for("  ada@example.ORG ", "Ada", "King") == ada
    ada.refresh_from_db()
    assert (ada.last_name, ada.email) == ("King", "ada@example.ORG")  # as she last gave
    assert donor_for("ada+news@example.org") != ada
    assert donor_for("") is None


def test_a_donor_who_gave_twice_is_one_donor_with_both_gifts(client, fake_stripe):
    article = CampaignArticleFactory()
    for email, amount in (("ada@example.org", "2000"), ("ADA@example.org ", "1000")):
        answer_checkout(fake_stripe)
        data = donation_form_data(email=email, amount=amount)
        assert client.post(f"{article.get_absolute_url()}donate/", data).status_code == 303
    (donor,) = Donor.objects.all()
    assert sorted(donor.donations.values_list("amount_cents", flat=True)) == [1000, 2000]


def test_giving_is_per_currency_net_of_refunds_and_disputes():
    donor = donor_for("grace@example.org", "Grace", "Hopper")
    usd = DonationFactory(donor=donor, amount_cents=2000)
    PaymentFactory(donation=usd, amount_refunded_cents=500)
    PaymentFactory(donation=usd, amount_disputed_cents=2000)
    eur = DonationFactory(donor=donor, amount_cents=1250, currency="eur")
    PaymentFactory(donation=eur, currency="eur")
    PaymentFactory(donation=DonationFactory(donor=donor), status="failed")
    rows = {row.currency: row for row in donors.giving(donor)}
    assert (rows["usd"].net_cents, rows["usd"].gifts) == (1500, 2)
    assert (rows["eur"].net_cents, rows["eur"].gifts) == (1250, 1)
    assert rows["usd"].first <= rows["usd"].last


def test_merging_moves_every_donation_and_address_and_later_gifts_follow():
    ada = donor_for("ada@example.org", "Ada", "Lovelace")
    other = donor_for("ada.lovelace@work.example", "Ada", "Lovelace")
    DonationFactory(donor=ada)
    DonationFactory.create_batch(2, donor=other)
    assert donors.merge(ada, [ada, other]) == 2
    assert list(Donor.objects.all()) == [ada]
    assert ada.donations.count() == 3
    assert donor_for("Ada.Lovelace@work.example") == ada


def test_erasing_a_person_erases_every_donation_and_keeps_the_amounts():
    ada = donor_for("ada@example.org", "Ada", "Lovelace")
    gifts = DonationFactory.create_batch(2, donor=ada, email="ada@example.org", note="Hi")
    assert erase_person(ada) == 2
    ada.refresh_from_db()
    assert (str(ada), ada.email, ada.addresses.count()) == (f"Donor {ada.pk}", "", 0)
    assert ada.erased_at is not None
    for gift in Donation.objects.filter(pk__in=[g.pk for g in gifts]):
        assert (gift.email, gift.first_name, gift.note, gift.amount_cents) == ("", "", "", 2000)
    assert donor_for("ada@example.org") != ada  # a new gift is a new record
