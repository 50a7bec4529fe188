"""E-mails to donors: a receipt for every payment, a note when a renewal fails (with a
link to update the card), a confirmation when a recurring donation is cancelled.

Called once a webhook's effects are committed (and by `manage.py send_receipts`,
which retries what failed). Each e-mail is a `Receipt` row, created once per payment
or donation and kind; a sender claims a row before sending, so two workers never
send the same e-mail, and a failed send is released with its error for a retry.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from donations.donor_page import card_link, donor_link
from donations.models import Donation, Payment, Receipt, shown

logger = logging.getLogger(__name__)
Kind = Receipt.Kind
STALE_CLAIM_MIN = timedelta(seconds=2)
SUBJECTS: dict[str, Promise | str] = {
    Kind.PAYMENT: _("Thank you: your donation to %(campaign)s"),
    Kind.RENEWAL_FAILED: _("Your donation to %(campaign)s could not be renewed"),
    Kind.RENEWAL_FINAL: _("Your donation to %(campaign)s: a payment could not be taken"),
    Kind.CANCELLED: _("Your donation to %(campaign)s is cancelled"),
    Kind.REFUND: _("A refund of your donation to %(campaign)s"),
    # To staff: in English, as the admin is.
    Kind.DISPUTE_OPENED: "Dispute: a payment to %(campaign)s is disputed",
    Kind.DISPUTE_CLOSED: "Dispute closed: a payment to %(campaign)s",
}
TO_STAFF = (Kind.DISPUTE_OPENED, Kind.DISPUTE_CLOSED)


def note_due(donation: Donation, payments: Iterable[Payment] | None = None) -> bool:
    """Create the receipts the donation's `payments` (all of them, read here when not
    given) and status call for (once each); whether any of its receipts is still to
    send."""
    if not donation.email:
        return False  # personal data erased: nobody to write to
    noted = {
        (kind, payment, refunded): sent is not None
        for kind, payment, refunded, sent in donation.receipts.values_list(
            "kind", "payment_id", "refunded_cents", "sent_at"
        )
    }
    due = []
    for payment in donation.payments.all() if payments is None else payments:
        if payment.status in Payment.COUNTED:
            due.append((Kind.PAYMENT, payment, 0))
            if payment.amount_refunded_cents:  # each refund Stripe confirmed, told once
                due.append((Kind.REFUND, payment, payment.amount_refunded_cents))
        elif payment.status == Payment.Status.FAILED:
            due.append((_failure_kind(payment), payment, 0))
    cancelled = donation.is_recurring and donation.status == Donation.Status.CANCELED
    if cancelled and not donation.quiet_cancellation:
        due.append((Kind.CANCELLED, None, 0))
    new = [row for row in due if (row[0], _pk(row[1]), row[2]) not in noted]
    for kind, payment, refunded in new:
        # get_or_create: a receipt another worker created at the same moment is found.
        Receipt.objects.get_or_create(
            donation=donation, kind=kind, payment=payment, refunded_cents=refunded
        )
    return bool(new) or not all(noted.values())


def _failure_kind(payment: Payment) -> Receipt.Kind:
    """A failed renewal's e-mail: Stripe tries again (when, and how to help it), or that
    was its last attempt (the final notice)."""
    last = payment.attempt_count > 0 and payment.next_attempt_at is None
    return Kind.RENEWAL_FINAL if last else Kind.RENEWAL_FAILED


DUNNING = (Kind.RENEWAL_FAILED, Kind.RENEWAL_FINAL)


def _pk(payment: Payment | None) -> int | None:
    return payment.pk if payment else None


class ReceiptsNotSent(Exception):
    """Some receipts could not be sent now (the mail server, or another sender busy with
    them): the task that sends them is tried again later."""


def _stale_claim() -> timedelta:
    """A claim older than this was made by a sender that died mid-way: every step of an
    SMTP exchange gives up after EMAIL_TIMEOUT."""
    return max(STALE_CLAIM_MIN, timedelta(seconds=10 * float(settings.EMAIL_TIMEOUT or 10)))


def send_due(donation: Donation | None = None, *, strict: bool = False) -> int:
    """Send the receipts not sent yet (of one donation, or all); how many were sent.
    `strict`: raise ReceiptsNotSent when any is left unsent (for a retry)."""
    pending = Receipt.objects.filter(sent_at=None)
    if donation is not None:
        pending = pending.filter(donation=donation)
    sent = 0
    unclaimed = Receipt.unclaimed(_stale_claim())
    for receipt in pending.filter(unclaimed).select_related("donation__campaign", "payment"):
        sent += _send_once(receipt)
    if strict and pending.exists():
        raise ReceiptsNotSent(f"{pending.count()} receipt(s) not sent yet")
    return sent


def _send_once(receipt: Receipt) -> int:
    if not receipt.claim(_stale_claim()):
        return 0  # another worker has it
    payment = receipt.payment
    if receipt.kind in DUNNING and payment and payment.status != Payment.Status.FAILED:
        receipt.close_unsent("Not sent: the payment was made before it went out.")
        return 0
    try:
        message(receipt).send()
    except Exception as error:  # the mail server: released for a retry
        logger.warning("Receipt %s not sent: %s", receipt.pk, error)
        receipt.release(error)
        return 0
    receipt.record_sent()
    return 1


def message(receipt: Receipt) -> EmailMultiAlternatives:
    """The e-mail, as text and HTML: to the donor, or (a dispute) to staff."""
    if receipt.kind in TO_STAFF:
        with translation.override(settings.LANGUAGE_CODE):  # as the admin is
            return _to_staff(receipt)
    with translation.override(receipt.donation.language):
        return _to_donor(receipt)


def _to_donor(receipt: Receipt) -> EmailMultiAlternatives:
    """The donor's e-mail, in the language of their donation."""
    donation = receipt.donation
    context = {
        "receipt": receipt,
        "donation": donation,
        "payment": receipt.payment,
        "number": _payment_number(receipt),
        **_refund_figures(receipt),
        **_failure_figures(receipt),
        "page_url": settings.SITE_URL + donor_link(donation),
        "manage_url": settings.SITE_URL + reverse("donations:manage"),
        "site_name": settings.SITE_NAME,
    }
    subject = str(SUBJECTS[Kind(receipt.kind)]) % {"campaign": donation.campaign.name}
    text = render_to_string("donations/email/receipt.txt", context)
    html = render_to_string("donations/email/receipt.html", context)
    email = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [donation.email])
    email.attach_alternative(html, "text/html")
    return email


