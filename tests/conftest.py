import json
import threading
from pathlib import Path

import pytest
import stripe
from django.conf import settings
from django.core.cache import caches
from django.utils import translation

from articles import page_cache
from donations import stripe_gateway
from donations.models import Dispute, Donation, Payment, WebhookEvent
from donations.testmode.settled import SettledStripe
from jobs.worker import run_ready, work_in_thread
from stripe_sandbox.server import SandboxServer
from stripe_testkit.testmode import TestModeStripe
from tests.factories import (
    ArticleFactory,
    CampaignFactory,
    DonationFactory,
    PaymentFactory,
    StaffUserFactory,
    at,
    gift,
)
from tests.stripe_events import WEBHOOK_SECRET, sign
from tests.stripe_fake import FakeStripe


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Article pages are cached per process: every test renders its own."""
    page_cache.forget_all()


DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_serialized_rollback"}


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Rate-limit counters and the content version live in the caches (tables of the
    test database, or Redis): every test that uses the database starts from empty
    caches. (Tests that do not cannot reach them.)"""
    if request.node.get_closest_marker("django_db") or DB_FIXTURES & set(request.fixturenames):
        request.getfixturevalue("_django_db_helper")
        for alias in settings.CACHES:
            caches[alias].clear()


def pytest_sessionstart(session):
    """The Spanish tests read the compiled catalogues `make test` builds from the .po."""
    for po in Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            pytest.exit(f"{mo} is missing or older than its .po: run `make messages`.", 2)


@pytest.fixture(autouse=True)
def _english_first():
    """Each test starts in the default language (a request in Spanish leaves its thread
    in Spanish, as Django's LocaleMiddleware does)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_stripe_guard():
    """Each test starts with Stripe's circuit breaker closed (donations.stripe_guard)."""
    stripe_gateway._guard.cache_clear()
    stripe_gateway._gateway.cache_clear()


@pytest.fixture(autouse=True)
def stripe_settings(settings):
    """Test-mode Stripe settings; no test ever talks to the real Stripe."""
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # discard port: nothing answers
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    return settings


@pytest.fixture
def fake_stripe(stripe_settings):
    """A recording stand-in for the Stripe API on loopback; the SDK is pointed at it."""
    fake = FakeStripe()
    server, url = fake.serve()
    stripe_settings.STRIPE_API_BASE = url
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def monthly():
    """A pending monthly donation of three payments."""
    return DonationFactory(monthly=True)


@pytest.fixture
def translated():
    """An English article and its Spanish translation."""
    english = ArticleFactory(title="The ongoing assault on 287(g)")
    spanish = ArticleFactory(
        title="La ofensiva contra el 287(g)", language="es", translation_of=english
    )
    return english, spanish


@pytest.fixture
def staff_client(client):
    client.force_login(StaffUserFactory())
    return client


@pytest.fixture
def post_event(client):
    """POST a signed Stripe event to the webhook, then run the work it queued (as the
    worker would at once): the webhook's response, with `outcome`, the status the event
    was stored with once the worker applied it (None when none was stored)."""

    def post(payload: bytes, signature: str | None = None):
        headers = {"HTTP_STRIPE_SIGNATURE": signature or sign(payload)}
        response = client.post(
            "/stripe/webhook/", data=payload, content_type="application/json", **headers
        )
        run_ready()
        response.outcome = stored_status(payload)
        return response

    return post


def stored_status(payload: bytes) -> str | None:
    try:
        stripe_id = json.loads(payload)["id"]
    except (ValueError, TypeError, KeyError, RecursionError):
        return None
    return WebhookEvent.objects.filter(stripe_id=stripe_id).values_list("status", flat=True).first()


@pytest.fixture
def worker():
    """A worker in a thread, for tests that serve the site (live_server)."""
    stop = threading.Event()
    thread = threading.Thread(target=work_in_thread, args=(stop,), daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=30)


@pytest.fixture
def sandbox_server():
    """The payments sandbox on a free port, delivering nowhere."""
    server = SandboxServer("127.0.0.1", 0, webhook_url="", webhook_secret="")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sandbox_kit(sandbox_server):
    """The test kit driving the sandbox of `sandbox_server`."""
    return TestModeStripe("sk_test_sandbox", api_base=sandbox_server.url)


@pytest.fixture
def sandbox_client(sandbox_server):
    return stripe.StripeClient(
        "sk_test_sandbox", base_addresses={"api": sandbox_server.url}, max_network_retries=0
    )


@pytest.fixture
def site_with_sandbox(live_server, stripe_settings, worker):
    """The site on a live server and the sandbox delivering signed webhooks to it."""
    server = SandboxServer(
        "127.0.0.1", 0, webhook_url=f"{live_server.url}/stripe/webhook/",
        webhook_secret=WEBHOOK_SECRET,
    )  # fmt: skip
    server.start()
    stripe_settings.STRIPE_API_BASE = server.url
    stripe_settings.DONATION_RATE_LIMIT = "1000/m"
    stripe_settings.DONATION_EMAIL_RATE_LIMIT = "1000/m"
    stripe_settings.DONATION_SITE_RATE_LIMIT = "1000/m"
    yield live_server, server
    server.stop()


@pytest.fixture
def site_sandbox_kit(site_with_sandbox):
    """The test kit driving the sandbox that `site_with_sandbox` started; waiting for its
    webhooks waits for the work they queued too."""
    _, server = site_with_sandbox
    return SettledStripe("sk_test_sandbox", api_base=server.url)


@pytest.fixture
def dashboard_gifts():
    """March to June 2026, in dollars, and what must not count."""
    euros = CampaignFactory(name="Europe", currency="eur")
    gift("ada@example.org", 2000, at(2026, 3, 10), utm_source="newsletter", utm_medium="email")
    monthly = gift("Ada@Example.org ", 1000, at(2026, 4, 5), monthly=True,
                   status=Donation.Status.ACTIVE)  # fmt: skip
    PaymentFactory(donation=monthly, paid_at=at(2026, 5, 5), failed_at=at(2026, 5, 2),
                   amount_refunded_cents=400, fee_cents=59, settlement_currency="usd")  # fmt: skip
    PaymentFactory(donation=monthly, paid_at=None, failed_at=at(2026, 6, 5),
                   status=Payment.Status.FAILED)  # fmt: skip
    disputed = gift("bo@example.org", 5000, at(2026, 4, 20), refcode="p-a",
                    payment_amount_disputed_cents=5000)  # fmt: skip
    dispute = Dispute.objects.create(
        stripe_dispute_id="du_1", payment=disputed.payments.get(), amount_cents=5000,
        currency="usd", reason="fraudulent", status="lost", funds_withdrawn=True,
    )  # fmt: skip
    Dispute.objects.filter(pk=dispute.pk).update(created_at=at(2026, 4, 25))
    gift("cy@example.org", 3000, at(2026, 4, 1), campaign=euros, currency="eur")  # not dollars
    gift("ada@example.org", 9900, at(2025, 12, 1))  # before the range: Ada is not new in March
    gift("di@example.org", 700, None)  # never paid
    return monthly


@pytest.fixture
def memory_cache(settings):
    """A cache outside the database (as Redis is), so that only the page's own queries
    are counted."""
    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # fmt: skip
