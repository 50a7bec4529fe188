"""Events: created in Stripe's shape, signed, and delivered in order with retries."""

from __future__ import annotations

import json
import logging
import queue
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


class Webhooks:
    """Creates events and posts them, one at a time and in order, to one endpoint."""

    def __init__(self, store: Store, url: str = "", secret: str = "") -> None:
        self.store = store
        self.url = url
        self.secret = secret
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

    def _deliver_all(self) -> None:
        while (event := self._queue.get()) is not None:
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
