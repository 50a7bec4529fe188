"""manage.py send_receipts: send the receipts whose sending failed (run it from cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from donations.receipts import send_due


class Command(BaseCommand):
    help = "Send every receipt not sent yet (e.g. the mail server was down)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due()
        if options["verbosity"] > 0:
            self.stdout.write(f"Sent {sent} receipt(s).")
