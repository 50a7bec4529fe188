"""Rows for what a donor does when and after giving, against the sandbox: a one-time gift
made monthly from its thank-you page, the processing fee covered (one time and monthly),
a failed renewal recovered once the donor updated the card from the e-mail's link."""

from __future__ import annotations

import re
from html import unescape

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from donations import staff_actions
from donations.models import Donation, Donor, Payment
from donations.statement_pdf import text_of
from donations.statements import send_year
from donations.testmode.harness import Harness, RunError, run_rows
from donations.testmode.scenarios import Result
from donations.testmode.visitor import Checkout, RowDonor, donation_of, subscription_of
from stripe_testkit.cards import FAILS_ON_RENEWAL, VISA


def run(harness: Harness) -> list[Result]:
    rows = [_made_monthly, _fee_covered_one_time, _fee_covered_monthly, _recovered_renewal,
            _statement_with_refund]  # fmt: skip
    return run_rows(harness, rows, _Donor)


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


def _fee_covered_one_time(harness: Harness, donor: _Donor) -> Result:
    """one time $20, the processing fee covered"""
    result = Result("fee covered one time $20", "paid", expected_payments=1)
    checkout = donor.donate(amount="2000", cover_fee="on")
    donor.visitor.pay(checkout, VISA)
    _record_fee_cover(harness, donation_of(checkout), result)
    return result


def _fee_covered_monthly(harness: Harness, donor: _Donor) -> Result:
    """monthly $20 ×3, the processing fee covered"""
    result = Result("fee covered monthly x3", "completed", expected_payments=3,
                    expect_ended=True)  # fmt: skip
    checkout = donor.donate(amount="2000", cover_fee="on", frequency="month", payment_count="3")
    donor.visitor.pay(checkout, VISA)
    subscription = subscription_of(checkout)
    harness.run_subscription_to_end(subscription, 3)
    _record_fee_cover(harness, donation_of(checkout), result)
    result.ended = harness.stripe.retrieve_subscription(subscription).status == "canceled"
    return result


def _record_fee_cover(harness: Harness, donation: Donation, result: Result) -> None:
    """Each payment charged the gift and the fee cover, and what reached the balance
    after Stripe's fee is the gift."""
    harness.wait_for_webhooks()
    donation.refresh_from_db()
    result.status, result.payments = donation.status, donation.paid_payment_count()
    payments = list(donation.payments.filter(status=Payment.Status.PAID))
    if (donation.gift_cents, donation.fee_cover_cents) != (2000, 91):
        result.notes.append(f"FAIL: recorded {donation.gift_cents} + {donation.fee_cover_cents}")
    for payment in payments:
        if (payment.amount_cents, payment.settled_cents) != (2091, 2000):
            result.notes.append(
                f"FAIL: charged {payment.amount_cents}, reached {payment.settled_cents}"
            )
    if payments:
        first = payments[0]
        result.notes.append(f"charged {first.amount_display}, fee {first.fee_display}, "
                            f"net {first.settled_display} each")  # fmt: skip


def _recovered_renewal(harness: Harness, donor: _Donor) -> Result:
    """monthly ×3 whose renewal fails, recovered once the donor updates the card"""
    result = Result("renewal recovered by a new card", "active", expected_payments=2,
                    expect_ended=False)  # fmt: skip
    checkout = donor.donate(amount="2000", frequency="month", payment_count="3")
    donor.visitor.pay(checkout, FAILS_ON_RENEWAL)
    subscription = subscription_of(checkout)
    harness.stripe.advance_one_period(subscription)  # the renewal fails
    harness.wait_for_webhooks()
    donation = donation_of(checkout)
    notice = next((m for m in mail.outbox if m.to == [donation.email]
                   and "could not be renewed" in m.subject), None)  # fmt: skip
    link = re.search(r"^http\S+?(/donations/\S+/card/)$", notice.body, re.M) if notice else None
    if notice is None or link is None:
        raise RunError("No e-mail told the donor that the renewal failed, with a card link.")
    result.notes.append("told: " + notice.body.split(": ", 1)[1].split(".")[0])
    # One step: the e-mail's link (on the run's own site) opens Stripe's card page.
    portal = donor.visitor.http.get(harness.site_url + link[1], timeout=30)
    back = donor.visitor.http.post(portal.url, data={"card_number": VISA.number}, timeout=60)
    if "is being tried again" not in back.text:
        result.notes.append("FAIL: back on the donation's page, no word of the retry")
    harness.wait_for_queue()
    harness.wait_for_webhooks()
    donation.refresh_from_db()
    result.status, result.payments = donation.status, donation.paid_payment_count()
    result.ended = donation.status not in Donation.RUNNING
    recovered = donation.payments.filter(status=Payment.Status.PAID).exclude(failed_at=None)
    if not recovered.exists():
        result.notes.append("FAIL: the renewal is not counted as recovered")
    return result


def _statement_with_refund(harness: Harness, donor: _Donor) -> Result:
    """a year's statement for a donor with a refund (its PDF read back)"""
    result = Result("statement with a refund", "paid", expected_payments=1)
    checkout = donor.donate(amount="3000")
    donor.visitor.pay(checkout, VISA)
    harness.wait_for_webhooks()
    donation = donation_of(checkout)
    payment = donation.payments.get()
    staff_actions.refund(payment, 1000, seen_refunded_cents=0)  # as staff do in the admin
    harness.wait_for_webhooks()
    year = timezone.now().year
    send_year(year, Donor.objects.filter(pk=donation.donor_id))
    harness.wait_for_queue()
    sent = [m for m in mail.outbox if m.to == [donation.email] and m.attachments]
    if len(sent) != 1:
        raise RunError(f"{len(sent)} statements were mailed to the donor (want 1).")
    text = text_of(sent[0].attachments[0][1])
    payment.refresh_from_db()
    for wanted in ("$30", "$10", f"Total given in {year}: $20", payment.receipt_number,
                   "No goods or services were provided"):  # fmt: skip
        if wanted not in text:
            result.notes.append(f"FAIL: the PDF lacks {wanted!r}")
    donation.refresh_from_db()
    result.status, result.payments = donation.status, donation.paid_payment_count()
    result.notes.append(f"PDF: $30 paid, $10 refunded, $20 given; receipt {payment.receipt_number}")
    return result