def _refund_figures(receipt: Receipt) -> dict[str, str]:
    """A refund e-mail's figures: the refunded total it tells of, and what stays given."""
    payment = receipt.payment
    if receipt.kind != Kind.REFUND or payment is None:
        return {}
    kept = payment.amount_cents - receipt.refunded_cents
    return {
        "refunded": shown(receipt.refunded_cents, payment.currency),
        "kept": shown(kept, payment.currency),
    }


def _failure_figures(receipt: Receipt) -> dict[str, object]:
    """A failed renewal's e-mail: why, when Stripe tries again, and the one-step link
    to update the card."""
    payment = receipt.payment
    if receipt.kind not in DUNNING or payment is None:
        return {}
    return {
        "reason": payment.failure_reason,
        "next_attempt": payment.next_attempt_at,
        "card_url": settings.SITE_URL + card_link(receipt.donation),
        "still_running": receipt.donation.status in Donation.RUNNING,
    }


def _to_staff(receipt: Receipt) -> EmailMultiAlternatives:
    donation, payment = receipt.donation, receipt.payment
    context = {
        "receipt": receipt,
        "donation": donation,
        "payment": payment,
        "disputes": list(payment.disputes.all()) if payment else [],
        "admin_url": settings.SITE_URL + reverse("admin:donations_donation_change",
                                                 args=[donation.pk]),
        "dashboard_url": settings.STRIPE_DASHBOARD_URL,
        "site_name": settings.SITE_NAME,
    }  # fmt: skip
    subject = str(SUBJECTS[Kind(receipt.kind)]) % {"campaign": donation.campaign.name}
    text = render_to_string("donations/email/dispute.txt", context)
    return EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, list(settings.DISPUTE_NOTIFY_EMAILS)
    )


def _payment_number(receipt: Receipt) -> int:
    """Which payment of the donation this is (1 for the first)."""
    if receipt.payment is None:
        return 0
    counted = receipt.donation.payments.filter(status__in=Payment.COUNTED)
    return counted.filter(created_at__lte=receipt.payment.created_at).count()
