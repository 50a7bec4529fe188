"""manage.py sync_payments: ask Stripe about the payments an event marked and that Stripe
did not answer for then (their refunds, disputes, fee and net). Safe to run at any time."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from donations.fulfilment.payment_sync import sync_payments
from donations.models import Payment


class Command(BaseCommand):
    help = "Ask Stripe about every payment marked to be asked again."

    def handle(self, *args: Any, **options: Any) -> None:
        asked = sync_payments()
        left = Payment.objects.exclude(stripe_sync_due_at=None).count()
        self.stdout.write(f"Asked Stripe about {asked} payment(s); {left} still to ask.")
