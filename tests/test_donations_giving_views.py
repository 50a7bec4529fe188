"""'Manage my donations': the same answer for every address, limits per connection and
per address, and the page the mailed link opens."""

import re

import pytest
from django.core.cache import caches
from django_tasks_db.models import DBTaskResult

from donations.giving_link import giving_link
from donations.models import Donation, donor_for
from donations.receipts import note_due, send_due
from jobs.worker import run_ready
from tests.factories import DonationFactory, PaymentFactory

pytestmark = pytest.mark.django_db
URL = "/donations/manage/"


@pytest.fixture(autouse=True)
def fresh_limits():
    caches["durable"].clear()


@pytest.fixture
def ada():
    donor = donor_for("ada@example.org", "Ada")
    donation = DonationFactory(donor=donor, email="ada@example.org", amount_cents=2500,
                               status=Donation.Status.PAID)  # fmt: skip
    PaymentFactory(donation=donation)
    return donor


def without_tokens(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_a_known_and_an_unknown_address_get_the_same_answer(client, ada, mailoutbox):
    known = client.post(URL, {"email": "ada@example.org"})
    unknown = client.post(URL, {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert without_tokens(known.content.decode()) == without_tokens(unknown.content.decode())
    assert "If donations were made with that address, we have sent it a link" in (
        known.content.decode()
    )
    assert DBTaskResult.objects.count() == 2  # the same work queued for both
    run_ready()
    assert [m.to for m in mailoutbox] == [["ada@example.org"]]


def test_a_bad_address_gets_a_message_and_nothing_is_sent(client):
    page = client.post(URL, {"email": "not an address"}).content.decode()
    assert "Enter a valid email address." in page and 'value="not an address"' in page
    assert DBTaskResult.objects.count() == 0


def test_an_address_may_ask_three_times_an_hour(client, ada):
    for _ in range(3):
        assert client.post(URL, {"email": "ada@example.org"}).status_code == 200
    refused = client.post(URL, {"email": "ADA@example.org "})
    assert refused.status_code == 429
    assert "Too many requests for a link. Please wait a while." in refused.content.decode()
    assert DBTaskResult.objects.count() == 3


def test_a_connection_may_ask_five_times_a_minute(client):
    for n in range(5):
        assert client.post(URL, {"email": f"d{n}@example.org"}).status_code == 200
    assert client.post(URL, {"email": "d9@example.org"}).status_code == 429
    assert DBTaskResult.objects.count() == 5


def test_the_link_opens_all_of_the_donors_giving_with_each_donations_page(client, ada):
    DonationFactory(donor=donor_for("someone@example.org"), status=Donation.Status.PAID)
    response = client.get(giving_link(ada))
    page = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert page.count('<section class="border rounded') == 1  # Ada's, not someone's
    assert "$25 one time · Defend 287(g)" in page
    (own,) = re.findall(r'href="(/donations/[0-9a-f-]{36}:[^"]+/)"', page)
    assert client.get(own).status_code == 200


def test_a_forged_link_opens_nothing(client):
    response = client.get("/donations/all/1:forged:link/")
    assert response.status_code == 404
    assert "ask for a new link" in response.content.decode()


def test_every_page_and_every_receipt_leads_to_it(client, ada, mailoutbox, settings):
    settings.SITE_URL = "https://donate.example.org"
    assert f'href="{URL}">Manage my donations</a>' in client.get("/").content.decode()
    donation = ada.donations.get()
    note_due(donation)
    send_due(donation)
    assert f"All your donations: https://donate.example.org{URL}" in mailoutbox[0].body
