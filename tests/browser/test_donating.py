"""Donating in a real browser, through the sandbox's checkout page."""

import re

import pytest
from playwright.sync_api import Page, expect

from donations import fee_cover
from donations.models import Donation, shown
from stripe_testkit.cards import DECLINED, VISA, TestCard
from tests.browser.axe_audit import audit, describe
from tests.factories import StaffUserFactory


def fill_donor(page: Page, first="Ada", last="Lovelace", email="ada@example.org"):
    page.get_by_role("textbox", name=re.compile("^Name")).fill(first)
    page.get_by_label("Last Name").fill(last)
    page.get_by_label("Email").fill(email)


def pay(page: Page, card: TestCard = VISA):
    expect(page.get_by_text("TEST MODE")).to_be_visible()
    page.get_by_label("Card number").fill(card.number)
    page.get_by_role("button", name=re.compile("^Pay")).click()


def sign_in_staff(page: Page, url: str, path: str = "/admin/", **permissions):
    """Open `path` of the admin as a staff member (every permission unless told)."""
    staff = StaffUserFactory(username="staff", **permissions)
    staff.set_password("correct horse battery staple")
    staff.save()
    page.goto(url + path)
    page.get_by_label("Username").fill("staff")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    return staff


def open_article(page: Page, site):
    url, _, article = site
    page.goto(url + article.get_absolute_url())
    return url


