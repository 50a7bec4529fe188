"""The donor's own page in a real browser: reached from the thank-you page, a donor stops
their remaining payments, and updates their card on the (sandbox) portal."""

import re
from pathlib import Path

import pytest
import stripe
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from donations.giving_link import giving_link
from donations.models import Donation
from donations.statement_pdf import text_of
from stripe_testkit.cards import FAILS_ON_RENEWAL, MASTERCARD, VISA, TestCard
from stripe_testkit.waiting import wait_until
from tests.browser.axe_audit import audit, describe
from tests.browser.test_donating import fill_donor, open_article, pay


def donate_monthly(page: Page, site, card: TestCard = VISA) -> None:
    """$10 a month, 3 times, paid with `card`, to the thank-you page."""
    open_article(page, site)
    page.get_by_text("$10", exact=True).click()
    page.get_by_label("Would you like to make regular donations?").select_option("month")
    page.get_by_label("How many times would you like this to recur?").fill("3")
    fill_donor(page)
    page.get_by_role("button", name="Donate").click()
    pay(page, card)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, Ada!")


@pytest.mark.parametrize("width", [390, 1280])
def test_a_donor_cancels_the_remaining_payments(page, site, delivered, artifacts, width):
    page.set_viewport_size({"width": width, "height": 800})
    donate_monthly(page, site)
    delivered()
    page.get_by_role("link", name="Your donation's own page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your donation")
    expect(page.get_by_test_id("still-to-come")).to_have_text("2 payments")
    serious = audit(page, artifacts, f"donor-page-{width}")
    assert not serious, describe(serious)
    expect(page.get_by_test_id("upcoming").get_by_role("listitem")).to_have_count(2)
    page.get_by_role("button", name="Cancel my remaining payments…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your remaining payments?")
    expect(page.get_by_text("2 payments still to come will not be taken")).to_be_visible()
    serious = audit(page, artifacts, f"donor-cancel-{width}")
    assert not serious, describe(serious)
    page.get_by_role("button", name="Yes, cancel the remaining payments").click()
    expect(page.get_by_role("status")).to_contain_text("Your remaining payments are cancelled")
    # At once, before Stripe's event: what the donor asked, and nothing more to press.
    expect(page.get_by_test_id("status")).to_have_text("Cancelled (Stripe is confirming)")
    expect(page.get_by_role("button")).to_have_count(0)
    delivered()
    page.reload()
    expect(page.get_by_test_id("status")).to_have_text("Cancelled")
    assert Donation.objects.get().status == Donation.Status.CANCELED


