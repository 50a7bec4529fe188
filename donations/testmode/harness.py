"""What a payment run stands on: a throwaway database, the site, and (offline) the sandbox."""

from __future__ import annotations

import contextlib
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import requests
from django.core.management import call_command
from django.db import connection
from django.test.testcases import LiveServerThread
from django.test.utils import override_settings

from articles.models import Article
from donations.stripe_gateway import StripeGateway, get_gateway

SANDBOX_KEY = "sk_test_sandbox"


class RunError(Exception):
    """The run cannot go on (say why); distinct from a scenario that mismatched."""


@dataclass
class Harness:
    site_url: str
    gateway: StripeGateway
    webhook_secret: str
    offline: bool

    def wait_for_webhooks(self, timeout: float = 60) -> None:
        """Wait until Stripe (or the sandbox) has delivered every event it created."""
        if not self.offline:
            return  # real Stripe delivers only through `stripe listen`; nothing to wait for
        wait_until(lambda: not self.gateway.undelivered_events(), timeout, "webhooks")

    def run_subscription_to_end(self, subscription_id: str, payments: int) -> None:
        """Advance the subscription's test clock a billing period at a time until it ends
        (or one period past the payments it should make), waiting for each advance."""
        for _ in range(payments + 1):
            subscription = self.gateway.retrieve_subscription(subscription_id)
            if subscription.status == "canceled":
                return
            clock_id = str(subscription.test_clock)
            period_end = subscription["items"].data[0].current_period_end
            self.gateway.advance_test_clock(clock_id, period_end + 60)
            wait_until(lambda c=clock_id: self._clock_ready(c), 120, "the test clock")
            self.wait_for_webhooks()

    def _clock_ready(self, clock_id: str) -> bool:
        return self.gateway.retrieve_test_clock(clock_id).status == "ready"

    def post_signed(self, payload: bytes) -> requests.Response:
        """POST `payload` to the site's webhook, signed as Stripe signs it."""
        from stripe_sandbox.webhooks import signature_header

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
    article = Article.objects.published().exclude(campaign=None).first()
    if article is None:
        raise RunError("No published article with a campaign: run `manage.py load_seed`.")
    return article


def progress(text: str) -> None:
    """One progress line on stderr (the report itself goes to stdout)."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    polls = 0
    while not condition():
        if time.monotonic() > deadline:
            raise RunError(f"Timed out after {timeout:.0f} s waiting for {what}")
        polls += 1
        if polls % 20 == 0:
            sys.stderr.write(f"\r  … waiting for {what} ({polls * 0.05:.1f} s)")
            sys.stderr.flush()
        time.sleep(0.05)
    if polls >= 20:
        sys.stderr.write("\r" + " " * 60 + "\r")


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
def sandbox(webhook_url: str, secret: str) -> Iterator[str]:
    from stripe_sandbox.server import SandboxServer  # the run's own dependency, not the site's

    server = SandboxServer("127.0.0.1", 0, webhook_url, secret)
    server.start()
    try:
        yield server.url
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
            "DONATION_RATE_LIMIT": "10000/m",
            "ALLOWED_HOSTS": ["127.0.0.1"],
            "STRIPE_WEBHOOK_SECRET": secret,
        }
        if offline:
            overrides["STRIPE_SECRET_KEY"] = SANDBOX_KEY
        stack.enter_context(override_settings(**overrides))
        site_url = stack.enter_context(site_server())
        if offline:
            api = stack.enter_context(sandbox(f"{site_url}/stripe/webhook/", secret))
            stack.enter_context(
                override_settings(STRIPE_API_BASE=api, STRIPE_MAX_NETWORK_RETRIES=0)
            )
        yield Harness(site_url, get_gateway(), secret, offline)
