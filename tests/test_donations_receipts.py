"""Receipts: one e-mail per payment (text and HTML), never twice, retried when the mail
server fails; a failed renewal and a cancellation are mailed too."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import resolve
from django.utils import timezone

from donations.donor_page import donation_for_link
from donations.models import Donation, Receipt
from tests.admin_pages import admin_action
from tests.factories import DonationFactory, PaymentFactory
from tests.mail_servers import free_port, real_server
from tests.stripe_events import (
    charge_refunded,
    checkout_session,
    event,
    invoice,
    invoice_failed,
    invoice_paid,
    subscription,
    subscription_event,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed(monthly):
    monthly.stripe_subscription_id = f"sub_test_{monthly.pk}"
    monthly.stripe_schedule_id = "sub_sched_x"
    monthly.status = Donation.Status.ACTIVE
    monthly.first_name = "Grace"
    monthly.save()
    return monthly


def test_a_renewal_gets_one_receipt_with_its_number_and_the_donors_page(
    post_event, fake_stripe, subscribed, mailoutbox, settings
):
    settings.SITE_URL = "https://donate.example.org"
    PaymentFactory(donation=subscribed)  # the first payment, receipted before
    Receipt.objects.create(donation=subscribed, payment=subscribed.payments.get(),
                           kind="payment", sent_at="2026-01-01T00:00Z")  # fmt: skip
    second = invoice(subscribed, 2)
    post_event(invoice_paid(fake_stripe, second))
    post_event(invoice_paid(fake_stripe, second))  # the same invoice in another event
    (mail,) = mailoutbox
    assert mail.to == [subscribed.email]
    assert mail.subject == "Thank you: your donation to Defend 287(g)"
    assert "Thank you, Grace!" in mail.body
    assert "  Amount: $20\n" in mail.body
    assert "Payment: 2 of 3 (monthly)" in mail.body
    assert f"https://donate.example.org/donations/{subscribed.public_id}:" in mail.body
    html, mime = mail.alternatives[0]
    assert mime == "text/html" and "<td>2 of 3 (monthly)</td>" in html


def test_a_mail_server_down_never_fails_the_event_and_the_receipt_goes_later(
    post_event, settings, mailoutbox
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    donation = DonationFactory()
    response = post_event(event("checkout.session.completed", checkout_session(donation)))
    assert response.outcome == "processed"
    receipt = Receipt.objects.get()
    assert (receipt.sent_at, receipt.attempts) == (None, 1)
    assert "ConnectionRefusedError" in receipt.error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_receipts", verbosity=0)
    call_command("send_receipts", verbosity=0)
    assert len(mailoutbox) == 1
    receipt.refresh_from_db()
    assert receipt.sent_at is not None and receipt.error == ""


def test_a_failed_renewal_and_a_cancellation_are_mailed(
    post_event, fake_stripe, subscribed, mailoutbox
):
    post_event(invoice_failed(fake_stripe, invoice(subscribed, 2), "expired_card"))
    ended = subscription(subscribed, "canceled")
    post_event(subscription_event(fake_stripe, "customer.subscription.deleted", ended))
    subjects = [m.subject for m in mailoutbox]
    assert subjects == [
        "Your donation to Defend 287(g) could not be renewed",
        "Your donation to Defend 287(g) is cancelled",
    ]
    assert "could not be renewed: your card has expired." in mailoutbox[0].body
    assert "update your card in one step" in mailoutbox[0].body
    assert "Nothing more will be charged" in mailoutbox[1].body


def test_a_failed_renewal_says_why_when_stripe_tries_again_and_links_the_card_update(
    post_event, fake_stripe, subscribed, mailoutbox, settings
):
    settings.SITE_URL = "https://donate.example.org"
    retry = int(datetime(2027, 3, 4, 9, tzinfo=UTC).timestamp())
    body = invoice(subscribed, 2)
    post_event(invoice_failed(fake_stripe, body, "insufficient_funds", next_payment_attempt=retry))
    post_event(invoice_failed(fake_stripe, body, "insufficient_funds", next_payment_attempt=retry))
    (mail,) = mailoutbox  # the same event twice: one e-mail
    assert mail.subject == "Your donation to Defend 287(g) could not be renewed"
    assert ("could not be renewed: your card did not have enough funds available."
            in mail.body)  # fmt: skip
    assert "Stripe will try again on March 4, 2027." in mail.body
    (path,) = re.findall(r"^https://donate\.example\.org(/donations/\S+/card/)$", mail.body, re.M)
    assert resolve(path).url_name == "donor-card"
    assert donation_for_link(resolve(path).kwargs["token"]) == subscribed
    html = mail.alternatives[0][0]
    assert f'<a href="https://donate.example.org{path}">' in html


def test_after_stripes_last_attempt_a_final_notice_once(
    post_event, fake_stripe, subscribed, mailoutbox
):
    body = invoice(subscribed, 2)
    post_event(invoice_failed(fake_stripe, body, "expired_card"))
    post_event(invoice_failed(fake_stripe, body, "expired_card", attempt_count=2))  # no e-mail
    final = invoice_failed(fake_stripe, body, "expired_card", attempt_count=4,
                           next_payment_attempt=None)  # fmt: skip
    post_event(final)
    post_event(final)
    assert [m.subject for m in mailoutbox] == [
        "Your donation to Defend 287(g) could not be renewed",
        "Your donation to Defend 287(g): a payment could not be taken",
    ]
    assert ("could not be taken: your card has expired. Stripe tried 4 times and will not "
            "try this payment again.") in mailoutbox[1].body  # fmt: skip
    assert "Your next payments are still planned." in mailoutbox[1].body


def test_a_late_report_of_an_earlier_attempt_changes_nothing(post_event, fake_stripe, subscribed):
    body = invoice(subscribed, 2)
    post_event(invoice_failed(fake_stripe, body, attempt_count=4, next_payment_attempt=None))
    post_event(invoice_failed(fake_stripe, body, attempt_count=1))
    payment = subscribed.payments.get()
    assert (payment.attempt_count, payment.next_attempt_at) == (4, None)
    assert list(subscribed.receipts.values_list("kind", flat=True)) == ["renewal_final"]


def test_a_renewal_paid_before_its_failure_e_mail_went_out_is_not_told_as_failed(
    post_event, fake_stripe, subscribed, mailoutbox, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    body = invoice(subscribed, 2)
    post_event(invoice_failed(fake_stripe, body))  # the mail server is down
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    post_event(invoice_paid(fake_stripe, body))
    call_command("send_receipts", verbosity=0)
    assert [m.subject for m in mailoutbox] == ["Thank you: your donation to Defend 287(g)"]
    failed = subscribed.receipts.get(kind="renewal_failed")
    assert failed.error == "Not sent: the payment was made before it went out."


def test_each_refund_stripe_confirms_is_mailed_once_with_what_stays_given(
    post_event, fake_stripe, mailoutbox
):
    donation = DonationFactory(first_name="Ada", amount_cents=2000)
    post_event(event("checkout.session.completed", checkout_session(donation)))
    intent = f"pi_test_{donation.pk}"
    post_event(charge_refunded(fake_stripe, intent, 2000, refunded=500))
    post_event(charge_refunded(fake_stripe, intent, 2000, refunded=500))  # delivered twice
    post_event(charge_refunded(fake_stripe, intent, 2000, refunded=2000))  # the rest, later
    _thanks, partial, full = mailoutbox
    assert partial.subject == full.subject == "A refund of your donation to Defend 287(g)"
    assert "We have refunded $5 of your donation of $20" in partial.body
    assert "What stays as your donation: $15." in partial.body
    assert "We have refunded $20 of your donation of $20" in full.body
    assert "What stays" not in full.body
    assert "<p>What stays as your donation: $15.</p>" in partial.alternatives[0][0]


def test_a_resent_receipt_says_what_was_refunded_since(
    post_event, fake_stripe, mailoutbox, staff_client
):
    donation = DonationFactory(amount_cents=2000)
    post_event(event("checkout.session.completed", checkout_session(donation)))
    post_event(charge_refunded(fake_stripe, f"pi_test_{donation.pk}", 2000, refunded=500))
    admin_action(staff_client, "resend_receipts", [donation])
    first, _refund_mail, again = mailoutbox
    assert again.subject == first.subject == "Thank you: your donation to Defend 287(g)"
    assert "Refunded" not in first.body  # as first sent
    assert "  Refunded: $5\n" in again.body  # as it now stands


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback (aiosmtpd); the site sends to it."""
    port = free_port()
    inbox, controller = real_server(port)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    yield inbox
    controller.stop()


