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
