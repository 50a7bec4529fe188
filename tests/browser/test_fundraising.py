"""The fundraiser's cockpit in a real browser: a box on a new article, the dashboard
(its charts, its figures, its sources), donors as people, offline gifts."""

import re

from playwright.sync_api import Page, expect

from articles.models import Article
from donations.models import Donation
from tests.browser.axe_audit import audit, describe
from tests.browser.test_donating import fill_donor, pay, sign_in_staff
from tests.factories import DonationFactory

DASHBOARD = "/admin/donations/dashboard/"


def donate_20(page: Page, address: str, email: str = "ada@example.org") -> None:
    page.goto(address)
    page.get_by_text("$20", exact=True).click()
    fill_donor(page, email=email)
    page.get_by_role("button", name="Donate").click()
    pay(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, Ada!")


def test_staff_put_a_box_on_a_new_article_and_a_visitor_donates_there(
    page, browser, site, delivered
):
    url, _, seed = site
    sign_in_staff(page, url, "/admin/articles/article/add/")
    page.get_by_label("Title:").press_sequentially("Winter appeal")  # typed, as staff do
    expect(page.get_by_label("Slug:")).to_have_value("winter-appeal")  # filled from the title
    page.get_by_label("Author:").fill("The team")
    page.get_by_label("Summary:").fill("Help us through the winter.")
    page.get_by_label("Body:").fill("Families need legal help this winter.")
    page.get_by_label("Status:").select_option("published")
    box = page.get_by_label("Donation box:")
    expect(box.locator("option:checked")).to_have_text(seed.donation_box.campaign.name)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    visitor = browser.new_page()
    article = Article.objects.get(title="Winter appeal")
    assert article.slug == "winter-appeal", article.slug
    donate_20(visitor, url + article.get_absolute_url())
    delivered()
    donation = Donation.objects.get()
    assert (donation.article, donation.campaign) == (article, seed.donation_box.campaign)
    assert donation.status == Donation.Status.PAID


def test_the_dashboard_draws_its_charts_and_counts_as_by_hand(
    page, site, dashboard_gifts, artifacts
):
    url, _, _ = site
    sign_in_staff(page, url, DASHBOARD + "?first=2026-03&last=2026-06&currency=usd")
    expect(page.locator("svg.chart")).to_have_count(8)
    raised = page.get_by_role("region", name="Raised").get_by_role("row")
    expect(raised.filter(has_text="May 2026").locator("td")).to_have_text(
        ["$10", "$4", "$0", "$0.59", "$5.41"]
    )
    donors = page.get_by_role("region", name="New and returning donors").get_by_role("row")
    expect(donors.filter(has_text="April 2026").locator("td")).to_have_text(["1", "1"])
    renewals = page.get_by_role("region", name="Failed renewals and recoveries")
    expect(renewals.get_by_role("row").filter(has_text="May 2026").locator("td")).to_have_text(
        ["1", "1"]
    )
    expect(page.locator(".dashboard-totals")).to_contain_text("$90")  # gross, by hand
    serious = audit(page, artifacts, "dashboard")
    assert not serious, describe(serious)
    page.screenshot(path=artifacts / "dashboard.png", full_page=True)


def test_a_gift_from_the_newsletters_link_shows_under_that_source(page, browser, site, delivered):
    url, _, seed = site
    visitor = browser.new_page()
    donate_20(visitor, url + seed.get_absolute_url() + "?utm_source=newsletter&utm_medium=email")
    delivered()
    sign_in_staff(page, url, DASHBOARD)
    sources = page.get_by_role("region", name="By source").get_by_role("row")
    expect(sources.filter(has_text="newsletter / email").locator("td")).to_have_text(
        ["1", "$20", "$20"]
    )


def test_a_donor_who_gave_twice_is_one_donor_with_both_gifts(page, browser, site, delivered):
    url, _, seed = site
    visitor = browser.new_page()
    donate_20(visitor, url + seed.get_absolute_url())
    donate_20(visitor, url + seed.get_absolute_url(), email="Ada@Example.org")
    delivered()
    sign_in_staff(page, url, "/admin/donations/donor/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ada Lovelace")
    expect(rows.first.locator(".field-gifts")).to_have_text("2")
    rows.first.get_by_role("link").first.click()
    expect(page.get_by_text(re.compile(r"\$40"))).not_to_have_count(0)


def test_an_offline_gift_moves_the_campaigns_progress_bar(page, browser, site):
    url, _, seed = site
    campaign = seed.donation_box.campaign
    campaign.goal_cents = 50_000
    campaign.save()
    visitor = browser.new_page()
    visitor.goto(url + seed.get_absolute_url())
    expect(visitor.locator(".campaign-progress")).to_contain_text("$0 raised of $500")

    sign_in_staff(page, url, "/admin/donations/donation/offline/")
    page.get_by_label("Amount:").fill("120")
    page.get_by_label("Received on:").fill("2026-11-30")
    page.get_by_label("Paid by:").select_option("cheque")
    page.get_by_label("Reference:").fill("CHQ 1042")
    page.get_by_label("Name:", exact=True).fill("Grace")
    page.get_by_label("Last name:").fill("Hopper")
    page.get_by_label("Email:").fill("grace@example.org")
    page.get_by_role("button", name="Record the gift").click()
    expect(page.locator(".messagelist")).to_contain_text("Recorded")

    visitor.reload()
    expect(visitor.locator(".campaign-progress")).to_contain_text("$120 raised of $500 · 1 donor")
    expect(visitor.get_by_role("progressbar")).to_have_attribute(
        "aria-valuetext", "24% of the goal"
    )


def test_the_donations_list_fits_1280_pixels_with_its_side_bar_and_filters(page, site):
    url, _, _ = site
    page.set_viewport_size({"width": 1280, "height": 800})
    DonationFactory(
        email="a.very.long.address.of.a.donor@example-organisation.org", monthly=True,
        status=Donation.Status.PAST_DUE, attention="Look at it",
    )  # fmt: skip
    sign_in_staff(page, url, "/admin/donations/donation/")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    overflow = page.locator(".results").evaluate("e => e.scrollWidth - e.clientWidth")
    assert overflow <= 0, f"the list is {overflow} px too wide"
    expect(page.locator("#result_list tbody tr")).to_contain_text("Needs attention")
