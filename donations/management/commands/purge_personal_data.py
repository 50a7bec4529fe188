"""manage.py purge_personal_data: keep personal data no longer than it is needed.

Erases the names, e-mail and note of donations that were never paid (abandoned
checkouts, failures, bots) once they are UNPAID_PERSONAL_DATA_DAYS old (and the donor
records left with no other donation), and empties
the stored payloads of webhook events older than WEBHOOK_PAYLOAD_DAYS (the event's
id, type and outcome stay). Amounts and Stripe ids are kept. Safe to run daily.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from donations.models import Donation, Donor, WebhookEvent
from donations.personal_data import erase_donor


class Command(BaseCommand):
    help = "Erase personal data of never-paid donations and old webhook payloads."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        unpaid = Donation.objects.never_paid().filter(
            erased_at=None,
            created_at__lt=now - timedelta(days=settings.UNPAID_PERSONAL_DATA_DAYS),
        )
        erased = 0
        for donation in unpaid.iterator():
            erase_donor(donation)
            erased += 1
        # A donor known only by donations now erased: nothing of theirs is left to keep.
        Donor.objects.exclude(donations__erased_at__isnull=True).delete()
        payloads = (
            WebhookEvent.objects.filter(
                received_at__lt=now - timedelta(days=settings.WEBHOOK_PAYLOAD_DAYS)
            )
            .exclude(payload={})
            .update(payload={})
        )
        self.stdout.write(
            f"Erased the personal data of {erased} unpaid donation(s) and "
            f"{payloads} webhook payload(s)."
        )