def test_a_donor_updates_their_card_on_the_portal(page, site, delivered):
    donate_monthly(page, site)
    delivered()
    page.get_by_role("link", name="Your donation's own page").click()
    expect(page.get_by_test_id("card")).to_contain_text("Visa ending in 4242, expires ")
    page.get_by_role("button", name="Update my card").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Update your payment method")
    page.get_by_label("Card number").fill(MASTERCARD.number)
    page.get_by_role("button", name="Save card").click()
    expect(page).to_have_url(re.compile(r"/donations/[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your donation")
    expect(page.get_by_role("status")).to_contain_text(
        "Your card is updated: the payments still to come will be taken from your "
        "Mastercard ending in 4444."
    )
    expect(page.get_by_test_id("card")).to_contain_text("Mastercard ending in 4444")
    _, sandbox, _ = site
    client = stripe.StripeClient("sk_test_sandbox", base_addresses={"api": sandbox.url})
    donation = Donation.objects.get()
    customer = client.v1.customers.retrieve(donation.stripe_customer_id)
    card = client.v1.payment_methods.retrieve(customer.invoice_settings.default_payment_method)
    assert card.card.last4 == "4444"  # the Mastercard typed on the portal
    subscription = client.v1.subscriptions.retrieve(donation.stripe_subscription_id)
    assert subscription.default_payment_method == card.id


@pytest.mark.parametrize("width", [390, 1280])
def test_a_donor_finds_all_their_giving_from_the_footer(page, site, delivered, artifacts, width):
    page.set_viewport_size({"width": width, "height": 800})
    donate_monthly(page, site)
    delivered()
    page.get_by_role("link", name="Manage my donations").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage my donations")
    serious = audit(page, artifacts, f"manage-{width}")
    assert not serious, describe(serious)
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("status")).to_contain_text("If donations were made with that address")
    wait_until(lambda: any("Your donations to" in m.subject for m in mail.outbox), timeout=30)
    (sent,) = [m for m in mail.outbox if "Your donations to" in m.subject]
    (path,) = re.findall(r"https?://[^/\s]+(/donations/all/\S+/)", sent.body)
    page.goto(site[0] + path)  # SITE_URL's address, here the live server's
    expect(page.get_by_role("heading", level=1)).to_have_text("All my donations")
    expect(page.get_by_role("heading", level=2, name=re.compile(r"^\$10 monthly"))).to_be_visible()
    expect(page.get_by_role("link", name=f"Statement {timezone.now().year}")).to_be_visible()
    serious = audit(page, artifacts, f"all-giving-{width}")
    assert not serious, describe(serious)
    page.get_by_role("link", name=re.compile("^This donation's page")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your donation")


@pytest.mark.parametrize("width", [390, 1280])
def test_a_failed_renewal_is_recovered_from_the_e_mails_card_link(
    page, site, delivered, site_sandbox_kit, artifacts, width
):
    page.set_viewport_size({"width": width, "height": 800})
    donate_monthly(page, site, FAILS_ON_RENEWAL)
    delivered()
    wait_until(lambda: bool(Donation.objects.get().stripe_schedule_id), 30, "the schedule")
    site_sandbox_kit.advance_one_period(Donation.objects.get().stripe_subscription_id)
    delivered()
    wait_until(lambda: any("could not be renewed" in m.subject for m in mail.outbox), 30)
    (notice,) = [m for m in mail.outbox if "could not be renewed" in m.subject]
    assert "your bank declined the payment without giving a reason" in notice.body
    (path,) = re.findall(r"https?://[^/\s]+(/donations/\S+/card/)", notice.body)
    page.goto(site[0] + path.removesuffix("card/"))  # the donation's page first
    expect(page.get_by_test_id("failed-renewal")).to_contain_text(
        "A payment of $10 could not be taken: your bank declined the payment"
    )
    serious = audit(page, artifacts, f"donor-page-failed-renewal-{width}")
    assert not serious, describe(serious)
    page.goto(site[0] + path)  # the e-mail's link: straight to the card page
    expect(page.get_by_role("heading", level=1)).to_have_text("Update your payment method")
    page.get_by_label("Card number").fill(MASTERCARD.number)
    page.get_by_role("button", name="Save card").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The payment that failed is being tried again with this card now"
    )
    delivered()
    wait_until(lambda: Donation.objects.get().paid_payment_count() == 2, 30, "the recovery")
    page.reload()
    expect(page.get_by_test_id("failed-renewal")).to_have_count(0)
    expect(page.get_by_test_id("still-to-come")).to_have_text("1 payment")


@pytest.mark.parametrize("width", [390, 1280])
def test_a_donor_reads_and_downloads_their_year_end_statement(
    page, site, delivered, artifacts, width
):
    page.set_viewport_size({"width": width, "height": 800})
    donate_monthly(page, site)
    delivered()
    year = timezone.now().year
    page.goto(site[0] + giving_link(Donation.objects.get().donor))
    page.get_by_role("link", name=f"Statement {year}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Donation statement {year}")
    expect(page.get_by_test_id("total")).to_have_text(f"Total given in {year}: $10")
    serious = audit(page, artifacts, f"statement-{width}")
    assert not serious, describe(serious)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    assert download.value.suggested_filename == f"statement-{year}.pdf"
    text = text_of(Path(download.value.path()).read_bytes())
    assert f"Total given in {year}: $10" in text and "No goods or services" in text
