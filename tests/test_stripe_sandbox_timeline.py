from datetime import UTC, datetime

import pytest

from stripe_sandbox.store import StripeError
from stripe_sandbox.timeline import add_interval


def ts(*args):
    return int(datetime(*args, tzinfo=UTC).timestamp())


@pytest.mark.parametrize(
    ("start", "interval", "count", "end"),
    [
        (ts(2026, 1, 15), "day", 3, ts(2026, 1, 18)),
        (ts(2026, 1, 15), "week", 2, ts(2026, 1, 29)),
        (ts(2026, 1, 31), "month", 1, ts(2026, 2, 28)),  # clamped to the month's end
        (ts(2026, 1, 31), "month", 2, ts(2026, 3, 31)),  # counted from the anchor
        (ts(2027, 12, 15), "month", 3, ts(2028, 3, 15)),
        (ts(2028, 2, 29), "year", 1, ts(2029, 2, 28)),
    ],
)
def test_add_interval(start, interval, count, end):
    assert add_interval(start, interval, count) == end


def test_unknown_interval():
    with pytest.raises(StripeError):
        add_interval(0, "fortnight")
