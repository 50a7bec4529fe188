"""The limits on opening Checkout Sessions hold against floods and disguised addresses."""

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django_redis.cache import RedisCache

from donations.ratelimits import count, counter, normalised_email, parse_rate
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
    counters = caches[settings.RATE_LIMIT_CACHE]
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


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [("10/m", (10, 60)), ("3/h", (3, 3600)), ("1/d", (1, 86400)), ("100/10m", (100, 600)),
     (" 5/30s ", (5, 30))],
)  # fmt: skip
def test_a_rate_is_a_count_in_seconds(rate, parsed):
    assert parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["10", "10/minute", "m/10", "-1/m", ""])
def test_a_rate_that_is_not_one_says_how_to_write_it(rate):
    with pytest.raises(ImproperlyConfigured, match="write it as 10/m"):
        parse_rate(rate)


def test_a_counter_lasts_its_window_and_each_value_ends_its_own():
    start = 1_800_000_000
    first = counter("view", "ip:192.0.2.1", "5/m", now=start)
    end = start + first.ttl - 1  # the window's last second is end - 1
    assert 1 <= end - start <= 60
    assert counter("view", "ip:192.0.2.1", "5/m", now=end - 1).key == first.key
    after = counter("view", "ip:192.0.2.1", "5/m", now=end)
    assert after.key != first.key and after.ttl == 61
    ends = {start + counter("view", f"ip:192.0.2.{n}", "5/m", now=start).ttl for n in range(20)}
    assert len(ends) > 1  # not every counter of the site starts again at once
    assert counter("other-view", "ip:192.0.2.1", "5/m", now=start).key != first.key
    assert counter("view", "ip:192.0.2.1", "6/m", now=start).key != first.key


def test_counts_go_up_together_and_start_again_in_a_new_window(settings):
    now = 1_800_000_000
    counters = [counter("view", value, "5/m", now=now) for value in ("site", "ip:a", "email:b")]
    assert count(counters) == [1, 1, 1]
    assert count(counters) == [2, 2, 2]
    assert count([counters[0], counter("view", "ip:a", "5/m", now=now + 60)]) == [3, 1]
    cache = caches[settings.RATE_LIMIT_CACHE]
    if isinstance(cache, RedisCache):  # each expires with its window, not later
        assert 0 < cache.ttl(counters[1].key) <= counters[1].ttl
