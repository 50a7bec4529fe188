"""manage.py send_statements --year N: mail every donor who gave in year N their
year-end statement (PDF attached), on the queue; at most once per donor and year, so
running it again after a failure sends only what is left."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from donations.statements import send_year


class Command(BaseCommand):
    help = "Queue every donor's year-end statement for a year (default: last year)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=timezone.now().year - 1)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            queued, sent = send_year(options["year"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] > 0:
            self.stdout.write(
                f"{options['year']}: {queued} statement(s) queued for the worker to send, "
                f"{sent} sent before."
            )
