"""The sandbox speaks in Stripe's real shapes: every answer and every event of a full
payment run has each attribute the installed SDK declares as always present, with
values its Literal types allow (stripe_testkit.shapes, derived from the SDK)."""

import pytest
from django.core.management import call_command

from donations.stripe_gateway import get_gateway
from donations.testmode import api_run, checkout_run
from donations.testmode.harness import Harness
from stripe_testkit.shapes import ShapeCheck
from tests.stripe_events import WEBHOOK_SECRET

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def full_run(site_with_sandbox, site_sandbox_kit):
    """Both payment runs (checkout and API paths) against the sandbox; the sandbox after."""
    live, server = site_with_sandbox
    call_command("load_seed", verbosity=0)
    harness = Harness(live.url, get_gateway(), site_sandbox_kit, WEBHOOK_SECRET, True, server)
    results = checkout_run.run(harness) + api_run.run(harness)
    assert all(result.ok for result in results), [r for r in results if not r.ok]
    return server.sandbox


def test_every_answer_and_event_of_a_payment_run_has_the_sdks_shape(full_run):
    check = ShapeCheck()
    for number, answer in enumerate(full_run.answers):
        check.check(answer, f"answer {number} ({answer.get('object')})")
    for event in full_run.store.events:
        check.check(event, f"{event['type']} {event['id']}")
    assert check.problems == []
    kinds = set(check.coverage())
    assert {"checkout.session", "invoice", "subscription", "charge", "payment_intent"} <= kinds
