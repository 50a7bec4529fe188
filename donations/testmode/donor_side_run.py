"""Rows for what a donor does after giving, against the sandbox: a one-time gift made
monthly from its thank-you page."""

from __future__ import annotations

import re
from html import unescape

from django.urls import reverse

from donations.models import Donation
from donations.testmode.harness import Harness, RunError, run_rows
from donations.testmode.scenarios import Result
from donations.testmode.visitor import Checkout, RowDonor, donation_of
from stripe_testkit.cards import VISA


def run(harness: Harness) -> list[Result]:
    return run_rows(harness, [_made_monthly], _Donor)


class _Donor(RowDonor):
    first_name, last_name = "Donor", "Side"


def _made_monthly(harness: Harness, donor: _Donor) -> Result:
    """a one-time gift made monthly ×3 from its thank-you page"""
    result = Result("one time made monthly x3", "active", expected_payments=1,
                    expect_ended=False)  # fmt: skip
    checkout = donor.donate(amount="2000")
    thanks = donor.visitor.pay(checkout, VISA)
    if "Make it monthly?" not in thanks.text:
        raise RunError("The thank-you page of a one-time gift offers no monthly gift.")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', thanks.text)
    answer = donor.visitor.http.post(
        harness.site_url + reverse("donations:make-monthly"),
        data={"csrfmiddlewaretoken": unescape(token[1]) if token else "", "choice": "yes",
              "session_id": checkout.session_id, "other_amount": "10", "payment_count": "3"},
        headers={"Referer": thanks.url}, allow_redirects=False, timeout=60,
    )  # fmt: skip
    if answer.status_code != 303:
        raise RunError(f"Accepting the monthly offer answered {answer.status_code}")
    url = answer.headers["Location"]
    monthly = Checkout(url=url, session_id=url.rstrip("/").rsplit("/", 1)[-1])
    donor.visitor.pay(monthly, VISA)
    harness.wait_for_webhooks()
    made = donation_of(monthly)
    made.refresh_from_db()
    gift = donation_of(checkout)
    result.status, result.payments = made.status, made.paid_payment_count()
    result.ended = made.status not in Donation.RUNNING
    if made.upgraded_from_id != gift.pk:
        result.notes.append("FAIL: the monthly donation is not linked to the gift")
    if (made.amount_cents, made.payment_count, made.email) != (1000, 3, gift.email):
        result.notes.append(f"FAIL: made {made.amount_cents} x{made.payment_count}")
    result.notes.append(f"from {gift.amount_display} one time (paid: {gift.status})")
    return result
