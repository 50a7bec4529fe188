"""Cached pages (articles.page_cache): per-visitor tokens, edits shown at once, few queries."""

import re
import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from articles import page_cache
from articles.models import Article
from articles.page_cache import VERSION_KEY, content_version
from donations.models import Donation, DonationBox
from stripe_testkit.waiting import wait_until
from tests import unreachable
from tests.factories import (
    ArticleFactory,
    CampaignArticleFactory,
    CampaignFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN = re.compile(r'name="token" value="([^"]+)"')


def tokens(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    return CSRF.search(html)[1], TOKEN.search(html)[1]


def test_two_visitors_never_share_a_token():
    article = CampaignArticleFactory()
    first, second = Client(), Client()
    a1, b1 = tokens(first, article), tokens(second, article)  # the second is a cache hit
    a2 = tokens(first, article)
    assert len({a1[1], b1[1], a2[1]}) == 3  # a fresh form token every time
    assert all(uuid.UUID(token) for _, token in (a1, b1, a2))
    assert "sentinel" not in a1[0] + b1[0]
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


def test_each_visitors_token_is_accepted_for_their_own_post_only(fake_stripe):
    article = CampaignArticleFactory()
    fake_stripe.answer(
        "POST", "/v1/checkout/sessions", {"id": "cs_1", "object": "checkout.session",
                                          "url": "https://checkout.test/cs_1"},
    )  # fmt: skip
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_csrf, _ = tokens(first, article)
    second_csrf, _ = tokens(second, article)
    form = {"amount": "2000", "frequency": "one_time", "first_name": "Ada",
            "last_name": "Lovelace", "email": "ada@example.org"}  # fmt: skip
    url = f"{article.get_absolute_url()}donate/"
    assert second.post(url, {**form, "csrfmiddlewaretoken": second_csrf}).status_code == 303
    assert first.post(url, {**form, "csrfmiddlewaretoken": first_csrf}).status_code == 303


def test_an_article_edited_in_the_admin_shows_at_once(client):
    article = CampaignArticleFactory(body="Before the edit.")
    assert "Before the edit." in client.get(article.get_absolute_url()).content.decode()
    article.body = "After the edit."
    article.save()
    assert "After the edit." in client.get(article.get_absolute_url()).content.decode()


def test_a_campaign_edited_or_switched_off_shows_at_once(client):
    article = CampaignArticleFactory()
    campaign = article.donation_box.campaign
    client.get(article.get_absolute_url())
    campaign.name = "Renamed campaign"
    campaign.save()
    assert "Renamed campaign" in client.get(article.get_absolute_url()).content.decode()
    campaign.active = False
    campaign.save()
    assert 'id="donate"' not in client.get(article.get_absolute_url()).content.decode()
    box = DonationBox.objects.get(article=article)  # as the admin saves it
    box.campaign = CampaignFactory(name="Another", slug="another")
    box.save()
    assert "Another" in client.get(article.get_absolute_url()).content.decode()


def test_errors_and_refilled_values_stay_per_request(client, fake_stripe):
    article = CampaignArticleFactory()
    client.get(article.get_absolute_url())
    bad = client.post(f"{article.get_absolute_url()}donate/", {"email": "nope"})
    assert "Enter a valid email address." in bad.content.decode()
    again = client.get(article.get_absolute_url()).content.decode()
    assert "Enter a valid email address." not in again
    assert 'value="nope"' not in again


def test_the_article_and_home_pages_take_at_most_4_queries_whatever_the_data_size(
    client, django_assert_max_num_queries
):
    article = CampaignArticleFactory()
    campaign = article.donation_box.campaign
    Article.objects.bulk_create(
        Article(title=f"Article {n}", slug=f"bulk-{n}", body="Text.", body_html="<p>Text.</p>",
                status="published", published_at=timezone.now())
        for n in range(1000)
    )  # fmt: skip
    Donation.objects.bulk_create(
        Donation(campaign=campaign, first_name="A", last_name="B", email="a@example.org",
                 amount_cents=2000, frequency="one_time", status="paid")
        for _ in range(100_000)
    )  # fmt: skip
    for _ in range(2):  # rendered, then from the page cache
        with django_assert_max_num_queries(4):
            assert client.get(article.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/?page=50").status_code == 200


def test_a_scheduled_article_appears_on_the_home_page_at_its_time(client):
    ArticleFactory(title="Already out")
    soon = ArticleFactory(
        title="Out in a moment", published_at=timezone.now() + timedelta(seconds=1)
    )
    assert soon.title not in client.get("/").content.decode()  # the cached home page
    wait_until(lambda: soon.title in client.get("/").content.decode(), 10, "the article")


def test_pages_are_served_with_the_cache_down(client, settings):
    article = CampaignArticleFactory()
    settings.CACHES = {"default": unreachable.CACHE}
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert 'id="donate"' in response.content.decode()


def test_a_logged_in_editor_always_gets_the_full_page(client):
    draft = ArticleFactory(draft=True, title="Draft in progress")
    client.get("/")
    client.force_login(StaffUserFactory())
    assert (
        "Preview: this article is not public"
        in client.get(draft.get_absolute_url()).content.decode()
    )


def test_an_unpublished_article_never_comes_back_when_the_version_is_lost(client):
    """The version used to restart at 1 when its entry expired (after 300 s) or was
    culled, and the pages kept under 1 were served again."""
    article = ArticleFactory()
    assert client.get(article.get_absolute_url()).status_code == 200
    article.status = Article.Status.DRAFT
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 404
    caches["durable"].delete(VERSION_KEY)  # expired, evicted, or Redis restarted empty
    assert client.get(article.get_absolute_url()).status_code == 404


def seconds_left(store, key):
    """How long the cache keeps `key` (None: for ever)."""
    if hasattr(store, "ttl"):  # django-redis
        return store.ttl(key)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT expires FROM {store._table} WHERE cache_key = %s",  # noqa: S608 - ours
            [store.make_key(key)],
        )
        (expires,) = cursor.fetchone()
    expires = expires if isinstance(expires, str) else expires.isoformat()
    return None if expires.startswith("9999") else 0


def test_the_content_version_is_kept_for_ever(client):
    article = ArticleFactory()
    client.get(article.get_absolute_url())
    article.save()  # bumped: it used to get the cache's default 300 s
    assert seconds_left(caches["durable"], VERSION_KEY) is None


def test_a_flood_of_entries_in_the_ordinary_cache_keeps_the_version(client):
    article = ArticleFactory()
    client.get(article.get_absolute_url())
    version = content_version()
    for n in range(400):
        caches["default"].set(f"filler-{n}", n)
    assert content_version() == version


def test_hosts_with_other_ports_share_one_page(client, django_assert_max_num_queries):
    """600 ports used to keep 600 pages (and push out the others: 512 are kept)."""
    article = ArticleFactory()
    client.get(article.get_absolute_url())
    for port in range(1, 601):
        page = client.get(article.get_absolute_url(), HTTP_HOST=f"127.0.0.1:{port}")
        assert page.status_code == 200
    with django_assert_max_num_queries(1):  # the version: a page cache hit
        assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_no_page_of_an_article_is_served_once_its_unpublishing_committed():
    article = ArticleFactory()
    url = article.get_absolute_url()
    stop, seen = threading.Event(), []  # (when the request started, its status)

    def read():
        client = Client()
        try:
            while not stop.is_set():
                started = time.monotonic()
                seen.append((started, client.get(url).status_code))
        finally:
            connection.close()

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    try:
        wait_until(lambda: len(seen) >= 40, 30, "pages served")
        with transaction.atomic():  # as the admin saves it
            article.status = Article.Status.DRAFT
            article.save()
        committed = time.monotonic()
        wait_until(lambda: sum(t > committed for t, _ in seen) >= 100, 30, "later pages")
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert [status for _, status in seen[:40]] == [200] * 40
    assert {status for started, status in seen if started > committed} == {404}


def test_the_page_cache_keeps_each_language_apart(client, translated):
    for _ in range(2):  # rendered, then served from the cache
        assert '<html lang="en">' in client.get("/").content.decode()
        assert '<html lang="es">' in client.get("/es/").content.decode()
    assert {key[-1] for key in page_cache._pages} == {"/", "/es/"}  # two pages kept


@pytest.mark.django_db(transaction=True)
def test_a_change_saved_on_another_machine_reaches_this_ones_pages():
    """Another machine (here a thread with its own connections) saves an edit and sets a
    new version: this process's next page shows it."""
    article = ArticleFactory(title="Before the edit")
    client = Client()
    for _ in range(2):  # rendered, then from the page cache
        assert "Before the edit" in client.get(article.get_absolute_url()).content.decode()

    def other_machine():
        try:
            Article.objects.filter(pk=article.pk).update(title="After the edit")  # no signal
            caches["durable"].set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            time.sleep(page_cache.LEASE)  # as its commit waits out the leases
        finally:
            connection.close()

    thread = threading.Thread(target=other_machine)
    thread.start()
    thread.join()
    assert "After the edit" in client.get(article.get_absolute_url()).content.decode()


class SharedCache(LocMemCache):
    """The durable cache as Redis is, shared by every machine: the content version's
    reads and writes counted."""

    log: list[str] = []

    def get(self, key, default=None, version=None):
        if key == VERSION_KEY:
            self.log.append("read")
        return super().get(key, default, version)

    def set(self, key, value, timeout=300, version=None):
        if key == VERSION_KEY:
            self.log.append("write")
        super().set(key, value, timeout, version)


@pytest.fixture
def shared_cache(settings):
    SharedCache.log = []
    settings.CACHES = {
        **settings.CACHES,
        "durable": {"BACKEND": "tests.test_articles_page_cache.SharedCache"},
    }
    return SharedCache.log


def test_a_process_asks_a_shared_cache_for_the_version_once_per_lease(client, shared_cache):
    article = ArticleFactory()
    started = time.monotonic()
    for _ in range(50):  # rendered once, then from the page cache
        assert client.get(article.get_absolute_url()).status_code == 200
    elapsed = time.monotonic() - started
    assert 1 <= shared_cache.count("read") <= elapsed / page_cache.LEASE + 1


def test_a_change_waits_out_the_leases_once_its_commit_drew_a_version(
    shared_cache, django_capture_on_commit_callbacks
):
    """When staff's save returns, no process holds the version from before it: once per
    transaction, however many changes it saved."""
    articles = ArticleFactory.create_batch(3)
    content_version()
    shared_cache.clear()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for article in articles:
            article.status = Article.Status.DRAFT
            article.save()
    assert time.monotonic() - started >= page_cache.LEASE
    assert shared_cache.count("write") == 3 + 1  # each save's, then the commit's
