"""Rows for what Stripe does beyond the happy path, against the sandbox: webhooks that
never came (caught up by `sync_stripe_events`), a schedule set after a renewal was
billed, events rendered in an older API version, and a refund of a renewal."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from typing import Any

from django.core import mail
from django.core.management import call_command

from donations import staff_actions
from donations.models import Donation, Payment, Receipt
from donations.testmode.harness import Harness, RunError, run_rows
from donations.testmode.scenarios import Result
from donations.testmode.visitor import Checkout, RowDonor, donation_of
from stripe_testkit.cards import VISA

OLD_API_VERSION = "2024-06-20"


def run(harness: Harness) -> list[Result]:
    rows = [
        _missed_webhooks, _late_schedule, _older_version_events, _refunded_renewal,
        _donor_cancels, _receipts,
    ]  # fmt: skip
    return run_rows(harness, rows, _Donor)


class _Donor(RowDonor):
    first_name, last_name = "Stripe", "Reality"


@contextlib.contextmanager
def _webhooks_off(harness: Harness) -> Iterator[None]:
    """The site's endpoint unreachable: events are created and never delivered."""
    if harness.sandbox is None:
        raise RunError("Switching webhooks off needs the sandbox.")
    webhooks = harness.sandbox.sandbox.webhooks
    url, webhooks.url = webhooks.url, ""
    try:
        yield
    finally:
        webhooks.url = url


def _record(result: Result, donation: Donation, harness: Harness) -> Result:
    donation.refresh_from_db()
    result.status, result.payments = donation.status, donation.paid_payment_count()
    if donation.stripe_subscription_id:
        subscription = harness.stripe.retrieve_subscription(donation.stripe_subscription_id)
        invoices = harness.stripe.list_invoices(donation.stripe_subscription_id)
        paid = sum(1 for invoice in invoices if invoice.status == "paid")
        result.ended = subscription.status == "canceled"
        result.notes.append(f"Stripe: {paid} paid of {len(invoices)} invoices")
    return result


def _missed_webhooks(harness: Harness, donor: _Donor) -> Result:
    """missed webhooks, then sync_stripe_events"""
    result = Result("webhooks missed, synced", "paid", expected_payments=1)
    with _webhooks_off(harness):
        checkout = donor.donate(amount="2000")
        donor.visitor.pay(checkout, VISA)
    if donation_of(checkout).status != "pending":
        result.notes.append("FAIL: recorded before the sync")
    call_command("sync_stripe_events", verbosity=0)
    return _record(result, donation_of(checkout), harness)


def _late_schedule(harness: Harness, donor: _Donor) -> Result:
    """monthly x3 whose webhooks arrive after a renewal"""
    result = Result("schedule set late (x3)", "completed", expected_payments=3, expect_ended=True)
    with _webhooks_off(harness):
        checkout = donor.donate(amount="1000", frequency="month", payment_count="3")
        donor.visitor.pay(checkout, VISA)
        subscription_id = _subscription_of(harness, checkout)
        harness.stripe.advance_one_period(subscription_id)  # a renewal billed, unseen
    call_command("sync_stripe_events", verbosity=0)
    harness.wait_for_webhooks()
    donation = donation_of(checkout)
    before = donation.paid_payment_count()
    result.notes.append(f"schedule set after {before} payments")
    if before != 2 or not donation.stripe_schedule_id:
        result.notes.append("FAIL: the schedule was not set after the renewal")
    harness.run_subscription_to_end(subscription_id, 3)
    return _record(result, donation_of(checkout), harness)


def _older_version_events(harness: Harness, donor: _Donor) -> Result:
    """events rendered in an older API version"""
    result = Result(
        "older-version events (x2)", "completed", expected_payments=2, expect_ended=True
    )
    with _webhooks_off(harness):
        checkout = donor.donate(amount="1000", frequency="week", payment_count="2")
        donor.visitor.pay(checkout, VISA)
        subscription_id = _subscription_of(harness, checkout)
    for event_type in ("invoice.paid", "checkout.session.completed"):
        for event in harness.stripe.list_events(event_type):
            if _about(event.data.object, subscription_id, checkout.session_id):
                older = _older(event.to_dict(for_json=True))
                answer = harness.post_signed(json.dumps(older).encode())
                result.notes.append(f"{event_type} ({OLD_API_VERSION}): {answer.status_code}")
                if answer.status_code != 200:
                    result.notes.append("FAIL: an older-version event was refused")
    harness.wait_for_webhooks()
    harness.run_subscription_to_end(subscription_id, 2)
    return _record(result, donation_of(checkout), harness)