def test_one_time_20_to_thank_you_then_paid_in_the_admin(page, site, delivered):
    url = open_article(page, site)
    page.get_by_text("$20", exact=True).click()
    fill_donor(page)
    page.get_by_role("button", name="Donate").click()
    expect(page.get_by_test_id("amount")).to_have_text("20.00 USD")  # the sandbox's page
    pay(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, Ada!")
    expect(page.get_by_test_id("amount")).to_have_text("$20")
    expect(page.get_by_test_id("frequency")).to_have_text("One time")
    delivered()
    # The page checks again by itself while the payment is pending.
    expect(page.get_by_test_id("status")).to_have_text("Paid", timeout=10_000)

    sign_in_staff(page, url, "/admin/donations/donation/")
    row = page.locator("#result_list tbody tr").filter(has_text="Ada Lovelace")
    expect(row).to_contain_text("$20")
    expect(row).to_contain_text("Paid")
    expect(row).to_contain_text("1 of 1")


def test_monthly_three_times(page, site, delivered):
    open_article(page, site)
    page.get_by_text("$30", exact=True).click()
    page.get_by_label("Would you like to make regular donations?").select_option("month")
    count = page.get_by_label("How many times would you like this to recur?")
    expect(count).to_be_visible()
    count.fill("3")
    fill_donor(page)
    page.get_by_role("button", name="Donate").click()
    expect(page.get_by_test_id("frequency")).to_have_text(
        "30.00 USD every month, 3 payments in total"
    )
    pay(page)
    expect(page.get_by_test_id("count")).to_have_text("3")
    delivered()
    donation = Donation.objects.get()
    assert (donation.frequency, donation.payment_count) == ("month", 3)
    assert donation.status == Donation.Status.ACTIVE
    assert donation.stripe_schedule_id


def test_another_amount(page, site, delivered):
    open_article(page, site)
    page.get_by_label("Other amount (USD)").fill("12.50")
    fill_donor(page)
    page.get_by_role("button", name="Donate").click()
    expect(page.get_by_test_id("amount")).to_have_text("12.50 USD")
    pay(page)
    expect(page.get_by_test_id("amount")).to_have_text("$12.50")
    delivered()
    assert Donation.objects.get().amount_cents == 1250


def test_a_declined_card_is_shown_and_a_retry_succeeds(page, site, delivered):
    open_article(page, site)
    page.get_by_text("$10", exact=True).click()
    fill_donor(page)
    page.get_by_role("button", name="Donate").click()
    pay(page, DECLINED)
    expect(page.get_by_role("alert")).to_have_text("Your card was declined.")
    pay(page, VISA)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, Ada!")
    delivered()
    assert Donation.objects.get().status == Donation.Status.PAID


def test_validation_errors_stand_next_to_their_fields_with_values_kept(page, site):
    open_article(page, site)
    page.get_by_label("Would you like to make regular donations?").select_option("year")
    page.get_by_label("How many times would you like this to recur?").fill("9")
    fill_donor(page, first="Ada", last="", email="not-an-email")
    page.get_by_label("Additional Note").fill("Keep going")
    page.get_by_role("button", name="Donate").click()
    expect(page.locator("#donation-errors")).to_be_visible()
    expect(page.locator("#id_amount_error")).to_have_text(
        "Choose an amount or enter another amount."
    )
    expect(page.locator("#id_payment_count_error")).to_contain_text("at most 5 times")
    expect(page.locator("#id_last_name_error")).to_contain_text("This field is required.")
    expect(page.locator("#id_email_error")).to_contain_text("Enter a valid email address.")
    email = page.get_by_label("Email")
    expect(email).to_have_value("not-an-email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_attribute("aria-describedby", "id_email_error")
    expect(page.get_by_role("textbox", name=re.compile("^Name"))).to_have_value("Ada")
    expect(page.get_by_label("Additional Note")).to_have_value("Keep going")
    expect(page.get_by_label("Would you like to make regular donations?")).to_have_value("year")
    assert Donation.objects.count() == 0


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_after_an_invalid_submit_the_list_of_errors_is_in_sight_with_focus(
    browser, site, width, javascript
):
    """WCAG 3.3.1: on a phone the box is thousands of pixels below the top; the page
    lands on the list of what to fix, focused, each item leading to its field."""
    context = browser.new_context(
        viewport={"width": width, "height": 800}, java_script_enabled=javascript
    )
    page = context.new_page()
    open_article(page, site)
    page.get_by_label("Email").fill("nope")
    page.get_by_role("button", name="Donate").click()
    summary = page.locator("#donation-errors")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary.get_by_role("link")).to_have_count(4)  # amount, both names, e-mail
    summary.get_by_role("link", name=re.compile("^Email: Enter a valid email")).click()
    expect(page.get_by_label("Email")).to_be_focused()
    context.close()


def tab_to(page: Page, element_id: str, limit: int = 60) -> None:
    """Press Tab until the element has focus, checking each stop shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement;
                       const s = getComputedStyle(e.matches('.btn-check') ?
                                 e.nextElementSibling : e);
                       return [e.id, s.outlineStyle !== 'none' || s.boxShadow !== 'none']; }"""
        )
        assert focused[1], f"#{focused[0]} has focus but shows no focus indicator"
        if focused[0] == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_a_keyboard_only_donation(page, site, delivered):
    open_article(page, site)
    tab_to(page, "id_amount_0")
    page.keyboard.press("ArrowRight")  # the amount radio group: $10 -> $20
    expect(page.locator("#id_amount_1")).to_be_checked()
    order = []
    for _ in range(8):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.name"))
    assert order == [
        "other_amount", "frequency", "cover_fee", "first_name", "last_name", "email", "note",
        "donate",
    ]  # fmt: skip
    page.keyboard.press("Shift+Tab")  # back to the note, then through the donor fields
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
    for text in ("Ada", "Lovelace", "ada@example.org"):
        page.keyboard.type(text)
        page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the note, onto Donate
    page.keyboard.press("Enter")
    expect(page.get_by_label("Card number")).to_be_visible()
    tab_to(page, "card-number")
    page.keyboard.type(VISA.number)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, Ada!")
    delivered()
    assert Donation.objects.get().amount_cents == 2000


