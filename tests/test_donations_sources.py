"""Where money comes from: a link's UTM parameters and refcode, carried from the page's
address through the form (its error pages and the resume link) onto the donation and
into Checkout's metadata, with pages still served from the page cache."""

import pytest

from donations import sources
from donations.models import Donation
from tests.factories import CampaignArticleFactory, CampaignFactory, donation_form_data
from tests.stripe_events import answer_checkout

pytestmark = pytest.mark.django_db
FROM_NEWSLETTER = "utm_source=newsletter&utm_medium=email&utm_campaign=winter&refcode=nl-12"


def hidden(page, name):
    start = page.index(f'name="{name}"')
    tag = page[page.rindex("<input", 0, start) : page.index(">", start)]
    return tag.split('value="')[1].split('"')[0] if 'value="' in tag else ""


def test_cleaned_keeps_printable_text_up_to_100_characters():
    assert sources.cleaned("  news\x00letter\n ") == "newsletter"
    assert sources.cleaned("x" * 150) == "x" * 100
    assert sources.cleaned(None) == ""
    assert sources.sources_in({"utm_source": " a ", "utm_medium": "", "other": "b"}) == {
        "utm_source": "a"
    }


def test_label_says_where_a_gift_came_from():
    assert sources.label("newsletter", "email", "winter", "nl-12") == (
        "newsletter / email / winter · refcode nl-12"
    )
    assert sources.label("", "", "", "") == "(direct)"


@pytest.mark.parametrize("kind", ["article", "campaign page", "embedded box"])
def test_a_page_with_a_links_sources_is_served_from_the_page_cache_with_them(
    client, kind, django_assert_max_num_queries
):
    article = CampaignArticleFactory()
    url = {
        "article": article.get_absolute_url(),
        "campaign page": article.donation_box.campaign.get_absolute_url(),
        "embedded box": article.donation_box.campaign.get_absolute_url() + "embed/",
    }[kind]
    bare = client.get(url).content.decode()  # rendered once, kept
    assert hidden(bare, "utm_source") == ""
    with django_assert_max_num_queries(1):  # the content version, nothing else
        page = client.get(f"{url}?{FROM_NEWSLETTER}").content.decode()
    assert [hidden(page, name) for name in sources.FIELDS] == [
        "newsletter", "email", "winter", "nl-12",
    ]  # fmt: skip
    with django_assert_max_num_queries(1):
        other = client.get(f"{url}?utm_source=partner").content.decode()
    assert (hidden(other, "utm_source"), hidden(other, "refcode")) == ("partner", "")


def test_a_source_is_written_into_the_page_as_text_never_as_markup(client):
    article = CampaignArticleFactory()
    client.get(article.get_absolute_url())
    page = client.get(
        f"{article.get_absolute_url()}?utm_source=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"
    ).content.decode()
    assert "<script>alert(1)" not in page
    assert hidden(page, "utm_source") == "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.mark.parametrize("query", ["utm_source=caf%C3%A9", "utm_source=café"])
def test_a_source_in_any_letters_reads_from_the_page_cache_as_the_whole_stack_reads_it(
    client, query, django_assert_max_num_queries
):
    article = CampaignArticleFactory()
    client.get(article.get_absolute_url())
    with django_assert_max_num_queries(1):  # served from the page cache
        page = client.get(f"{article.get_absolute_url()}?{query}").content.decode()
    assert hidden(page, "utm_source") == "café"  # raw UTF-8 bytes too, as request.GET reads them


def test_other_parameters_get_the_whole_stack(client, django_assert_max_num_queries):
    article = CampaignArticleFactory()
    client.get(article.get_absolute_url())
    with django_assert_max_num_queries(8) as rendered:
        client.get(f"{article.get_absolute_url()}?utm_source=a&fbclid=b")
    assert len(rendered) > 1


def test_a_donation_keeps_its_sources_and_stripe_gets_them_as_metadata(client, fake_stripe):
    article = CampaignArticleFactory()
    answer_checkout(fake_stripe)
    data = donation_form_data(utm_source="newsletter", utm_medium="email", refcode="nl-12")
    assert client.post(f"{article.get_absolute_url()}donate/", data).status_code == 303
    donation = Donation.objects.get()
    assert (donation.utm_source, donation.utm_medium, donation.utm_campaign, donation.refcode) == (
        "newsletter", "email", "", "nl-12",
    )  # fmt: skip
    form = fake_stripe.requests[0].form
    assert form["metadata[utm_source]"] == "newsletter"
    assert form["metadata[refcode]"] == "nl-12"
    assert "metadata[utm_campaign]" not in form


def test_the_error_page_and_the_resume_link_keep_the_sources(client, fake_stripe):
    campaign = CampaignFactory()
    invalid = donation_form_data(email="nope", utm_source="partner", refcode="p-1")
    page = client.post(campaign.get_absolute_url(), invalid).content.decode()
    assert (hidden(page, "utm_source"), hidden(page, "refcode")) == ("partner", "p-1")
    answer_checkout(fake_stripe)
    client.post(campaign.get_absolute_url(), {**invalid, "email": "ada@example.org"})
    back = fake_stripe.requests[0].form["cancel_url"].removeprefix("http://testserver")
    resumed = client.get(back).content.decode()
    assert (hidden(resumed, "utm_source"), hidden(resumed, "refcode")) == ("partner", "p-1")
