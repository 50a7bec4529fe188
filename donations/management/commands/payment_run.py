"""manage.py payment_run: a test-mode payment run that proves the payment path.

With no STRIPE_SECRET_KEY it starts its own payments sandbox and site on free
loopback ports and drives every scenario through the checkout page. With a
`sk_test_` key (and no STRIPE_API_BASE) it does against Stripe's test mode what
the API allows without a browser. A live key is refused.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from donations.stripe_gateway import StripeError
from donations.testmode import api_run, checkout_run
from donations.testmode.harness import RunError, harness
from donations.testmode.scenarios import table
from stripe_testkit.waiting import TimedOut


class Command(BaseCommand):
    help = "Run every donation scenario in Stripe test mode and report expected vs recorded."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--api-only",
            action="store_true",
            help="Run the browserless API scenarios (what runs against real Stripe) "
            "even offline, against the sandbox.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        key: str = settings.STRIPE_SECRET_KEY
        if key.startswith(("sk_live_", "rk_live_")):
            raise CommandError("payment_run refuses a live key: it only runs in test mode.")
        offline = not key or bool(settings.STRIPE_API_BASE)
        if key and not offline and not key.startswith(("sk_test_", "rk_test_")):
            raise CommandError("STRIPE_SECRET_KEY must be a test-mode key (sk_test_…).")
        api_only = options["api_only"] or not offline
        where = "Stripe test mode" if not offline else "the local payments sandbox"
        self.stdout.write(f"Payment run against {where} ({'API' if api_only else 'checkout'} path)")
        started = time.monotonic()
        try:
            with harness(offline=offline) as setup:
                results = (api_run if api_only else checkout_run).run(setup)
        except (RunError, StripeError, TimedOut) as error:
            raise CommandError(f"The payment run could not finish: {error}") from error
        self.stdout.write(table(results))
        failed = [r.name for r in results if not r.ok]
        elapsed = time.monotonic() - started
        self.stdout.write(f"payment_run: {len(results) - len(failed)} passed, {len(failed)} failed")
        self.stdout.write(f"({elapsed:.1f} s)")
        if failed:
            raise CommandError(f"Mismatched: {', '.join(failed)}")
