import pytest
from django.core.cache import cache

from tests.factories import StaffUserFactory
from tests.stripe_events import WEBHOOK_SECRET, sign
from tests.stripe_fake import FakeStripe


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: every test starts from zero."""
    cache.clear()


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
def staff_client(client):
    client.force_login(StaffUserFactory())
    return client


@pytest.fixture
def post_event(client):
    """POST a signed Stripe event to the webhook."""

    def post(payload: bytes, signature: str | None = None):
        headers = {"HTTP_STRIPE_SIGNATURE": signature or sign(payload)}
        return client.post(
            "/stripe/webhook/", data=payload, content_type="application/json", **headers
        )

    return post
