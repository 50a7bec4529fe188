"""The sandbox's HTTP surface: keys, errors in Stripe's shape, idempotency, events."""

import logging
import socket
import struct
from urllib.parse import urlsplit

import pytest
import requests
import stripe

from stripe_testkit.waiting import wait_until
from tests.sandbox_helpers import session_params


@pytest.mark.parametrize("key", ["", "sk_live_123", "pk_test_123"])
def test_only_test_secret_keys_are_accepted(sandbox_server, key):
    response = requests.get(
        f"{sandbox_server.url}/v1/events", headers={"Authorization": f"Bearer {key}"}, timeout=10
    )
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_unknown_paths_and_objects_are_404(sandbox_client, sandbox_server):
    headers = {"Authorization": "Bearer sk_test_x"}
    response = requests.get(f"{sandbox_server.url}/v1/balance", headers=headers, timeout=10)
    assert response.status_code == 404
    with pytest.raises(stripe.InvalidRequestError) as error:
        sandbox_client.v1.checkout.sessions.retrieve("cs_test_nope")
    assert (error.value.http_status, error.value.code) == (404, "resource_missing")


def test_an_idempotency_key_returns_the_first_answer(sandbox_client):
    options = {"idempotency_key": "donation-1"}
    first = sandbox_client.v1.checkout.sessions.create(session_params(), options=options)
    second = sandbox_client.v1.checkout.sessions.create(session_params(), options=options)
    assert first.id == second.id
    with pytest.raises(stripe.IdempotencyError):
        sandbox_client.v1.checkout.sessions.create(session_params(amount=999), options=options)


def test_events_are_listed_newest_first_and_filtered(sandbox_client):
    session = sandbox_client.v1.checkout.sessions.create(session_params())
    sandbox_client.v1.checkout.sessions.expire(session.id)
    events = sandbox_client.v1.events.list({"type": "checkout.session.expired"}).data
    assert [e.data.object.id for e in events] == [session.id]
    assert sandbox_client.v1.events.retrieve(events[0].id).type == "checkout.session.expired"
    assert events[0].api_version == stripe.api_version


def test_a_client_that_stops_waiting_is_logged_in_one_line(sandbox_server, caplog, capfd):
    caplog.set_level(logging.INFO, logger="stripe_sandbox")
    sandbox_server.pause()  # as a stalled Stripe: the client gives up first
    address = urlsplit(sandbox_server.url)
    client = socket.create_connection((address.hostname, address.port), timeout=10)
    client.sendall(b"GET /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_test_x\r\n\r\n")
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()  # a reset, as a client's read timeout leaves it
    sandbox_server.resume()
    wait_until(lambda: "went away before its answer" in caplog.text, what="the log line")
    assert "Traceback" not in capfd.readouterr().err