def test_a_receipt_goes_through_a_real_smtp_server(post_event, smtp_server):
    donation = DonationFactory(amount_cents=2000, first_name="Ada")
    post_event(event("checkout.session.completed", checkout_session(donation)))
    assert smtp_server.received.wait(timeout=10)
    (raw,) = smtp_server.messages
    text = raw.decode()
    assert "Subject: Thank you: your donation to Defend 287(g)" in text
    assert "Thank you, Ada!" in text and "Amount: $20\n" in text.replace("\r\n", "\n")
    assert "multipart/alternative" in text


def test_a_receipt_whose_sender_died_is_sent_later_once(mailoutbox):
    donation = DonationFactory(status=Donation.Status.PAID)
    payment = PaymentFactory(donation=donation)
    now = timezone.now()
    stale = Receipt.objects.create(donation=donation, payment=payment, kind="payment",
                                   claimed_at=now - timedelta(hours=1))  # fmt: skip
    busy = Receipt.objects.create(donation=donation, kind="cancelled", claimed_at=now)
    call_command("send_receipts", verbosity=0)
    call_command("send_receipts", verbosity=0)
    assert len(mailoutbox) == 1
    stale.refresh_from_db()
    busy.refresh_from_db()
    assert stale.sent_at is not None
    assert busy.sent_at is None  # another sender is on it right now


