"""A campaign's own donation page, the header's Donate button, and the box embedded on
a partner's site."""

import pytest
from django.conf import settings
from django.test import Client

from donations.models import Campaign, Donation
from tests.factories import CampaignArticleFactory, CampaignFactory, donation_form_data
from tests.stripe_events import CHECKOUT, answer_checkout

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return CampaignFactory(name="Winter appeal", goal_cents=500_000, is_main=True)


def test_the_campaign_page_has_the_box_and_takes_a_donation_without_an_article(
    client, campaign, fake_stripe
):
    page = client.get("/donate/winter-appeal/").content.decode()
    assert "<h1" in page and "Winter appeal" in page
    assert "You are donating to: <strong>Winter appeal</strong>" in page
    assert 'action="/donate/winter-appeal/#donation-errors"' in page
    assert f'href="{settings.SITE_URL}/donate/winter-appeal/"' in page  # canonical
    answer_checkout(fake_stripe)
    response = client.post("/donate/winter-appeal/", donation_form_data())
    assert (response.status_code, response["Location"]) == (303, CHECKOUT["url"])
    donation = Donation.objects.get()
    assert (donation.campaign, donation.article, donation.amount_cents) == (campaign, None, 2000)
    # Checkout's "back" link refills the campaign's page, not an article.
    assert (
        fake_stripe.requests[0]
        .form["cancel_url"]
        .startswith("http://testserver/donate/winter-appeal/?resume=")
    )


def test_a_resume_link_refills_the_campaign_page(client, campaign, fake_stripe):
    answer_checkout(fake_stripe)
    client.post("/donate/winter-appeal/", donation_form_data(first_name="Grace", note="Hi"))
    back = fake_stripe.requests[0].form["cancel_url"].removeprefix("http://testserver")
    page = client.get(back).content.decode()
    assert 'value="Grace"' in page and "Hi</textarea>" in page


def test_bad_input_on_the_campaign_page_comes_back_with_what_was_typed(client, campaign):
    data = donation_form_data(email="not-an-address", first_name="Ada")
    response = client.post("/donate/winter-appeal/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in page
    assert 'value="Ada"' in page and 'value="not-an-address"' in page
    assert not Donation.objects.exists()


def test_a_closed_campaign_says_so_and_an_unknown_one_has_no_page(client, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(active=False)
    page = client.get("/donate/winter-appeal/")
    assert page.status_code == 410
    assert "This campaign is no longer taking donations" in page.content.decode()
    assert "Nothing was charged" not in page.content.decode()  # nothing was sent
    posted = client.post("/donate/winter-appeal/", donation_form_data())
    assert posted.status_code == 410
    said = "Nothing was charged, and the details you typed were not kept."
    assert said in posted.content.decode()
    assert not Donation.objects.exists()
    assert client.get("/donate/no-such-campaign/").status_code == 404
    # Inside a partner's frame the box of a closed campaign is still not found.
    assert client.get("/donate/winter-appeal/embed/").status_code == 404


def test_the_header_donate_button_opens_the_main_campaign(client, campaign):
    article = CampaignArticleFactory()
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'class="btn btn-primary btn-sm site-donate" href="/donate/"' in page
    main = client.get("/donate/").content.decode()
    assert "You are donating to: <strong>Winter appeal</strong>" in main
    assert 'action="/donate/winter-appeal/#donation-errors"' in main


def test_without_a_main_campaign_donate_lists_the_open_ones_or_says_none_is(client, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(is_main=False)
    CampaignFactory(name="Closed", active=False)
    page = client.get("/donate/").content.decode()
    assert 'href="/donate/winter-appeal/"' in page and "Closed" not in page
    Campaign.objects.update(active=False)
    assert "not taking donations online just now" in client.get("/donate/").content.decode()


def test_one_main_campaign_at_a_time(campaign):
    other = CampaignFactory(name="Spring appeal", is_main=True)
    campaign.refresh_from_db()
    assert (campaign.is_main, other.is_main) == (False, True)


def test_the_embedded_box_may_be_framed_only_by_the_sites_staff_listed(client, campaign):
    ordinary = client.get("/donate/winter-appeal/")
    assert "frame-ancestors 'none'" in ordinary["Content-Security-Policy"]
    assert ordinary["X-Frame-Options"] == "DENY"
    closed = client.get("/donate/winter-appeal/embed/")
    assert "frame-ancestors 'none'" in closed["Content-Security-Policy"]
    campaign.embed_origins = "https://partner.example.org\nhttp://localhost:8080/"
    campaign.save()
    embedded = client.get("/donate/winter-appeal/embed/")
    policy = embedded["Content-Security-Policy"]
    assert "frame-ancestors https://partner.example.org http://localhost:8080;" in policy + ";"
    assert "X-Frame-Options" not in embedded
    page = embedded.content.decode()
    assert (
        'action="/donate/winter-appeal/embed/#donation-errors"' in page and 'target="_top"' in page
    )
    assert "site-header" not in page  # the box alone


def test_the_embedded_box_posts_without_our_cookies_and_opens_checkout_at_the_top(
    campaign, fake_stripe
):
    """A partner's frame gets no CSRF cookie of ours (third-party cookies): its form is
    taken without one, as the same limits and checks apply."""
    answer_checkout(fake_stripe)
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/donate/winter-appeal/embed/", donation_form_data())
    assert (response.status_code, response["Location"]) == (303, CHECKOUT["url"])
    invalid = strict.post("/donate/winter-appeal/embed/", donation_form_data(email="x"))
    assert invalid.status_code == 200
    assert "site-header" in invalid.content.decode()  # the whole campaign page, at the top
    assert "Enter a valid email address." in invalid.content.decode()
    # The ordinary page still asks for the CSRF token.
    assert strict.post("/donate/winter-appeal/", donation_form_data()).status_code == 403


def test_campaign_pages_come_from_the_page_cache(client, campaign, django_assert_max_num_queries):
    for url in ("/donate/winter-appeal/", "/donate/winter-appeal/embed/", "/donate/"):
        client.get(url)
        with django_assert_max_num_queries(1):  # the content version, nothing else
            assert client.get(url).status_code == 200
    campaign.name = "Winter appeal 2026"
    campaign.save()
    assert "Winter appeal 2026" in client.get("/donate/winter-appeal/").content.decode()
