"""A failed renewal tried again as soon as the donor has a new card, rather than at
Stripe's next scheduled attempt days later (the dunning e-mail's one-step link leads
to the card update; back on the donation's page, the update enqueues this)."""

from __future__ import annotations

import logging

from django.db.models import QuerySet

from donations.models import Donation, Payment
from donations.stripe_gateway import CardError, InvalidRequestError, get_gateway

logger = logging.getLogger(__name__)


def failed_renewals(donation: Donation) -> QuerySet[Payment]:
    return donation.payments.filter(status=Payment.Status.FAILED).exclude(stripe_invoice_id="")


def pay_failed_renewals(donation: Donation) -> int:
    """Ask Stripe to charge each failed renewal's open invoice now; how many it took.
    What happens is recorded by the invoice's webhooks (paid: a receipt, and the renewal
    counts as recovered; declined again: the failure is recorded, no second e-mail). A
    network failure raises, for the queue to try again; the idempotency key (per
    attempt) makes a repeat one charge."""
    taken = 0
    for payment in failed_renewals(donation):
        key = f"retry-{payment.stripe_invoice_id}-{payment.attempt_count}"
        try:
            get_gateway().pay_invoice(payment.stripe_invoice_id, idempotency_key=key)
            taken += 1
        except CardError as error:
            logger.info("Invoice %s declined again: %s", payment.stripe_invoice_id, error)
        except InvalidRequestError as error:  # paid, voided or closed meanwhile
            logger.info("Invoice %s not retried: %s", payment.stripe_invoice_id, error)
    return taken
