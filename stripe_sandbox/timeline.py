"""Time in the sandbox: billing intervals, and each customer's test clock."""

from __future__ import annotations

import calendar
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from stripe_sandbox.store import StripeError

if TYPE_CHECKING:
    from stripe_sandbox.api import Sandbox

CLOCK = "test_helpers.test_clock"


def add_interval(timestamp: int, interval: str, count: int = 1) -> int:
    moment = datetime.fromtimestamp(timestamp, UTC)
    if interval in ("day", "week"):
        moment += timedelta(days=count * (7 if interval == "week" else 1))
    elif interval in ("month", "year"):
        months = moment.month - 1 + count * (12 if interval == "year" else 1)
        year, month = moment.year + months // 12, months % 12 + 1
        moment = moment.replace(
            year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
        )
    else:
        raise StripeError(f"Invalid interval: {interval}", param="interval")
    return int(moment.timestamp())


def now_for(sb: Sandbox, customer_id: str | None) -> int:
    customer = sb.store.objects.get(customer_id or "")
    if customer and customer.get("test_clock"):
        return int(sb.store.get(customer["test_clock"], CLOCK)["frozen_time"])
    return int(time.time())
