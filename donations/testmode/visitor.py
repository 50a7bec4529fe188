"""A visitor without a browser: fills the donation form and pays on the checkout page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

import requests
from django.utils.html import strip_tags

from donations.models import Donation
from donations.testmode.harness import Harness, RunError, donation_article
from stripe_testkit.cards import TestCard
from stripe_testkit.waiting import wait_until

_ERRORS = re.compile(r'id="donation-errors".*?</div>', re.S)  # the form's list of what is wrong
_ITEM = re.compile(r"<li>(.*?)</li>", re.S)
_HIDDEN = re.compile(r'<input type="hidden" name="(?P<name>[^"]+)" value="(?P<value>[^"]*)"')


@dataclass
class Checkout:
    url: str
    session_id: str


class Visitor:
    def __init__(self, site_url: str) -> None:
        self.site_url = site_url
        self.http = requests.Session()

    def donate(self, article_path: str, **fields: str) -> Checkout:
        """Submit the article's donation box; return the Checkout it redirects to."""
        page = self.http.get(self.site_url + article_path, timeout=30)
        if page.status_code != 200 or 'id="donate"' not in page.text:
            raise RunError(f"No donation box at {article_path} ({page.status_code})")
        form = {m["name"]: unescape(m["value"]) for m in _HIDDEN.finditer(page.text)}
        form.update({"frequency": "one_time", "payment_count": "", "other_amount": ""})
        form.update(fields)
        response = self.http.post(
            f"{self.site_url}{article_path}donate/",
            data=form,
            headers={"Referer": self.site_url + article_path},
            allow_redirects=False,
            timeout=60,
        )
        if response.status_code != 303:
            errors = form_errors(response.text) or "no message"
            raise RunError(f"The donation form answered {response.status_code}: {errors}")
        url = response.headers["Location"]
        return Checkout(url=url, session_id=url.rstrip("/").rsplit("/", 1)[-1])

    def pay(self, checkout: Checkout, card: TestCard) -> requests.Response:
        """Pay on the sandbox's checkout page; follow it back to the thank-you page."""
        response = self.http.post(
            checkout.url, data={"card_number": card.number}, allow_redirects=False, timeout=60
        )
        if response.status_code == 303:
            return self.http.get(response.headers["Location"], timeout=30)
        return response


def donation_of(checkout: Checkout) -> Donation:
    """The donation whose Checkout Session the visitor was sent to."""
    donation = Donation.objects.by_checkout_session(checkout.session_id)
    if donation is None:
        raise RunError(f"No donation has the Checkout Session {checkout.session_id}")
    return donation


def subscription_of(checkout: Checkout) -> str:
    """The subscription of the checkout's donation, once the site has set its schedule
    (the N payments): what renewals can be driven on."""
    wait_until(lambda: bool(donation_of(checkout).stripe_schedule_id), 30, "the schedule")
    return donation_of(checkout).stripe_subscription_id


class RowDonor:
    """The donor of one row of a run: a visitor giving in the donation article's box as
    `first_name last_name N`, at `first-last+N@example.org`."""

    first_name, last_name = "Row", "Donor"

    def __init__(self, harness: Harness, number: int) -> None:
        self.visitor = Visitor(harness.site_url)
        self.path = donation_article().get_absolute_url()
        self.number = number

    def donate(self, **form: str) -> Checkout:
        mailbox = f"{self.first_name}-{self.last_name}".lower()
        return self.visitor.donate(
            self.path, first_name=self.first_name, last_name=f"{self.last_name} {self.number}",
            email=f"{mailbox}+{self.number}@example.org", **form,
        )  # fmt: skip


def form_errors(page: str) -> str:
    """What the donation form says is wrong, as the visitor reads it."""
    block = _ERRORS.search(page)
    items = _ITEM.findall(block.group(0)) if block else []
    return "; ".join(" ".join(unescape(strip_tags(item)).split()) for item in items)
