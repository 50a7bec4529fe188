import re

import pytest
from django.test import RequestFactory, override_settings
from django.views.defaults import server_error

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_home_lists_published_articles_with_link_date_and_summary(client):
    article = ArticleFactory(title="Visible title", summary="A short summary.")
    ArticleFactory(draft=True, title="Secret draft")
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{article.get_absolute_url()}"' in html
    assert "Visible title" in html
    assert "A short summary." in html
    assert article.published_at.strftime("%B") in html
    assert "Secret draft" not in html


@override_settings(ARTICLES_PER_PAGE=2)
def test_home_is_paginated(client):
    ArticleFactory.create_batch(3)
    first = client.get("/")
    second = client.get("/?page=2")
    assert len(first.context["articles"]) == 2
    assert len(second.context["articles"]) == 1
    assert 'rel="next"' in first.content.decode()
    assert client.get("/?page=9").status_code == 404


def test_article_page_has_h1_article_meta_and_og_tags(client, settings):
    article = ArticleFactory(title="A <b>title</b>", summary="Summary text", body="Body text.")
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="article-title">A &lt;b&gt;title&lt;/b&gt;</h1>' in html
    assert '<article class="article">' in html
    assert "<p>Body text.</p>" in html
    assert "<title>A &lt;b&gt;title&lt;/b&gt; · " in html
    assert '<meta name="description" content="Summary text">' in html
    canonical = f"{settings.SITE_URL}{article.get_absolute_url()}"  # whatever the Host
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert 'type="application/atom+xml"' in html


@pytest.mark.parametrize("trait", ["draft", "future"])
def test_unpublished_article_is_404_to_the_public(client, trait):
    article = ArticleFactory(**{trait: True})
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("trait", ["draft", "future"])
def test_staff_can_preview_unpublished_articles(staff_client, trait):
    article = ArticleFactory(**{trait: True})
    response = staff_client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Preview: this article is not public" in response.content.decode()
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_404_page_uses_the_site_template(client):
    response = client.get("/articles/does-not-exist/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_static_files_come_from_our_origin(client):
    html = client.get("/").content.decode()
    assert "/static/css/site.css" in html
    assert "cdn" not in html.lower()


def test_security_headers(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def test_500_page_stands_alone():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@pytest.mark.parametrize("method", ["post", "put", "delete", "options", "trace", "patch"])
def test_pages_answer_only_get_and_head(client, method):
    article = ArticleFactory()
    for path in ("/", article.get_absolute_url()):
        response = client.generic(method.upper(), path)
        assert response.status_code == 405, (method, path)
        assert "Body" not in response.content.decode()
    assert client.head(article.get_absolute_url()).status_code == 200


def test_public_pages_tell_browsers_to_check_again(client):
    article = ArticleFactory()
    for path in ("/", article.get_absolute_url()):
        for _ in range(2):  # rendered, then from the page cache
            response = client.get(path)
            assert response["Cache-Control"] == "private, no-cache"


def switcher(html: str) -> dict[str, str]:
    """The header's language links: language → address."""
    return dict(
        (code, url)
        for url, code in re.findall(r'<a class="small" href="([^"]*)" hreflang="([^"]*)"', html)
    )


def hreflangs(html: str) -> dict[str, str]:
    found = re.findall(r'<link rel="alternate" hreflang="([^"]*)" href="([^"]*)">', html)
    return dict(found)


def test_a_spanish_article_is_read_in_spanish_at_its_spanish_address(client, translated, settings):
    english, spanish = translated
    assert spanish.get_absolute_url() == f"/es/articles/{spanish.slug}/"
    html = client.get(spanish.get_absolute_url()).content.decode()
    assert '<html lang="es">' in html
    assert "Publicado el" in html and "Ir al contenido" in html
    assert switcher(html) == {"en": english.get_absolute_url()}
    assert hreflangs(html) == {
        "es": f"{settings.SITE_URL}/es/articles/{spanish.slug}/",
        "en": f"{settings.SITE_URL}/articles/{english.slug}/",
    }


def test_an_article_at_the_other_languages_address_redirects_to_its_own(client, translated):
    english, spanish = translated
    response = client.get(f"/articles/{spanish.slug}/")
    assert response.status_code == 302
    assert response["Location"] == spanish.get_absolute_url()
    assert client.get(f"/es/articles/{english.slug}/")["Location"] == english.get_absolute_url()


def test_the_english_page_switches_to_its_translation(client, translated):
    english, spanish = translated
    html = client.get(english.get_absolute_url()).content.decode()
    assert '<html lang="en">' in html
    assert switcher(html) == {"es": spanish.get_absolute_url()}


def test_without_a_translation_the_switcher_leads_to_the_other_home_page(client):
    alone = ArticleFactory()
    html = client.get(alone.get_absolute_url()).content.decode()
    assert switcher(html) == {"es": "/es/"}
    assert set(hreflangs(html)) == {"en"}  # no alternate that is another page


def test_an_unpublished_translation_is_not_offered(client, translated):
    english, spanish = translated
    spanish.status = spanish.Status.DRAFT
    spanish.save()
    html = client.get(english.get_absolute_url()).content.decode()
    assert switcher(html) == {"es": "/es/"}


def test_home_pages_list_the_articles_of_their_language(client, translated):
    english, spanish = translated
    home = client.get("/").content.decode()
    inicio = client.get("/es/").content.decode()
    assert english.title in home and spanish.title not in home
    assert spanish.title in inicio and english.title not in inicio
    assert "Artículos recientes" in inicio
