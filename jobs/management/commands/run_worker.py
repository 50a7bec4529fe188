"""manage.py run_worker: run the background jobs (e-mails, follow-up calls to Stripe,
periodic jobs) until stopped. Run one or more on every app machine (deploy/)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from advocacy.sqlite.base import wait_behind_requests
from jobs.worker import Worker


class Command(BaseCommand):
    help = "Run queued background jobs until stopped (Ctrl-C or SIGTERM: after the current one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds between looks at an empty queue")  # fmt: skip
        parser.add_argument("--batch", action="store_true",
                            help="run what is ready, then stop")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        wait_behind_requests()  # on SQLite, a request waiting for the write lock goes first
        Worker(interval=options["interval"], batch=options["batch"]).run()
