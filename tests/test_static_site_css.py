"""static/css/site.css, compiled from scss/ (scripts/build-css): Bootstrap's Sass cut down
to the parts the site uses, and the site's own styles.

Every class the site's pages put in their HTML must be styled by the compiled file, or
be one of the hooks below that only scripts and tests look for (or that crispy-forms
adds, or that style only what is inside them). A class that a template
gains without its Bootstrap part being compiled in fails here, not in a visitor's browser.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from donations.donor_page import donor_link
from donations.giving_link import giving_link
from donations.models import Donation, donor_for
from tests.factories import (
    ArticleFactory,
    CampaignArticleFactory,
    DonationFactory,
    PaymentFactory,
    donation_form_data,
)

pytestmark = pytest.mark.django_db

CSS = Path(settings.BASE_DIR) / "static" / "css" / "site.css"
# Classes that carry no style of their own: what scripts and tests find elements by.
HOOKS = {
    "article",  # an article's <article> on the home page
    "campaign-progress",  # the goal's sentence and bar
    "donation-summary",  # the thank-you page's summary list
    "messages",  # the list of flash messages
    "payment-count",  # donation.js shows it for recurring donations only
    "site-donate",  # the header's Donate button (a .btn)
    "site-footer",
    "site-header",
}
# Classes that style what is inside them (`.table-sm > * > * > *`, `.page-item .page-link`).
CONTEXTS = {"amount-buttons", "article-summary", "donation-form", "page-item", "table-sm"}
# What crispy-bootstrap5 marks each field with (its widget, required, in error).
CRISPY_MARKERS = {
    "checkboxinput",
    "emailinput",
    "has-danger",
    "numberinput",
    "requiredField",
    "select",
    "textarea",
    "textinput",
}


class ClassCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.classes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "class" and value:
                self.classes.update(value.split())


def classes_in(html: str) -> set[str]:
    collector = ClassCollector()
    collector.feed(html)
    return collector.classes


def selectors() -> list[str]:
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)
    return [s.strip() for rule in re.findall(r"([^{}]+)\{[^{}]*\}", css) for s in rule.split(",")]


def classes_named(selector: str) -> set[str]:
    return {c.replace("\\", "") for c in re.findall(r"\.((?:[\w-]|\\.)+)", selector)}


def styled_classes() -> set[str]:
    """Classes that some rule styles: the ones its selector's subject (the part after the
    last combinator) names. `.btn-check:checked + .btn` styles `.btn`, not `.btn-check`."""
    subjects = (re.split(r"[\s>+~]+", re.sub(r"\([^()]*\)", "", s))[-1] for s in selectors())
    return set().union(*(classes_named(subject) for subject in subjects))


@pytest.fixture
def pages(client, fake_stripe, settings):
    """The HTML of every kind of page a visitor can reach, in its states."""
    settings.ARTICLES_PER_PAGE = 1
    article = CampaignArticleFactory(donation_box__campaign__goal_cents=100_000)
    campaign = article.donation_box.campaign
    ArticleFactory()
    monthly = DonationFactory(
        donor=donor_for("ada@example.org"),
        monthly=True,
        status=Donation.Status.ACTIVE,
        stripe_checkout_session_id="cs_1",
        stripe_subscription_id="sub_1",
        campaign=article.donation_box.campaign,
    )
    PaymentFactory(donation=monthly)
    PaymentFactory(donation=monthly, status="failed", paid_at=None, decline_code="expired_card")
    fake_stripe.answer(
        "GET",
        "/v1/checkout/sessions/cs_1",
        {"id": "cs_1", "object": "checkout.session", "client_reference_id": str(monthly.pk)},
    )
    gift = DonationFactory(status=Donation.Status.PAID, stripe_checkout_session_id="cs_2",
                           campaign=campaign)  # fmt: skip
    fake_stripe.answer("GET", "/v1/checkout/sessions/cs_2",
                       {"id": "cs_2", "object": "checkout.session",
                        "client_reference_id": str(gift.pk)})  # fmt: skip
    donate = f"{article.get_absolute_url()}donate/"
    invalid = donation_form_data(amount="", other_amount="1,50", frequency="monthly")
    request = RequestFactory().get("/")
    return {
        "home": client.get("/").content.decode(),
        "home, page 2": client.get("/?page=2").content.decode(),
        "article": client.get(article.get_absolute_url()).content.decode(),
        "article, invalid form": client.post(donate, invalid).content.decode(),
        "article, no amount": client.post(donate, {}).content.decode(),
        "campaign page": client.get(campaign.get_absolute_url()).content.decode(),
        "campaign page, invalid form": client.post(
            campaign.get_absolute_url(), invalid
        ).content.decode(),
        "embedded box": client.get(f"{campaign.get_absolute_url()}embed/").content.decode(),
        "donate, no main campaign": client.get("/donate/").content.decode(),
        "thank-you": client.get("/donate/thanks/?session_id=cs_1").content.decode(),
        "thank-you, make it monthly": client.get(
            "/donate/thanks/?session_id=cs_2"
        ).content.decode(),
        "thank-you, monthly offer refused": client.post(
            "/donate/thanks/monthly/",
            {"session_id": "cs_2", "choice": "yes", "other_amount": "x", "payment_count": "2"},
        ).content.decode(),
        # Stripe does not answer the cancel: the page shows the error as a message.
        "donor page": client.post(
            donor_link(monthly), {"action": "cancel", "confirm": "yes"}, follow=True
        ).content.decode(),
        "donor page, cancel asked": client.post(
            donor_link(monthly), {"action": "cancel"}
        ).content.decode(),
        "donor link invalid": client.get("/donations/forged:token/").content.decode(),
        "manage my donations": client.get("/donations/manage/").content.decode(),
        "manage, invalid": client.post("/donations/manage/", {"email": "x"}).content.decode(),
        "manage, sent": client.post(
            "/donations/manage/", {"email": "ada@example.org"}
        ).content.decode(),
        "all my donations": client.get(giving_link(monthly.donor)).content.decode(),
        "year-end statement": client.get(
            f"{giving_link(monthly.donor)}statement/{timezone.now().year}/"
        ).content.decode(),
        "statement of a year without payments": client.get(
            f"{giving_link(monthly.donor)}statement/2001/"
        ).content.decode(),
        "404": client.get("/no/such/page/").content.decode(),
        **{
            name: render_to_string(name, request=request)
            for name in ("400.html", "403.html", "403_csrf.html", "429_login.html", "500.html")
        },
    }


def test_every_class_on_the_sites_pages_is_styled_or_a_known_hook(pages):
    styled = styled_classes() | CONTEXTS | HOOKS | CRISPY_MARKERS
    unstyled = sorted(
        f"{name}: .{missing}"
        for name, html in pages.items()
        for missing in classes_in(html) - styled
    )
    assert not unstyled, "not in static/css/site.css (scss/site.scss):\n" + "\n".join(unstyled)


def test_the_pages_cover_the_states_that_bring_their_own_classes(pages):
    assert "pagination" in classes_in(pages["home"])
    assert "is-invalid" in classes_in(pages["article, invalid form"])
    assert "campaign-bar" in classes_in(pages["article"])
    assert "alert-danger" in classes_in(pages["donor page"])


def test_hooks_are_still_used_and_carry_no_style(pages):
    used = set().union(*(classes_in(html) for html in pages.values()))
    assert used >= HOOKS | CONTEXTS
    named = set().union(*(classes_named(selector) for selector in selectors()))
    assert not HOOKS & named
    assert named >= CONTEXTS


def test_every_page_links_the_one_stylesheet_and_no_other(pages):
    for name, html in pages.items():
        sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
        assert sheets == ["/static/css/site.css"], name
