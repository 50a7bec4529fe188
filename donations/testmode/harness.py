"""What a payment run stands on: a throwaway database, the site, and (offline) the sandbox."""

from __future__ import annotations

import contextlib
import secrets
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import requests
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.testcases import LiveServerThread
from django.test.utils import override_settings

from articles.models import Article
from donations.models import DonationBox
from donations.stripe_gateway import StripeGateway, get_gateway
from donations.testmode.settled import SettledStripe
from jobs.worker import queue_idle, work_in_thread
from stripe_testkit.signing import signature_header
from stripe_testkit.testmode import TestModeStripe
from stripe_testkit.waiting import wait_until

D = TypeVar("D")
R = TypeVar("R")

if TYPE_CHECKING:
    from stripe_sandbox.server import SandboxServer

SANDBOX_KEY = "sk_test_sandbox"


class RunError(Exception):
    """The run cannot go on (say why); distinct from a scenario that mismatched."""


@dataclass
class Harness:
    site_url: str
    gateway: StripeGateway  # the site's own calls
    stripe: TestModeStripe  # what only a test run calls
    webhook_secret: str
    offline: bool
    sandbox: SandboxServer | None = None  # offline: the sandbox the run talks to

    def wait_for_webhooks(self) -> None:
        """Wait until every event so far is delivered and applied: offline, until the
        sandbox has delivered every event it created (real Stripe delivers only through
        `stripe listen`, so there is nothing to wait for), then until the worker has
        applied what the webhook stored and done what that left to do."""
        if self.offline:
            self.stripe.wait_for_webhooks()
        self.wait_for_queue()

    def wait_for_queue(self) -> None:
        """Wait until the worker has done what the events so far left to do."""
        wait_until(queue_idle, 30, "the background queue to empty")

    def run_subscription_to_end(self, subscription_id: str, payments: int) -> None:
        self.stripe.run_subscription_to_end(subscription_id, payments, webhooks=self.offline)

    def post_signed(self, payload: bytes) -> requests.Response:
        """POST `payload` to the site's webhook, signed as Stripe signs it."""
        return requests.post(
            f"{self.site_url}/stripe/webhook/",
            data=payload,
            headers={
                "Content-Type": "application/json",
                "Stripe-Signature": signature_header(payload, self.webhook_secret),
            },
            timeout=30,
        )


def donation_article() -> Article:
    """The published article whose donation box the run donates through."""
    box = DonationBox.objects.open().filter(article__in=Article.objects.published()).first()
    if box is None:
        raise RunError("No published article with a donation box: run `manage.py load_seed`.")
    return box.article


def progress(text: str) -> None:
    """One progress line on stderr (the report itself goes to stdout)."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def run_rows(
    harness: Harness, rows: Sequence[Callable[[Harness, D], R]], donor: Callable[[Harness, int], D]
) -> list[R]:
    """Each row in turn with a donor of its own (numbered from 1), its docstring as progress."""
    results = []
    for number, row in enumerate(rows, start=1):
        progress(f"[{number}/{len(rows)}] {(row.__doc__ or '').strip()}")
        results.append(row(harness, donor(harness, number)))
    return results


@contextlib.contextmanager
def throwaway_database() -> Iterator[None]:
    """Run on a fresh database next to the configured one, dropped afterwards."""
    test_settings = connection.settings_dict.setdefault("TEST", {})
    folder = tempfile.TemporaryDirectory(prefix="payment-run-")
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(Path(folder.name) / "payment_run.sqlite3")
    else:
        test_settings["NAME"] = f"{connection.settings_dict['NAME']}_payment_run"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("load_seed", verbosity=0)
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        folder.cleanup()


@contextlib.contextmanager
def site_server() -> Iterator[str]:
    """Serve the site on a free loopback port, in this process."""
    thread = LiveServerThread("127.0.0.1", static_handler=lambda app: app, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise RunError(f"The site could not start: {thread.error}")
    try:
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()


@contextlib.contextmanager
def sandbox(webhook_url: str, secret: str) -> Iterator[SandboxServer]:
    from stripe_sandbox.server import SandboxServer  # the run's own dependency, not the site's

    server = SandboxServer("127.0.0.1", 0, webhook_url, secret)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def harness(*, offline: bool) -> Iterator[Harness]:
    """Everything a run needs. Offline: the sandbox on a free port, with its own secret."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(throwaway_database())
        # The run makes more checkouts a minute than a visitor may; lift the limit for it.
        secret = f"whsec_{secrets.token_hex(16)}"
        overrides = {
            # Receipts stay in memory (django.core.mail.outbox), not printed in the report.
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "DONATION_RATE_LIMIT": "10000/m",
            "DONATION_EMAIL_RATE_LIMIT": "10000/m",
            "DONATION_SITE_RATE_LIMIT": "10000/m",
            "ALLOWED_HOSTS": ["127.0.0.1"],
            "STRIPE_WEBHOOK_SECRET": secret,
        }
        if offline:
            overrides["STRIPE_SECRET_KEY"] = SANDBOX_KEY
        stack.enter_context(override_settings(**overrides))
        site_url = stack.enter_context(site_server())
        server = None
        if offline:
            server = stack.enter_context(sandbox(f"{site_url}/stripe/webhook/", secret))
            stack.enter_context(
                override_settings(STRIPE_API_BASE=server.url, STRIPE_MAX_NETWORK_RETRIES=0)
            )
        test_mode = SettledStripe(settings.STRIPE_SECRET_KEY, api_base=settings.STRIPE_API_BASE)
        stack.enter_context(worker_thread())
        yield Harness(site_url, get_gateway(), test_mode, secret, offline, server)


@contextlib.contextmanager
def worker_thread() -> Iterator[None]:
    """The site's worker, in a thread of the run's process."""
    stop = threading.Event()
    thread = threading.Thread(target=work_in_thread, args=(stop,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)
