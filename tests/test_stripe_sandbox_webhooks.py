"""Signed webhook delivery from the sandbox, in order and with retries."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import stripe

from stripe_sandbox.server import SandboxServer
from stripe_testkit.testmode import TestModeStripe
from tests.sandbox_helpers import pay, session_params

SECRET = "whsec_sandbox_test"


class Receiver:
    """A webhook endpoint on loopback that fails the first `failures` deliveries."""

    def __init__(self, failures: int = 0) -> None:
        self.deliveries: list[tuple[bytes, str]] = []
        self.failures = failures
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.deliveries.append((body, self.headers["Stripe-Signature"]))
                status = 500 if receiver.failures > 0 else 200
                receiver.failures -= 1
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def events(self):
        return [stripe.Webhook.construct_event(body, sig, SECRET) for body, sig in self.deliveries]


@pytest.fixture
def delivering():
    servers = []

    def make(failures=0, chaos=None):
        receiver = Receiver(failures)
        sandbox = SandboxServer("127.0.0.1", 0, receiver.url, SECRET)
        sandbox.sandbox.webhooks.misbehave(chaos)
        sandbox.start()
        servers.append((receiver, sandbox))
        return receiver, TestModeStripe("sk_test_x", api_base=sandbox.url)

    yield make
    for receiver, sandbox in servers:
        sandbox.stop()
        receiver.server.shutdown()


def test_one_time_checkout_events_are_signed_and_in_stripes_order(delivering):
    receiver, kit = delivering()
    client = kit.client
    session = client.v1.checkout.sessions.create(session_params())
    pay(session)
    kit.wait_for_webhooks()
    events = receiver.events()  # verifies every Stripe-Signature with the SDK
    assert [e.type for e in events] == [
        "payment_intent.created",
        "payment_intent.succeeded",
        "charge.succeeded",
        "checkout.session.completed",
    ]
    completed = events[-1].data.object
    assert isinstance(completed, stripe.checkout.Session)
    assert (completed.id, completed.payment_status) == (session.id, "paid")


def test_subscription_events_have_the_current_api_shapes(delivering):
    receiver, kit = delivering()
    client = kit.client
    params = session_params("subscription", subscription_data={"metadata": {"donation_id": "4"}})
    pay(client.v1.checkout.sessions.create(params))
    kit.wait_for_webhooks()
    events = receiver.events()
    types = [e.type for e in events]
    assert types.index("invoice.paid") < types.index("checkout.session.completed")
    invoice = next(e.data.object for e in events if e.type == "invoice.paid")
    assert isinstance(invoice, stripe.Invoice)
    details = invoice.parent.subscription_details
    assert details.metadata["donation_id"] == "4"
    assert details.subscription.startswith("sub_")
    assert "subscription" not in invoice  # moved under parent in API 2025-03-31
    assert all(e.api_version == stripe.api_version for e in events)


def test_a_failed_delivery_is_retried_until_it_succeeds(delivering):
    receiver, kit = delivering(failures=2)
    client = kit.client
    session = client.v1.checkout.sessions.create(session_params())
    client.v1.checkout.sessions.expire(session.id)
    kit.wait_for_webhooks()
    bodies = [json.loads(body)["id"] for body, _ in receiver.deliveries]
    assert len(bodies) == 3
    assert len(set(bodies)) == 1  # the same event, delivered three times


def test_undelivered_events_are_listed_as_such(delivering):
    _, kit = delivering(failures=1000)
    client = kit.client
    session = client.v1.checkout.sessions.create(session_params())
    client.v1.checkout.sessions.expire(session.id)
    pending = client.v1.events.list({"delivery_success": False}).data
    assert [e.type for e in pending] == ["checkout.session.expired"]


def test_in_chaos_mode_events_come_shuffled_some_twice_all_at_last(delivering):
    receiver, kit = delivering(chaos=20261203)
    client = kit.client
    sessions = [client.v1.checkout.sessions.create(session_params()) for _ in range(8)]
    for session in sessions:
        client.v1.checkout.sessions.expire(session.id)
    kit.wait_for_webhooks()
    emitted = [e.id for e in reversed(client.v1.events.list({"limit": 100}).data)]
    delivered = [json.loads(body)["id"] for body, _ in receiver.deliveries]
    assert set(delivered) == set(emitted)  # every one, at last
    assert delivered != emitted  # not in order, or not once each
