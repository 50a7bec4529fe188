"""Donation boxes in the admin: chosen on an article's own page, and listed."""

import pytest
from django.contrib.auth.models import Permission

from donations.models import DonationBox
from tests.factories import (
    ArticleFactory,
    CampaignArticleFactory,
    CampaignFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ARTICLE_FORM = {
    "title": "Winter appeal", "slug": "winter-appeal", "author": "", "summary": "",
    "body": "Give *now*.", "status": "published", "language": "en",
    "published_at_0": "2026-01-02", "published_at_1": "10:00:00",
}  # fmt: skip


def test_a_new_article_gets_the_main_campaigns_box_unless_staff_choose_otherwise(
    staff_client,
):
    main = CampaignFactory(name="General fund", is_main=True)
    CampaignFactory(name="Legal defence")
    page = staff_client.get("/admin/articles/article/add/").content.decode()
    assert "Donation box" in page
    assert f'<option value="{main.pk}" selected>General fund</option>' in page
    data = {**ARTICLE_FORM, "donation_campaign": str(main.pk)}
    assert staff_client.post("/admin/articles/article/add/", data).status_code == 302
    assert DonationBox.objects.get(article__slug="winter-appeal").campaign == main


def test_staff_change_or_remove_an_articles_box(staff_client):
    article = CampaignArticleFactory()
    legal = CampaignFactory(name="Legal defence")
    url = f"/admin/articles/article/{article.pk}/change/"
    data = {**ARTICLE_FORM, "title": article.title, "slug": article.slug}
    page = staff_client.get(url).content.decode()
    box = article.donation_box
    assert f'<option value="{box.campaign_id}" selected>' in page
    assert staff_client.post(url, {**data, "donation_campaign": str(legal.pk)}).status_code == 302
    assert DonationBox.objects.get(article=article).campaign == legal
    assert staff_client.post(url, {**data, "donation_campaign": ""}).status_code == 302
    assert not DonationBox.objects.filter(article=article).exists()


def test_an_article_added_with_a_box_takes_donations_on_its_page(staff_client, client):
    campaign = CampaignFactory(name="General fund")
    data = {**ARTICLE_FORM, "donation_campaign": str(campaign.pk)}
    staff_client.post("/admin/articles/article/add/", data)
    page = client.get("/articles/winter-appeal/").content.decode()
    assert "You are donating to: <strong>General fund</strong>" in page


def test_a_campaign_that_does_not_exist_is_refused_and_nothing_changes(staff_client):
    article = ArticleFactory()
    data = {**ARTICLE_FORM, "title": "Changed", "slug": article.slug, "donation_campaign": "999"}
    response = staff_client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert "Select a valid choice." in response.content.decode()
    article.refresh_from_db()
    assert article.title != "Changed"
    assert not DonationBox.objects.exists()


def test_the_boxes_have_a_list_of_their_own(staff_client):
    CampaignArticleFactory(title="Under this one")
    page = staff_client.get("/admin/donations/donationbox/").content.decode()
    assert "Under this one" in page and "Defend 287(g)" in page


def test_staff_without_the_permission_cannot_see_or_change_boxes(client):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(user)
    assert client.get("/admin/donations/donationbox/").status_code == 403
    article = CampaignArticleFactory()
    page = client.get(f"/admin/articles/article/{article.pk}/change/")
    assert page.status_code == 200  # view only: nothing to post
    data = {**ARTICLE_FORM, "slug": article.slug, "donation_campaign": ""}
    assert client.post(f"/admin/articles/article/{article.pk}/change/", data).status_code == 403
    assert DonationBox.objects.filter(article=article).exists()
