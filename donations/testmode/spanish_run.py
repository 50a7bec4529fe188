"""A row in Spanish, against the sandbox: a reader of the donation article's Spanish
version gives monthly ×3; Checkout opens in Spanish and every receipt is Spanish."""

from __future__ import annotations

from django.core import mail
from django.utils import translation

from articles.models import Article
from donations.models import DonationBox
from donations.testmode.harness import Harness, RunError, donation_article, run_rows
from donations.testmode.scenarios import Result
from donations.testmode.visitor import RowDonor, donation_of, subscription_of
from stripe_testkit.cards import VISA

SPANISH_SLUG = "payment-run-en-espanol"


def run(harness: Harness) -> list[Result]:
    return run_rows(harness, [_spanish_monthly], _Donor)


class _Donor(RowDonor):
    first_name, last_name = "Lectora", "Ruiz"

    def __init__(self, harness: Harness, number: int) -> None:
        super().__init__(harness, number)
        self.path = spanish_article().get_absolute_url()


def spanish_article() -> Article:
    """The donation article's Spanish version with the same box (the run's own)."""
    english = donation_article()
    article, _created = Article.objects.get_or_create(
        slug=SPANISH_SLUG,
        defaults={"title": "Una donación en español", "body": "Texto de prueba.",
                  "language": "es", "translation_of": english,
                  "status": Article.Status.PUBLISHED},
    )  # fmt: skip
    DonationBox.objects.get_or_create(
        article=article, defaults={"campaign": english.donation_box.campaign}
    )
    return article


def _spanish_monthly(harness: Harness, donor: _Donor) -> Result:
    """monthly 12,50 US$ ×3 from the Spanish page: Checkout in Spanish, Spanish receipts"""
    result = Result("spanish monthly x3", "completed", expected_payments=3, expect_ended=True)
    checkout = donor.donate(other_amount="12,50", frequency="month", payment_count="3")
    session = harness.stripe.retrieve_checkout_session(checkout.session_id)
    if session.locale != "es":
        result.notes.append(f"FAIL: Checkout's locale is {session.locale!r}, not 'es'")
    thanks = donor.visitor.pay(checkout, VISA)
    if "¡Gracias, Lectora!" not in thanks.text:
        raise RunError("The thank-you page after a Spanish donation is not in Spanish.")
    harness.run_subscription_to_end(subscription_of(checkout), 3)
    harness.wait_for_webhooks()
    donation = donation_of(checkout)
    donation.refresh_from_db()
    result.status, result.payments = donation.status, donation.paid_payment_count()
    result.ended = donation.status not in donation.RUNNING
    receipts = [m for m in mail.outbox if m.to == [donation.email]]
    wanted = [f"Pago: {n} de 3 (mensual)" for n in (1, 2, 3)]
    told = [w for w in wanted if any(w in m.body for m in receipts)]
    if told != wanted or not all(m.subject.startswith("Gracias: su donación") for m in receipts):
        result.notes.append(f"FAIL: receipts {[m.subject for m in receipts]}")
    with translation.override("es"):
        result.notes.append(f"locale={session.locale}; {donation.amount_display} ×3, "
                            f"{len(receipts)} receipts in Spanish")  # fmt: skip
    return result
