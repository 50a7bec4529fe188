import pytest

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/",
        "/admin/articles/article/?status__exact=draft",
        "/admin/articles/article/?q=policy",
        "/admin/articles/article/add/",
    ],
)
def test_admin_pages_render_for_staff(staff_client, url):
    ArticleFactory(title="Immigration policy")
    assert staff_client.get(url).status_code == 200


def test_change_page_links_to_the_site(staff_client):
    article = ArticleFactory()
    response = staff_client.get(f"/admin/articles/article/{article.pk}/change/")
    assert response.status_code == 200
    assert "View on site" in response.content.decode()


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_can_add_an_article(staff_client):
    response = staff_client.post(
        "/admin/articles/article/add/",
        {
            "title": "New",
            "slug": "new",
            "author": "",
            "summary": "",
            "body": "Hello *world*",
            "status": "published",
            "language": "en",
            "published_at_0": "2024-01-02",
            "published_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302
    assert Article.objects.get(slug="new").body_html == "<p>Hello <em>world</em></p>"


def test_staff_link_a_translation_in_the_admin(staff_client, translated):
    english, spanish = translated
    spanish.delete()
    data = {
        "title": "La ofensiva", "slug": "la-ofensiva", "author": "", "summary": "",
        "body": "Texto.", "status": "published", "language": "es",
        "translation_of": str(english.pk), "donation_campaign": "",
        "published_at_0": "2026-01-02", "published_at_1": "10:00:00",
    }  # fmt: skip
    assert staff_client.post("/admin/articles/article/add/", data).status_code == 302
    assert Article.objects.get(slug="la-ofensiva").versions() == {
        "en": english,
        "es": Article.objects.get(slug="la-ofensiva"),
    }
    again = {**data, "slug": "otra", "title": "Otra"}
    page = staff_client.post("/admin/articles/article/add/", again).content.decode()
    assert "That article already has a version in this language." in page
