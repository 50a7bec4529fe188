"""manage.py sync_stripe_events: record what the webhook missed.

A site that was down longer than Stripe retries (3 days), or whose endpoint was
misconfigured, catches up: the events Stripe holds (the events API keeps 30 days)
of the types the site acts on, from 3 days before the newest event recorded, are
applied oldest first, as the worker applies the webhook's; one that failed before is
tried again. An event already applied is a duplicate and changes nothing, so the
command is safe at any time, and the worker runs it every hour.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Max
from django.utils import timezone

from donations.fulfilment import HANDLERS
from donations.models import WebhookEvent
from donations.stripe_gateway import PaymentsNotConfigured, StripeError, get_gateway
from donations.stripe_objects import ReceivedEvent
from donations.webhooks import Outcome, apply_event

OVERLAP = timedelta(days=3)  # Stripe retries a failed delivery for up to 3 days
KEPT = timedelta(days=30)  # how long the events API keeps events


class Command(BaseCommand):
    help = "Fetch the Stripe events the webhook may have missed and record each once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Look back this many days (at most 30) instead of from 3 days before "
            "the newest event recorded.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["days"] is not None:
            since = now - timedelta(days=min(max(options["days"], 0), 30))
        else:
            newest = WebhookEvent.objects.aggregate(newest=Max("created"))["newest"]
            since = max(newest - OVERLAP, now - KEPT) if newest else now - KEPT
        try:
            events = list(get_gateway().events_since(int(since.timestamp()), sorted(HANDLERS)))
        except (StripeError, PaymentsNotConfigured) as error:
            raise CommandError(f"Could not list Stripe's events: {error}") from error
        counts: Counter[str] = Counter()
        for event in reversed(events):  # Stripe lists newest first
            received = ReceivedEvent(event.to_dict(recursive=True, for_json=True))
            counts[apply_event(received).value] += 1
        applied = [outcome for outcome in Outcome if outcome is not Outcome.RECEIVED]
        summary = ", ".join(f"{counts[o.value]} {o.value}" for o in applied)
        if options["verbosity"] > 0:
            self.stdout.write(f"{len(events)} events since {since:%Y-%m-%d %H:%M} UTC: {summary}")
        if counts[Outcome.FAILED.value]:
            raise CommandError(f"{counts[Outcome.FAILED.value]} event(s) failed; see the log.")
