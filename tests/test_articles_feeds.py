import xml.etree.ElementTree as ET

import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_feed_lists_published_articles_only(client, settings):
    article = ArticleFactory(title="In the feed")
    ArticleFactory(draft=True, title="Not in the feed")
    ArticleFactory(future=True, title="Not yet")
    response = client.get("/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["In the feed"]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == f"{settings.SITE_URL}{article.get_absolute_url()}"  # whatever the Host


def test_summaries_are_sanitised_like_bodies(client):
    ArticleFactory(
        summary='Read <script>alert(1)</script><a href="javascript:x" onclick="y">on</a>'
    )
    root = ET.fromstring(client.get("/feed/").content)
    summary = root.find(f"{ATOM}entry").findtext(f"{ATOM}summary")
    assert "<script" not in summary
    assert "javascript:" not in summary
    assert "onclick" not in summary
    assert "Read" in summary


def test_the_feed_comes_from_the_page_cache_and_changes_with_the_articles(
    client, django_assert_max_num_queries
):
    ArticleFactory(title="First")
    client.get("/feed/")
    with django_assert_max_num_queries(1):  # the content version: a cache hit
        assert b"First" in client.get("/feed/").content
    ArticleFactory(title="Second")
    assert b"Second" in client.get("/feed/").content


def test_each_language_has_its_feed(client, translated):
    english, spanish = translated
    for address, article in (("/feed/", english), ("/es/feed/", spanish)):
        feed = ET.fromstring(client.get(address).content)
        assert [t.text for t in feed.iter(f"{ATOM}title")][1:] == [article.title]
    spanish_feed = client.get("/es/feed/").content.decode()
    assert 'xml:lang="es"' in spanish_feed
