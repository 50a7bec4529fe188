"""Waiting on a condition (webhooks delivered, a clock ready), never on a fixed sleep."""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

POLL_SECONDS = 0.02


class TimedOut(AssertionError):
    """The condition did not hold in time (an AssertionError, so a test fails on it)."""


def wait_until(
    condition: Callable[[], object], timeout: float = 15, what: str = "a condition"
) -> None:
    """Poll `condition` until it is true; TimedOut after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimedOut(f"Timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(POLL_SECONDS)


def wait_for_url(url: str, timeout: float = 60) -> None:
    """Wait until `url` answers without a server error (a server that is starting)."""

    def answers() -> bool:
        try:
            return requests.get(url, timeout=1).status_code < 500
        except requests.RequestException:
            return False

    wait_until(answers, timeout, url)
