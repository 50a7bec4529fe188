"""axe-core on the pages visitors see: no serious or critical violations."""

from playwright.sync_api import expect

from tests.browser.axe_audit import audit, describe
from tests.browser.test_donating import fill_donor, pay


def test_home_page(page, site, artifacts):
    url, _, _ = site
    page.goto(url + "/")
    serious = audit(page, artifacts, "home")
    assert not serious, describe(serious)


def test_article_page_with_its_donation_form(page, site, artifacts):
    url, _, article = site
    page.goto(url + article.get_absolute_url())
    serious = audit(page, artifacts, "article")
    assert not serious, describe(serious)


def test_article_page_with_errors_shown(page, site, artifacts):
    url, _, article = site
    page.goto(url + article.get_absolute_url())
    page.get_by_label("Email").fill("nope")
    page.get_by_role("button", name="Donate").click()
    expect(page.locator("#donation-errors")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    serious = audit(page, artifacts, "article-errors")
    assert not serious, describe(serious)


def test_checkout_and_thank_you_pages(page, site, artifacts):
    url, _, article = site
    page.goto(url + article.get_absolute_url())
    page.get_by_text("$20", exact=True).click()
    fill_donor(page)
    page.get_by_role("button", name="Donate").click()
    expect(page.get_by_label("Card number")).to_be_visible()
    serious = audit(page, artifacts, "checkout")
    assert not serious, describe(serious)
    pay(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank you")
    serious = audit(page, artifacts, "thanks")
    assert not serious, describe(serious)


def test_the_campaign_goal_bar(page, site, artifacts):
    url, _, article = site
    campaign = article.donation_box.campaign
    campaign.goal_cents = 50_000
    campaign.save()
    page.goto(url + article.get_absolute_url())
    bar = page.get_by_role("progressbar")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("aria-valuetext", "0% of the goal")
    expect(page.locator(".campaign-progress")).to_contain_text("$0 raised of $500 · 0 donors")
    serious = audit(page, artifacts, "goal")
    assert not serious, describe(serious)
