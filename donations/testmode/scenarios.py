"""The scenarios of a payment run and how a row of the report is judged."""

from __future__ import annotations

from dataclasses import dataclass, field

from stripe_testkit.cards import DECLINED, FAILS_ON_RENEWAL, VISA, TestCard


@dataclass(frozen=True)
class Scenario:
    name: str
    form: dict[str, str]
    card: TestCard | None  # None: the visitor abandons the checkout
    expected_status: str
    expected_payments: int
    expect_ended: bool | None = None  # None: not a subscription

    @property
    def recurring(self) -> bool:
        return self.form.get("frequency", "one_time") != "one_time"

    @property
    def count(self) -> int:
        return int(self.form.get("payment_count", "1"))


def _recurring(frequency: str, count: int, amount: str = "2000") -> dict[str, str]:
    return {"amount": amount, "frequency": frequency, "payment_count": str(count)}


SCENARIOS = [
    Scenario("one time $10", {"amount": "1000"}, VISA, "paid", 1),
    Scenario("one time $20", {"amount": "2000"}, VISA, "paid", 1),
    Scenario("one time $30", {"amount": "3000"}, VISA, "paid", 1),
    Scenario("one time $12.50 (other)", {"amount": "", "other_amount": "12.50"}, VISA, "paid", 1),
    Scenario("monthly x3", _recurring("month", 3, "3000"), VISA, "completed", 3, True),
    Scenario("weekly x2", _recurring("week", 2, "1000"), VISA, "completed", 2, True),
    Scenario("yearly x2", _recurring("year", 2), VISA, "completed", 2, True),
    Scenario("declined card", {"amount": "2000"}, DECLINED, "pending", 0),
    Scenario("renewal fails", _recurring("month", 3), FAILS_ON_RENEWAL, "canceled", 1, True),
    Scenario("abandoned checkout", {"amount": "2000"}, None, "expired", 0),
]
DUPLICATE_OF = "one time $20"


@dataclass
class Result:
    name: str
    expected_status: str
    status: str = "–"
    expected_payments: int = 0
    payments: int = 0
    expect_ended: bool | None = None
    ended: bool | None = None
    notes: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, scenario: Scenario) -> Result:
        return cls(
            scenario.name,
            scenario.expected_status,
            expected_payments=scenario.expected_payments,
            expect_ended=scenario.expect_ended,
        )

    @property
    def ok(self) -> bool:
        return (
            self.status == self.expected_status
            and self.payments == self.expected_payments
            and self.ended == self.expect_ended
            and not any("FAIL" in note for note in self.notes)
        )


def _yes_no(value: bool | None) -> str:
    return "–" if value is None else ("yes" if value else "no")


def table(results: list[Result]) -> str:
    header = ("scenario", "expected", "recorded", "payments", "ended after N", "result", "notes")
    rows = [
        (
            r.name,
            r.expected_status,
            r.status,
            f"{r.payments} (want {r.expected_payments})",
            f"{_yes_no(r.ended)} (want {_yes_no(r.expect_ended)})",
            "ok" if r.ok else "MISMATCH",
            "; ".join(r.notes),
        )
        for r in results
    ]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True))
        for row in [header, *rows]
    ]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)
