"""Rows for what Stripe does that the happy path never shows, against the sandbox:
disputes lost and won, a refund whose event comes before its payment's, events
shuffled and repeated, a pause, and campaigns in yen and euros. Each row says what was
expected and what the site recorded."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.utils.text import slugify

from articles.models import Article
from donations.models import Campaign, Dispute, Donation, DonationBox
from donations.testmode.harness import Harness, RunError, donation_article, run_rows
from donations.testmode.scenarios import Result
from donations.testmode.visitor import Checkout, Visitor, donation_of, subscription_of
from stripe_testkit.cards import DISPUTED_AS_FRAUD, DISPUTED_NOT_RECEIVED, VISA, TestCard

CHAOS_SEED = 20261203


def run(harness: Harness) -> list[Result]:
    if harness.sandbox is None:
        raise RunError("These rows need the sandbox.")
    rows: list[Callable[[Harness, _Donor], Result]] = [
        _dispute_lost, _dispute_won, _refund_before_payment, _shuffled_monthly, _paused,
        _in_yen, _in_euros,
    ]  # fmt: skip
    return run_rows(harness, rows, _Donor)


class _Donor:
    def __init__(self, harness: Harness, number: int) -> None:
        self.harness = harness
        self.visitor = Visitor(harness.site_url)
        self.number = number

    def give(self, card: TestCard, path: str = "", **form: str) -> Checkout:
        checkout = self.visitor.donate(
            path or donation_article().get_absolute_url(), first_name="Stripe",
            last_name=f"Misbehaves {self.number}",
            email=f"misbehaves+{self.number}@example.org", **form,
        )  # fmt: skip
        self.visitor.pay(checkout, card)
        self.harness.wait_for_webhooks()
        return checkout


def _recorded(result: Result, donation: Donation) -> Result:
    donation.refresh_from_db()
    result.status, result.payments = donation.status, donation.paid_payment_count()
    return result


def _expect(result: Result, what: str, recorded: Any, expected: Any) -> None:
    result.notes.append(f"{what} {recorded}" + ("" if recorded == expected else
                                                 f" (FAIL: want {expected})"))  # fmt: skip


def _dispute(harness: Harness, donor: _Donor, card: TestCard, evidence: str) -> Result:
    outcome = "won" if evidence == "winning_evidence" else "lost"
    result = Result(f"dispute {outcome}", "paid", expected_payments=1)
    checkout = donor.give(card, amount="2000")
    donation = donation_of(checkout)
    intent = donation.stripe_payment_intent_id
    (dispute,) = harness.stripe.disputes_of(intent)
    harness.stripe.answer_dispute(dispute.id, evidence)
    harness.wait_for_webhooks()
    recorded = Dispute.objects.filter(stripe_dispute_id=dispute.id).first()
    payment = donation.payments.get()
    _expect(result, "dispute", recorded.status if recorded else None, outcome)
    _expect(result, "withdrawn", payment.amount_disputed_cents, 0 if outcome == "won" else 2000)
    result.notes.append(f"fee {payment.fee_display}, net {payment.settled_display}")
    if not donation.attention:
        result.notes.append("FAIL: the donation was not flagged")
    return _recorded(result, donation)


def _dispute_lost(harness: Harness, donor: _Donor) -> Result:
    """a dispute lost (card 4000 0000 0000 0259)"""
    return _dispute(harness, donor, DISPUTED_AS_FRAUD, "losing_evidence")


def _dispute_won(harness: Harness, donor: _Donor) -> Result:
    """a dispute won (card 4000 0000 0000 2685)"""
    return _dispute(harness, donor, DISPUTED_NOT_RECEIVED, "winning_evidence")


def _refund_before_payment(harness: Harness, donor: _Donor) -> Result:
    """a refund whose event arrives before its payment's"""
    result = Result("refund before its payment", "paid", expected_payments=1)
    webhooks = harness.sandbox.sandbox.webhooks  # type: ignore[union-attr]
    url, webhooks.url = webhooks.url, ""  # events kept, not delivered
    try:
        checkout = donor.give(VISA, amount="3000")
        session = harness.stripe.retrieve_checkout_session(checkout.session_id)
        harness.stripe.refund(str(session.payment_intent), 1000)
    finally:
        webhooks.url = url
    refunded = harness.stripe.list_events("charge.refunded")[0]
    completed = next(e for e in harness.stripe.list_events("checkout.session.completed")
                     if e.data.object.id == checkout.session_id)  # fmt: skip
    answers = []
    for event in (refunded, completed):  # the refund first
        answer = harness.post_signed(json.dumps(event.to_dict(for_json=True)).encode())
        answers.append(f"{event.type} {answer.status_code} {answer.text[:40]}")
    harness.wait_for_queue()  # the payment is asked of Stripe by the worker
    payment = donation_of(checkout).payments.get()
    _expect(result, "refunded", payment.amount_refunded_cents, 1000)
    if payment.amount_refunded_cents != 1000:  # what to look at (seen once, in CI)
        due = payment.stripe_sync_due_at
        result.notes.append(f"posted: {'; '.join(answers)}; Stripe sync due: {due}")
    return _recorded(result, donation_of(checkout))


