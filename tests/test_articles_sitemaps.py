import xml.etree.ElementTree as ET

import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_sitemap_lists_public_articles(client):
    article = ArticleFactory()
    hidden = ArticleFactory(draft=True)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = [e.text for e in ET.fromstring(response.content).iter(f"{NS}loc")]
    assert f"http://testserver{article.get_absolute_url()}" in locations
    assert f"http://testserver{hidden.get_absolute_url()}" not in locations


def test_each_language_has_its_section_with_its_home_page_and_articles(client):
    english = ArticleFactory()
    spanish = ArticleFactory(language="es", translation_of=english)
    root = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [e.text for e in root.iter(f"{NS}loc")]
    assert "http://testserver/" in locations and "http://testserver/es/" in locations
    assert f"http://testserver/articles/{english.slug}/" in locations
    assert f"http://testserver/es/articles/{spanish.slug}/" in locations
    assert f"http://testserver/articles/{spanish.slug}/" not in locations
