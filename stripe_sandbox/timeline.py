"""Time in the sandbox: billing intervals, and each customer's test clock."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from donations import billing_periods
from stripe_sandbox.store import StripeError

if TYPE_CHECKING:
    from stripe_sandbox.api import Sandbox

CLOCK = "test_helpers.test_clock"


def add_interval(timestamp: int, interval: str, count: int = 1) -> int:
    try:
        return billing_periods.add_interval(timestamp, interval, count)
    except ValueError as error:
        raise StripeError(str(error), param="interval") from None


def now_for(sb: Sandbox, customer_id: str | None) -> int:
    customer = sb.store.objects.get(customer_id or "")
    if customer and customer.get("test_clock"):
        return int(sb.store.get(customer["test_clock"], CLOCK)["frozen_time"])
    return int(time.time())
