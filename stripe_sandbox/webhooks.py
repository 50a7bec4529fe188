"""Events: created in Stripe's shape, signed, and delivered with retries: in order, or as
Stripe may deliver them (chaos mode): shuffled, some twice, some held back and late.

Chaos is seeded (`chaos=SEED`, `python -m stripe_sandbox --chaos SEED`), so that a run
that went wrong can be played again: events that arrive within CHAOS_WINDOW of each
other are shuffled together, each is delivered twice with chance DUPLICATE and held
back for the next batch (or until deliveries go quiet) with chance LATE.
"""

from __future__ import annotations

import json
import logging
import queue
import random
import threading
import time
import urllib.error
import urllib.request
from typing import Any

from stripe_sandbox.shape import complete
from stripe_sandbox.store import API_VERSION, Store
from stripe_testkit.signing import signature_header

logger = logging.getLogger("stripe_sandbox.webhooks")
RETRY_DELAYS = (0.05, 0.2, 0.5, 1, 2, 4, 8)
CHAOS_WINDOW, DUPLICATE, LATE = 0.25, 0.3, 0.25


class Webhooks:
    """Creates events and posts them, one at a time and in order, to one endpoint."""

    def __init__(
        self, store: Store, url: str = "", secret: str = "", chaos: int | None = None
    ) -> None:
        self.store = store
        self.url = url
        self.secret = secret
        self.misbehave(chaos)
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._deliver_all, daemon=True)
        self._thread.start()

    def emit(
        self, event_type: str, obj: dict[str, Any], previous: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"object": complete(self.store.snapshot(obj))}
        if previous is not None:
            data["previous_attributes"] = previous
        event = {
            "id": self.store.new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "data": data,
            "livemode": False,
            "pending_webhooks": 1 if self.url else 0,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }
        self.store.events.append(event)
        if self.url:
            self._queue.put(event)
        return event

    def stop(self) -> None:
        self._stopped.set()
        self._queue.put(None)

    def misbehave(self, seed: int | None) -> None:
        """From now on deliver as Stripe may (a seed), or in order (None)."""
        # A replayable order, not a secret.
        self.chaos = None if seed is None else random.Random(seed)  # noqa: S311

    def _deliver_all(self) -> None:
        held: list[dict[str, Any]] = []
        while True:
            try:
                event = self._queue.get(timeout=CHAOS_WINDOW if held else None)
            except queue.Empty:  # quiet: the late ones now
                event, batch, held = None, held, []
                self._deliver_batch(batch)
                continue
            if event is None:
                self._deliver_batch(held)
                return
            if self.chaos is None and not held:
                self._deliver(event)
                continue
            batch, held = [*held, event, *self._gather()], []
            if self.chaos is not None:
                batch, held = _shuffle(self.chaos, batch)
            self._deliver_batch(batch)

    def _gather(self) -> list[dict[str, Any]]:
        """The events that arrive within CHAOS_WINDOW of each other."""
        found = []
        while True:
            try:
                event = self._queue.get(timeout=CHAOS_WINDOW)
            except queue.Empty:
                return found
            if event is None:
                self._queue.put(None)  # stop once this batch is out
                return found
            found.append(event)

    def _deliver_batch(self, batch: list[dict[str, Any]]) -> None:
        for event in batch:
            self._deliver(event)

    def _deliver(self, event: dict[str, Any]) -> None:
        payload = json.dumps(event).encode()
        for attempt, delay in enumerate((0, *RETRY_DELAYS), start=1):
            if self._stopped.wait(delay):
                return
            status = self._post(payload)
            if status is not None and 200 <= status < 300:
                with self.store.lock:
                    event["pending_webhooks"] = 0
                return
            logger.warning("%s %s: attempt %s got %s", event["type"], event["id"], attempt, status)
        logger.error("Gave up delivering %s %s", event["type"], event["id"])

    def _post(self, payload: bytes) -> int | None:
        request = urllib.request.Request(  # noqa: S310 - our own loopback URL
            self.url,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": signature_header(payload, self.secret),
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks) sandbox",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None


Events = list[dict[str, Any]]


def _shuffle(chaos: random.Random, batch: Events) -> tuple[Events, Events]:
    """The batch in a random order with duplicates, and the events held back."""
    chaos.shuffle(batch)
    order: Events = []
    held: Events = []
    for event in batch:
        if len(batch) > 1 and chaos.random() < LATE:
            held.append(event)
            continue
        order.append(event)
        if chaos.random() < DUPLICATE:
            order.insert(chaos.randrange(len(order) + 1), event)
    return order, held
