"""What the dashboard looks at: a range of months, a currency, a campaign or all; and
months as the database groups them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.db.models import Field, Func

from donations.models import Campaign


class MonthOf(Func):
    """A UTC time's month, computed by the database in its fastest way: "YYYY-MM" text
    on SQLite (Django's TruncMonth runs Python for each row there: 3 times slower), the
    month's first instant on PostgreSQL (date_trunc: a third faster than to_char).
    `month_key` reads either."""

    output_field = Field()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "date_trunc('month', %(expressions)s AT TIME ZONE 'UTC')"
        return self.as_sql(compiler, connection, template=template)


def month_key(month: date | str) -> str:
    return month[:7] if isinstance(month, str) else f"{month:%Y-%m}"


def month_back(month: date, count: int) -> date:
    n = month.year * 12 + month.month - 1 - count
    return date(n // 12, n % 12 + 1, 1)


@dataclass(frozen=True)
class Scope:
    """What the dashboard looks at: months `first` to `last` (each a month's first
    day), payments in `currency`, of `campaign` or of all."""

    first: date
    last: date
    currency: str
    campaign: Campaign | None = None

    @property
    def start(self) -> datetime:
        return datetime(self.first.year, self.first.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        year, month = divmod(self.last.year * 12 + self.last.month, 12)
        return datetime(year, month + 1, 1, tzinfo=UTC)

    @classmethod
    def default(cls, today: date, campaigns: list[Campaign]) -> Scope:
        """The last 12 months, all campaigns, in the main campaign's currency."""
        main = next((c for c in campaigns if c.is_main), campaigns[0] if campaigns else None)
        this_month = today.replace(day=1)
        return cls(month_back(this_month, 11), this_month, main.currency if main else "usd")

    def months(self) -> list[date]:
        first = self.first.year * 12 + self.first.month - 1
        last = self.last.year * 12 + self.last.month - 1
        return [date(n // 12, n % 12 + 1, 1) for n in range(first, last + 1)]