def _shuffled_monthly(harness: Harness, donor: _Donor) -> Result:
    """monthly x3, its events shuffled, repeated and late"""
    result = Result("monthly x3 shuffled", "completed", expected_payments=3, expect_ended=True)
    webhooks = harness.sandbox.sandbox.webhooks  # type: ignore[union-attr]
    webhooks.misbehave(CHAOS_SEED)
    try:
        checkout = donor.give(VISA, amount="2000", frequency="month", payment_count="3")
        subscription = subscription_of(checkout)
        harness.run_subscription_to_end(subscription, 3)
    finally:
        webhooks.misbehave(None)
    result.notes.append(f"chaos seed {CHAOS_SEED}")
    result.ended = harness.stripe.retrieve_subscription(subscription).status == "canceled"
    return _recorded(result, donation_of(checkout))


def _paused(harness: Harness, donor: _Donor) -> Result:
    """monthly x3 paused for one period, still 3 payments"""
    result = Result("paused one period", "completed", expected_payments=3, expect_ended=True)
    checkout = donor.give(VISA, amount="1000", frequency="month", payment_count="3")
    subscription = subscription_of(checkout)
    harness.stripe.pause(subscription)
    harness.wait_for_webhooks()
    _expect(result, "shown paused", donation_of(checkout).collection_paused, True)
    harness.stripe.advance_one_period(subscription)  # its invoice voided
    harness.wait_for_webhooks()
    harness.stripe.resume(subscription)
    harness.wait_for_webhooks()
    harness.run_subscription_to_end(subscription, 3)
    invoices = harness.stripe.list_invoices(subscription)
    voided = sum(1 for invoice in invoices if invoice.status == "void")
    _expect(result, "voided", voided, 1)
    result.ended = harness.stripe.retrieve_subscription(subscription).status == "canceled"
    return _recorded(result, donation_of(checkout))


def _in_currency(donor: _Donor, currency: str, typed: str, minor: int) -> Result:
    result = Result(f"campaign in {currency.upper()}", "paid", expected_payments=1)
    article = _article_in(currency)
    checkout = donor.give(VISA, article.get_absolute_url(), amount="", other_amount=typed)
    payment = donation_of(checkout).payments.get()
    _expect(result, "charged", (payment.amount_cents, payment.currency), (minor, currency))
    result.notes.append(f"shown {payment.amount_display}, fee {payment.fee_display}")
    return _recorded(result, donation_of(checkout))


def _in_yen(harness: Harness, donor: _Donor) -> Result:
    """a campaign in yen: ¥1,000"""
    return _in_currency(donor, "jpy", "1,000", 1000)


def _in_euros(harness: Harness, donor: _Donor) -> Result:
    """a campaign in euros: €12.50"""
    return _in_currency(donor, "eur", "12.50", 1250)


def _article_in(currency: str) -> Article:
    name = f"Appeal in {currency.upper()}"
    campaign, _ = Campaign.objects.get_or_create(
        slug=slugify(name), defaults={"name": name, "currency": currency,
                                      "preset_amounts": [1000 if currency == "jpy" else 500]},
    )  # fmt: skip
    article, _ = Article.objects.get_or_create(
        slug=slugify(name), defaults={"title": name, "body": "An appeal.", "status": "published"}
    )
    DonationBox.objects.get_or_create(article=article, defaults={"campaign": campaign})
    return article