def _refunded_renewal(harness: Harness, donor: _Donor) -> Result:
    """staff refund part of a renewal"""
    result = Result(
        "renewal refunded by staff", "completed", expected_payments=2, expect_ended=True
    )
    checkout = donor.donate(amount="3000", frequency="week", payment_count="2")
    donor.visitor.pay(checkout, VISA)
    harness.wait_for_webhooks()
    subscription_id = _subscription_of(harness, checkout)
    harness.run_subscription_to_end(subscription_id, 2)
    renewal = donation_of(checkout).payments.order_by("paid_at", "pk").last()
    if renewal is None or not renewal.stripe_payment_intent_id:
        result.notes.append("FAIL: the renewal has no payment intent")
        return _record(result, donation_of(checkout), harness)
    staff_actions.refund(renewal, 1000, seen_refunded_cents=0)  # as staff do it in the admin
    harness.wait_for_webhooks()
    renewal.refresh_from_db()
    net = renewal.amount_cents - renewal.amount_refunded_cents
    result.notes.append(f"renewal net {net} cents")
    if net != 2000:
        result.notes.append("FAIL: the refund did not reach the renewal")
    return _record(result, donation_of(checkout), harness)


def _donor_cancels(harness: Harness, donor: _Donor) -> Result:
    """a donor cancels on their own page after 1 of 3"""
    result = Result("donor cancels after 1 of 3", "canceled", expected_payments=1,
                    expect_ended=True)  # fmt: skip
    checkout = donor.donate(amount="1000", frequency="month", payment_count="3")
    thanks = donor.visitor.pay(checkout, VISA)
    harness.wait_for_webhooks()
    link = re.search(r'href="(/donations/[0-9a-f-]{36}:[^"]+/)"', thanks.text)
    if link is None:
        result.notes.append("FAIL: the thank-you page has no link to the donor's page")
        return _record(result, donation_of(checkout), harness)
    page = donor.visitor.http.get(harness.site_url + link[1], timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    form = {"csrfmiddlewaretoken": token[1] if token else "", "action": "cancel"}
    headers = {"Referer": harness.site_url + link[1]}
    asked = donor.visitor.http.post(harness.site_url + link[1], data=form, headers=headers,
                                    timeout=30)  # fmt: skip
    if "Cancel your remaining payments?" not in asked.text:
        result.notes.append(f"FAIL: no confirmation before cancelling ({asked.status_code})")
    answer = donor.visitor.http.post(harness.site_url + link[1], data={**form, "confirm": "yes"},
                                     headers=headers, timeout=30)  # fmt: skip
    if "Your remaining payments are cancelled" not in answer.text:
        result.notes.append(f"FAIL: the donor's page answered {answer.status_code}")
    harness.wait_for_webhooks()
    return _record(result, donation_of(checkout), harness)


def _receipts(harness: Harness, donor: _Donor) -> Result:
    """one receipt per payment of the run"""
    payments = Payment.objects.filter(status__in=Payment.COUNTED).count()
    sent = Receipt.objects.filter(kind=Receipt.Kind.PAYMENT).exclude(sent_at=None).count()
    result = Result("a receipt per payment", "sent", expected_payments=payments)
    result.payments = sent
    result.status = "sent" if sent == payments else "missing"
    result.notes.append(f"{sent} receipts for {payments} payments; {len(mail.outbox)} e-mails")
    return result


def _subscription_of(harness: Harness, checkout: Checkout) -> str:
    session = harness.stripe.retrieve_checkout_session(checkout.session_id)
    if not session.subscription:
        raise RunError(f"Checkout Session {checkout.session_id} has no subscription")
    return str(session.subscription)


def _about(obj: Any, subscription_id: str, session_id: str) -> bool:
    if obj.object == "checkout.session":
        return bool(obj.id == session_id)
    return bool(obj.parent.subscription_details.subscription == subscription_id)


def _older(event: dict[str, Any]) -> dict[str, Any]:
    """The event as an endpoint pinned to an older API version receives it, under a new id."""
    obj = dict(event["data"]["object"])
    parent = obj.pop("parent", None)
    if obj["object"] == "invoice" and parent:
        details = parent["subscription_details"]
        obj["subscription"] = details["subscription"]
        obj["subscription_details"] = {"metadata": details["metadata"]}
    return {**event, "id": event["id"] + "_old", "api_version": OLD_API_VERSION,
            "data": {**event["data"], "object": obj}}  # fmt: skip
