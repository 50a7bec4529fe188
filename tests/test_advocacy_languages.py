"""The page's language comes from its address alone."""

import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("path", "language"), [("/", "en"), ("/es/", "es")])
def test_the_address_says_the_language_whatever_the_browser_asks(client, path, language):
    ArticleFactory()
    for asked in ("es-MX,es;q=0.9", "en-US", "fr"):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=asked)
        assert f'<html lang="{language}">' in response.content.decode()
        assert response["Content-Language"] == language
        assert "Accept-Language" not in response.get("Vary", "")


def test_a_language_the_site_does_not_have_is_not_found(client):
    assert client.get("/fr/").status_code == 404
