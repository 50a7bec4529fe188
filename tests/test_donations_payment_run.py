"""`manage.py payment_run`, run as a person runs it: offline, against its own sandbox."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

SCENARIO_ROWS = [
    "one time $10", "one time $20", "one time $30", "one time $12.50 (other)", "monthly x3",
    "weekly x2", "yearly x2", "declined card", "renewal fails", "abandoned checkout",
    "duplicated webhook",
]  # fmt: skip
# What real Stripe does beyond the happy path (checkout path, against the sandbox).
REALITY_ROWS = [
    "webhooks missed, synced", "schedule set late (x3)", "older-version events (x2)",
    "renewal refunded by staff", "donor cancels after 1 of 3", "a receipt per payment",
]  # fmt: skip
# What real Stripe does that the happy path never shows (the sandbox misbehaving).
MISBEHAVIOUR_ROWS = [
    "dispute lost", "dispute won", "refund before its payment", "monthly x3 shuffled",
    "paused one period", "campaign in JPY", "campaign in EUR",
]  # fmt: skip
# What a donor does after giving.
DONOR_ROWS = [
    "one time made monthly x3", "fee covered one time $20", "fee covered monthly x3",
    "renewal recovered by a new card", "statement with a refund",
]  # fmt: skip
# In Spanish: Checkout's locale and the receipts.
SPANISH_ROWS = ["spanish monthly x3"]


def payment_run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRIPE_")}
    env.update(DJANGO_SETTINGS_MODULE="advocacy.settings", SECRET_KEY="payment-run-test",
               DEBUG="false")  # fmt: skip
    return subprocess.run(
        [sys.executable, "manage.py", "payment_run", *args],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "rows"),
    [
        ((), SCENARIO_ROWS + REALITY_ROWS + MISBEHAVIOUR_ROWS + DONOR_ROWS + SPANISH_ROWS),
        (("--api-only",), SCENARIO_ROWS),
    ],
    ids=["checkout", "api"],
)
def test_every_scenario_is_recorded_as_expected(args, rows):
    result = payment_run(*args)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert f"payment_run: {len(rows)} passed, 0 failed" in lines
    for name in rows:
        row = next(line for line in lines if line.startswith(name + " "))
        assert "| ok " in row, row
        assert "FAIL" not in row, row
    assert "MISMATCH" not in result.stdout


def test_a_live_key_is_refused(settings):
    settings.STRIPE_SECRET_KEY = "sk_live_123"
    settings.STRIPE_API_BASE = ""
    with pytest.raises(CommandError, match="refuses a live key"):
        call_command("payment_run")
