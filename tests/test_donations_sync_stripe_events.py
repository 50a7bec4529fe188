"""`manage.py sync_stripe_events`: what the webhook missed is recorded, once."""

import pytest
from django.core.management import CommandError, call_command

from donations.models import Donation, WebhookEvent
from donations.testmode.visitor import Visitor
from stripe_testkit.cards import VISA
from tests.factories import CampaignArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)
DONOR = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org"}


def test_a_payment_whose_webhooks_never_came_is_recorded_once(site_with_sandbox, capsys):
    live, sandbox = site_with_sandbox
    sandbox.sandbox.webhooks.url = ""  # the endpoint was down or misconfigured
    article = CampaignArticleFactory()
    visitor = Visitor(live.url)
    checkout = visitor.donate(article.get_absolute_url(), amount="2000", **DONOR)
    visitor.pay(checkout, VISA)
    donation = Donation.objects.by_checkout_session(checkout.session_id)
    assert donation.status == Donation.Status.PENDING
    call_command("sync_stripe_events")
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert donation.payments.get().amount_cents == 2000
    first = capsys.readouterr().out
    assert "0 failed" in first
    recorded = WebhookEvent.objects.count()
    call_command("sync_stripe_events")
    assert WebhookEvent.objects.count() == recorded
    assert "0 processed" in capsys.readouterr().out


def test_stripe_unreachable_is_a_clear_error(settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    with pytest.raises(CommandError, match="Could not list Stripe's events"):
        call_command("sync_stripe_events", days=1)