@pytest.mark.parametrize("javascript_enabled", [False])
def test_the_same_donation_with_javascript_off(browser, site, delivered, javascript_enabled):
    context = browser.new_context(java_script_enabled=javascript_enabled)
    page = context.new_page()
    open_article(page, site)
    count = page.get_by_label("How many times would you like this to recur?")
    expect(count).to_be_visible()  # nothing hides it without JavaScript
    page.get_by_text("$20", exact=True).click()
    page.get_by_label("Would you like to make regular donations?").select_option("week")
    count.fill("2")
    fill_donor(page)
    page.get_by_role("button", name="Donate").click()
    pay(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, Ada!")
    delivered()
    assert Donation.objects.get().frequency == "week"
    if page.get_by_role("link", name="Check again").count():
        page.get_by_role("link", name="Check again").click()
    expect(page.get_by_test_id("status")).to_have_text("Active (recurring)")
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_one_time_gift_made_monthly_from_the_thank_you_page(
    page, site, delivered, artifacts, width
):

    page.set_viewport_size({"width": width, "height": 800})
    open_article(page, site)
    page.get_by_text("$20", exact=True).click()
    fill_donor(page)
    page.get_by_role("button", name="Donate").click()
    pay(page)
    offer = page.get_by_role("region", name="Make it monthly?")
    expect(offer).to_be_visible()
    serious = audit(page, artifacts, f"thanks-offer-{width}")
    assert not serious, describe(serious)
    expect(offer.get_by_label(re.compile("^Every month"))).to_have_value("20.00")
    offer.get_by_label(re.compile("^Every month")).fill("10")
    offer.get_by_label("Number of payments").fill("3")
    offer.get_by_role("button", name="Yes, give monthly").click()
    expect(page.get_by_test_id("frequency")).to_have_text(
        "10.00 USD every month, 3 payments in total"
    )  # the sandbox's Checkout page
    pay(page)
    expect(page.get_by_test_id("count")).to_have_text("3")
    expect(page.get_by_role("region", name="Make it monthly?")).to_have_count(0)
    delivered()
    monthly = Donation.objects.get(frequency="month")
    assert monthly.upgraded_from == Donation.objects.get(frequency="one_time")
    assert (monthly.amount_cents, monthly.status) == (1000, Donation.Status.ACTIVE)


def test_declining_the_monthly_offer_is_one_click(page, site):
    open_article(page, site)
    page.get_by_text("$20", exact=True).click()
    fill_donor(page)
    page.get_by_role("button", name="Donate").click()
    pay(page)
    page.get_by_role("button", name="No, thank you").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, Ada!")
    expect(page.get_by_role("region", name="Make it monthly?")).to_have_count(0)
    page.reload()
    expect(page.get_by_role("region", name="Make it monthly?")).to_have_count(0)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_fee_cover_follows_the_amount_chosen_and_is_charged(
    page, site, delivered, artifacts, width
):
    page.set_viewport_size({"width": width, "height": 800})
    open_article(page, site)
    cover = page.get_by_role("checkbox", name=re.compile("so all of my"))
    expect(cover).to_have_accessible_name("Add $0.61 so all of my $10 reaches you")
    page.get_by_text("$20", exact=True).click()
    expect(cover).to_have_accessible_name("Add $0.91 so all of my $20 reaches you")
    page.get_by_label("Other amount").fill("1,250.50")
    wanted = shown(fee_cover.cover(125050, "usd"), "usd")
    expect(cover).to_have_accessible_name(f"Add {wanted} so all of my $1,250.50 reaches you")
    page.get_by_text("$20", exact=True).click()
    cover.check()
    fill_donor(page)
    page.get_by_role("button", name="Donate").click()
    expect(page.get_by_test_id("amount")).to_have_text("20.91 USD")  # the sandbox's page
    pay(page)
    expect(page.get_by_test_id("amount")).to_have_text(
        "$20.91 ($20 and $0.91 for the processing fee)"
    )
    serious = audit(page, artifacts, f"thanks-fee-covered-{width}")
    assert not serious, describe(serious)
    delivered()
    payment = Donation.objects.get().payments.get()
    assert (payment.amount_cents, payment.settled_cents) == (2091, 2000)


def test_a_campaign_closed_while_the_form_is_filled_in_says_so(page, site, artifacts):
    url = open_article(page, site)
    page.get_by_text("$20", exact=True).click()
    fill_donor(page)
    campaign = site[2].donation_box.campaign
    campaign.active = False  # staff close the campaign meanwhile
    campaign.save()
    page.get_by_role("button", name="Donate").click()
    heading = "This campaign is no longer taking donations"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_text("Nothing was charged")).to_be_visible()
    serious = audit(page, artifacts, "campaign-closed")
    assert not serious, describe(serious)
    page.screenshot(path=artifacts / "campaign-closed.png")
    assert not Donation.objects.exists()
    page.get_by_role("link", name="See where you can give now").click()
    expect(page).to_have_url(url + "/donate/")
    expect(page.get_by_text("not taking donations online just now")).to_be_visible()
