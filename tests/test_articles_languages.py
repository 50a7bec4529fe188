"""An article has a language: its page is in it, the home page and feed list each
language's articles, and the language switcher goes to its translation."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError

from articles import page_cache
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    english = ArticleFactory(title="The ongoing assault on 287(g)")
    spanish = ArticleFactory(
        title="La ofensiva contra el 287(g)", language="es", translation_of=english
    )
    return english, spanish


def switcher(html: str) -> dict[str, str]:
    """The header's language links: language → address."""
    return dict(
        (code, url)
        for url, code in re.findall(r'<a class="small" href="([^"]*)" hreflang="([^"]*)"', html)
    )


def hreflangs(html: str) -> dict[str, str]:
    found = re.findall(r'<link rel="alternate" hreflang="([^"]*)" href="([^"]*)">', html)
    return dict(found)


def test_a_spanish_article_is_read_in_spanish_at_its_spanish_address(client, pair, settings):
    english, spanish = pair
    assert spanish.get_absolute_url() == f"/es/articles/{spanish.slug}/"
    html = client.get(spanish.get_absolute_url()).content.decode()
    assert '<html lang="es">' in html
    assert "Publicado el" in html and "Ir al contenido" in html
    assert switcher(html) == {"en": english.get_absolute_url()}
    assert hreflangs(html) == {
        "es": f"{settings.SITE_URL}/es/articles/{spanish.slug}/",
        "en": f"{settings.SITE_URL}/articles/{english.slug}/",
    }


def test_an_article_at_the_other_languages_address_redirects_to_its_own(client, pair):
    english, spanish = pair
    response = client.get(f"/articles/{spanish.slug}/")
    assert response.status_code == 302
    assert response["Location"] == spanish.get_absolute_url()
    assert client.get(f"/es/articles/{english.slug}/")["Location"] == english.get_absolute_url()


def test_the_english_page_switches_to_its_translation(client, pair):
    english, spanish = pair
    html = client.get(english.get_absolute_url()).content.decode()
    assert '<html lang="en">' in html
    assert switcher(html) == {"es": spanish.get_absolute_url()}


def test_without_a_translation_the_switcher_leads_to_the_other_home_page(client):
    alone = ArticleFactory()
    html = client.get(alone.get_absolute_url()).content.decode()
    assert switcher(html) == {"es": "/es/"}
    assert set(hreflangs(html)) == {"en"}  # no alternate that is another page


def test_an_unpublished_translation_is_not_offered(client, pair):
    english, spanish = pair
    spanish.status = spanish.Status.DRAFT
    spanish.save()
    html = client.get(english.get_absolute_url()).content.decode()
    assert switcher(html) == {"es": "/es/"}


def test_home_pages_list_the_articles_of_their_language(client, pair):
    english, spanish = pair
    home = client.get("/").content.decode()
    inicio = client.get("/es/").content.decode()
    assert english.title in home and spanish.title not in home
    assert spanish.title in inicio and english.title not in inicio
    assert "Artículos recientes" in inicio


def test_each_language_has_its_feed(client, pair):
    english, spanish = pair
    atom = "{http://www.w3.org/2005/Atom}"
    for address, article in (("/feed/", english), ("/es/feed/", spanish)):
        feed = ET.fromstring(client.get(address).content)
        assert [t.text for t in feed.iter(f"{atom}title")][1:] == [article.title]
    spanish_feed = client.get("/es/feed/").content.decode()
    assert 'xml:lang="es"' in spanish_feed


def test_a_translation_translates_an_original_in_another_language(pair):
    english, spanish = pair
    same_language = ArticleFactory.build(language="en", translation_of=english)
    with pytest.raises(ValidationError, match="already has a version in this language"):
        same_language.clean()
    of_a_translation = ArticleFactory.build(language="es", translation_of=spanish)
    with pytest.raises(ValidationError, match="original article"):
        of_a_translation.clean()
    ArticleFactory.build(language="es", translation_of=ArticleFactory()).clean()  # fine


def test_staff_link_a_translation_in_the_admin(staff_client, pair, client):
    english, spanish = pair
    spanish.delete()
    data = {
        "title": "La ofensiva", "slug": "la-ofensiva", "author": "", "summary": "",
        "body": "Texto.", "status": "published", "language": "es",
        "translation_of": str(english.pk), "donation_campaign": "",
        "published_at_0": "2026-01-02", "published_at_1": "10:00:00",
    }  # fmt: skip
    assert staff_client.post("/admin/articles/article/add/", data).status_code == 302
    html = client.get(english.get_absolute_url()).content.decode()
    assert switcher(html) == {"es": "/es/articles/la-ofensiva/"}
    again = {**data, "slug": "otra", "title": "Otra"}
    page = staff_client.post("/admin/articles/article/add/", again).content.decode()
    assert "That article already has a version in this language." in page


def test_the_page_cache_keeps_each_language_apart(client, pair):
    for _ in range(2):  # rendered, then served from the cache
        assert '<html lang="en">' in client.get("/").content.decode()
        assert '<html lang="es">' in client.get("/es/").content.decode()
    keys = set(page_cache._pages)
    assert {key[2] for key in keys} == {"en", "es"}


def test_an_original_keeps_its_translations_in_other_languages(pair):
    english, _spanish = pair
    english.language = "es"
    with pytest.raises(ValidationError, match="A translation of this article is in that language"):
        english.clean()
    english.language, english.translation_of = "en", ArticleFactory(language="es")
    with pytest.raises(ValidationError, match="translations of its own"):
        english.clean()