def test_a_spanish_donors_e_mails_are_in_spanish(post_event, fake_stripe, subscribed, mailoutbox,
                                                  settings):  # fmt: skip
    settings.SITE_URL = "https://donate.example.org"
    subscribed.language = "es"
    subscribed.save()
    post_event(invoice_paid(fake_stripe, invoice(subscribed, 1)))
    retry = int(datetime(2027, 3, 4, 9, tzinfo=UTC).timestamp())
    failed = invoice(subscribed, 2)
    post_event(invoice_failed(fake_stripe, failed, "expired_card", next_payment_attempt=retry))
    ended = subscription(subscribed, "canceled")
    post_event(subscription_event(fake_stripe, "customer.subscription.deleted", ended))
    paid, renewal, cancelled = mailoutbox
    assert paid.subject == "Gracias: su donación a Defend 287(g)"
    assert "¡Gracias, Grace!" in paid.body and "  Importe: 20\xa0US$\n" in paid.body
    assert "  Pago: 1 de 3 (mensual)" in paid.body
    assert f"https://donate.example.org/es/donations/{subscribed.public_id}:" in paid.body
    html, _mime = paid.alternatives[0]
    assert '<html lang="es">' in html and "<td>1 de 3 (mensual)</td>" in html
    assert renewal.subject == "No se pudo renovar su donación a Defend 287(g)"
    assert "no se pudo renovar su donación mensual" in renewal.body.lower()
    assert "su tarjeta está vencida." in renewal.body
    assert "Stripe lo intentará de nuevo el 4 de marzo de 2027." in renewal.body
    assert "/es/donations/" in renewal.body
    assert cancelled.subject == "Su donación a Defend 287(g) está cancelada"
    assert "No se cobrará nada más." in cancelled.body
    # The site's own language is left as it was.
    assert Donation.Status.PENDING.label == "Pending"
