"""The limits on opening Checkout Sessions hold against floods and disguised addresses."""

import pytest
from django.core.cache import caches
from django.test import Client

from donations.ratelimits import normalised_email
from tests.factories import CampaignArticleFactory, donation_form_data

pytestmark = pytest.mark.django_db
# Day-long windows ("10/d"): no window edge falls within a test.
SESSION = {"id": "cs_test_flood", "object": "checkout.session",
           "url": "https://checkout.stripe.com/c/pay/cs_test_flood"}  # fmt: skip


@pytest.fixture
def article(fake_stripe):
    fake_stripe.answer("POST", "/v1/checkout/sessions", SESSION)
    return CampaignArticleFactory()


def donate(client, article, **changes):
    data = donation_form_data(token="", **changes)
    return client.post(f"{article.get_absolute_url()}donate/", data).status_code


@pytest.mark.parametrize(
    ("address", "mailbox"),
    [
        ("Ada@Example.org", "ada@example.org"),
        ("  ada@example.org ", "ada@example.org"),
        ("ada+news@example.org", "ada@example.org"),
        ('"ada"@example.org', "ada@example.org"),
        ('"a\\da+x"@example.org', "ada@example.org"),
        ("A.d.a+x@GMail.com", "ada@gmail.com"),
        ("a.da@googlemail.com.", "ada@gmail.com"),
        ("a.da@example.org", "a.da@example.org"),  # dots matter to other providers
        ("not an address", "not an address"),
    ],
)
def test_an_address_is_counted_as_the_mailbox_it_reaches(address, mailbox):
    assert normalised_email(address) == mailbox


def test_disguised_addresses_share_one_count(article, settings, fake_stripe):
    settings.DONATION_RATE_LIMIT = "100/d"
    settings.DONATION_EMAIL_RATE_LIMIT = "2/d"
    disguises = ["a.d.a@gmail.com", "ada+1@gmail.com", '"ada"@gmail.com', "ADA@googlemail.com"]
    answers = [
        donate(Client(REMOTE_ADDR=f"203.0.113.{n}"), article, email=address)
        for n, address in enumerate(disguises)
    ]
    assert answers == [303, 303, 429, 429]
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 2


def test_a_flood_of_new_addresses_from_one_ip_opens_only_the_limit(
    client, article, settings, fake_stripe
):
    """Each POST stores a counter for its new address; on the database cache, 300 of them
    used to make it cull a third of its entries, the IP's counter with them."""
    settings.DONATION_RATE_LIMIT = "10/d"
    answers = [donate(client, article, email=f"flood-{n}@example.org") for n in range(400)]
    assert answers.count(303) == 10
    assert answers.count(429) == 390
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 10


def test_no_number_of_new_counters_evicts_a_live_one(settings):
    """Django's database cache, past its 300 entries, deletes the third of them whose
    keys sort first, live or not: a counter under the first key went at once."""
    counters = caches[settings.RATELIMIT_USE_CACHE]
    counters.add("!first", 7, timeout=3600)
    for n in range(400):
        counters.add(f"counter-{n}", 1, timeout=3600)
    assert counters.get("!first") == 7
    assert counters.get("counter-0") == 1


def test_flooding_the_ordinary_cache_leaves_the_counters(client, article, settings):
    settings.DONATION_RATE_LIMIT = "1/d"
    assert donate(client, article) == 303
    default = caches["default"]
    for n in range(400):
        default.set(f"filler-{n}", n)
    assert donate(client, article, email="other@example.org") == 429


def test_a_site_wide_ceiling_holds_whatever_the_addresses(article, settings, fake_stripe):
    settings.DONATION_SITE_RATE_LIMIT = "3/d"
    answers = [
        donate(Client(REMOTE_ADDR=f"198.51.100.{n}"), article, email=f"d{n}@example.org")
        for n in range(5)
    ]
    assert answers == [303, 303, 303, 429, 429]
