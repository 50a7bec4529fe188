"""Time in the sandbox: billing intervals, and each customer's test clock.

Billing dates are computed here, by the sandbox's own arithmetic, never by the site's
(donations.billing_periods): a sandbox that shared the site's date code could not
catch its mistakes. Stripe's rule: a month later on the same day of the month, or
the month's last day when it is shorter, always counted from the anchor.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from stripe_sandbox.store import StripeError

if TYPE_CHECKING:
    from stripe_sandbox.api import Sandbox

CLOCK = "test_helpers.test_clock"


DAYS = {"day": 1, "week": 7}
MONTHS = {"month": 1, "year": 12}


def add_interval(timestamp: int, interval: str, count: int = 1) -> int:
    start = datetime.fromtimestamp(timestamp, UTC)
    if interval in DAYS:
        return timestamp + count * DAYS[interval] * 86400
    if interval not in MONTHS:
        raise StripeError(
            "Invalid interval: must be one of day, week, month or year", param="interval"
        )
    year, month0 = divmod(start.year * 12 + start.month - 1 + count * MONTHS[interval], 12)
    first_of_next = date(year + (month0 == 11), (month0 + 1) % 12 + 1, 1)
    last_day = (first_of_next - timedelta(days=1)).day
    day = start.replace(year=year, month=month0 + 1, day=min(start.day, last_day))
    return int(day.timestamp())


def now_for(sb: Sandbox, customer_id: str | None) -> int:
    customer = sb.store.objects.get(customer_id or "")
    if customer and customer.get("test_clock"):
        return int(sb.store.get(customer["test_clock"], CLOCK)["frozen_time"])
    return int(time.time())
