"""The sandbox speaks in Stripe's real shapes: every answer and every event of a full
payment run has each attribute the installed SDK declares as always present, with
values its Literal types allow (stripe_testkit.shapes, derived from the SDK)."""

import re
import string

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


def objects_in(value):
    """Every Stripe object (a dict with an `object` and an `id`) inside `value`."""
    if isinstance(value, dict):
        if isinstance(value.get("object"), str) and isinstance(value.get("id"), str):
            yield value
        for inner in value.values():
            yield from objects_in(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from objects_in(inner)


STRIPE_ID = re.compile(r"(?P<prefix>[a-z]+(?:_[a-z]+)*)_(?P<random>[0-9A-Za-z]{14,58})")


def test_ids_and_fields_are_as_stripe_makes_them(full_run):
    """Ids used to be 20 hex digits with leading zeros; a completed session kept its url;
    invoices lacked auto_advance and next_payment_attempt; refunds carried livemode."""
    seen = [obj for item in [*full_run.answers, *full_run.store.events] for obj in objects_in(item)]
    randoms = []
    for obj in seen:
        match = STRIPE_ID.fullmatch(obj["id"])
        assert match, obj["id"]
        randoms.append(match["random"])
        kind = obj["object"]
        if kind == "checkout.session" and obj["status"] != "open":
            assert obj["url"] is None, obj["id"]
        if kind in ("refund", "balance_transaction"):
            assert "livemode" not in obj, obj["id"]
        if kind == "invoice":
            assert {"auto_advance", "next_payment_attempt", "amount_paid_off_stripe"} <= set(obj)
            assert obj["lines"]["url"] == f"/v1/invoices/{obj['id']}/lines"
            for line in obj["lines"]["data"]:
                assert line["invoice"] == obj["id"]
                assert line["parent"]["subscription_item_details"]["subscription"]
    letters = set("".join(randoms))
    assert letters & set(string.ascii_uppercase) and letters & set(string.ascii_lowercase)
    assert not any(r.startswith("0000") for r in randoms)
    kinds = {obj["object"] for obj in seen}
    assert {"dispute", "balance_transaction", "refund"} <= kinds
