"""The test kit, waiting for the site's queued work as well as for the webhooks."""

from __future__ import annotations

from jobs.worker import queue_idle
from stripe_testkit.testmode import TestModeStripe
from stripe_testkit.waiting import wait_until


class SettledStripe(TestModeStripe):
    def wait_for_webhooks(self, timeout: float = 60) -> None:
        """Until every event is delivered and the work they queued is done (which may
        bring more events: a subscription cancelled when its N payments are in)."""
        for _ in range(3):
            super().wait_for_webhooks(timeout)
            wait_until(queue_idle, timeout, "the work the webhooks queued")
