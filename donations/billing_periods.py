"""Billing periods as Stripe counts them: from the subscription's billing cycle anchor,
a whole number of intervals at a time, a month later on the same day of the month
(or the month's last day when it is shorter). Plain Python, no Django."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta

# A period that starts within this of a boundary is that boundary's (clock skew).
SLACK_SECONDS = 3600
MAX_PERIODS = 10_000


def add_interval(timestamp: int, interval: str, count: int = 1) -> int:
    """`count` intervals ("day", "week", "month" or "year") after `timestamp`."""
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
        raise ValueError(f"Invalid interval: {interval}")
    return int(moment.timestamp())


def periods_started(anchor: int, period_start: int, interval: str, interval_count: int = 1) -> int:
    """How many billing periods have started by the one that starts at `period_start`
    (the first starts at `anchor`): the number of invoices the subscription has had."""
    started = 1
    while (
        started < MAX_PERIODS
        and add_interval(anchor, interval, started * interval_count) <= period_start + SLACK_SECONDS
    ):
        started += 1
    return started
