"""Keep a stalled Stripe from stalling the site: a bulkhead and a circuit breaker.

Each Stripe call holds one of the app server's threads while it waits (up to the
connect and read timeouts, each try). Were Stripe to stall, donors would hold every
thread and visitors reading articles would wait behind them. Per process:

- a bulkhead: at most `max_concurrent` calls wait on Stripe at once (fewer than the
  process has threads, so that some always serve pages). One more waits for a turn
  while Stripe is answering, that is while every call in flight has waited less than
  `slow_seconds` (a busy moment: a slot is about to be freed); once one has waited
  longer, Stripe looks stalled and a call finding no slot fails at once;
- a circuit breaker: after `failures_to_open` calls in a row that could not reach
  Stripe (a time-out, a refused connection), calls fail at once for `open_seconds`;
  then one call tries again, and its success closes the breaker.

A call refused either way raises `StripeUnavailable`, an APIConnectionError that the
SDK does not retry: callers handle it as they handle Stripe being unreachable.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import stripe

logger = logging.getLogger(__name__)


class StripeUnavailable(stripe.APIConnectionError):
    """Not sent: Stripe has been failing, or too many calls already wait on it."""

    def __init__(self, message: str) -> None:
        super().__init__(message, should_retry=False)  # type: ignore[no-untyped-call]  # the SDK's


class CallGuard:
    def __init__(
        self,
        *,
        max_concurrent: int,
        failures_to_open: int,
        open_seconds: float,
        slow_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._slots = threading.BoundedSemaphore(max(1, max_concurrent))
        self._slow_seconds = slow_seconds
        self._in_flight: dict[object, float] = {}  # a call's token: when it took its slot
        self._waiting = 0
        self._lock = threading.Lock()
        self._failures_to_open = max(1, failures_to_open)
        self._open_seconds = open_seconds
        self._clock = clock
        self._failures = 0
        self._open_until = 0.0
        self._probing = False

    @contextmanager
    def call(self) -> Iterator[None]:
        """Around one try of one request: refuses it, or counts how it went."""
        probe = self._admit()
        try:
            token = self._take_slot()
        except StripeUnavailable:
            self._end_probe(probe)
            raise
        try:
            yield
        except stripe.APIConnectionError:
            self._failed()
            raise
        else:
            self._succeeded()
        finally:
            with self._lock:
                del self._in_flight[token]
            self._slots.release()
            self._end_probe(probe)

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._failures >= self._failures_to_open

    @property
    def waiting(self) -> int:
        """Calls waiting for a turn now."""
        with self._lock:
            return self._waiting

    def _take_slot(self) -> object:
        """A slot: at once, or as one is freed while Stripe answers; raises if it stalls."""
        taken = self._slots.acquire(blocking=False)
        if not taken:
            with self._lock:
                self._waiting += 1
            try:
                while not taken:
                    patience = self._patience()
                    if patience <= 0:
                        raise StripeUnavailable(
                            "Too many requests are already waiting on Stripe, "
                            f"one of them for more than {self._slow_seconds:g} s."
                        )
                    taken = self._slots.acquire(timeout=patience)
            finally:
                with self._lock:
                    self._waiting -= 1
        token = object()
        with self._lock:
            self._in_flight[token] = self._clock()
        return token

    def _patience(self) -> float:
        """How much longer a call may wait for a turn: until the longest call in flight
        has waited `slow_seconds`."""
        with self._lock:
            now = self._clock()
            return min(self._in_flight.values(), default=now) + self._slow_seconds - now

    def _admit(self) -> bool:
        """Whether this call is the one that tries Stripe again; raises if none may."""
        with self._lock:
            if self._failures < self._failures_to_open:
                return False
            if self._clock() < self._open_until or self._probing:
                raise StripeUnavailable(
                    "Stripe has not answered lately; not asking again for a moment."
                )
            self._probing = True
            return True

    def _end_probe(self, probe: bool) -> None:
        if probe:
            with self._lock:
                self._probing = False

    def _failed(self) -> None:
        with self._lock:
            self._failures += 1
            if self._failures >= self._failures_to_open:
                self._open_until = self._clock() + self._open_seconds
                if self._failures == self._failures_to_open:
                    logger.error(
                        "Stripe unreachable %s times in a row: calls fail at once for %.0f s",
                        self._failures,
                        self._open_seconds,
                    )

    def _succeeded(self) -> None:
        with self._lock:
            if self._failures >= self._failures_to_open:
                logger.warning("Stripe answers again: calls go through")
            self._failures = 0
