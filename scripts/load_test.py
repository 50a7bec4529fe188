"""A bounded load test of the production stack, through its front proxy, on loopback.

`scripts/stack-load-test` starts the stack (nginx in front of two gunicorn instances
sharing PostgreSQL and Redis, and the payments sandbox) and runs this. DONORS
concurrent donors, each from an address of its own in 127.0.0.0/8, go through the
whole journey for SECONDS seconds: the article, the donate POST (a Checkout Session),
paying on the sandbox's checkout page, the thank-you page; each at most 8 times a
minute (the per-IP limit is 10). One client then bursts 25 donate POSTs from one
address; both instances answer it, and only 10 may open a Checkout.

Afterwards it checks the records: no request failed, every Checkout Session was
created once and belongs to exactly one donation, every paid session's donation is
recorded paid with one payment (webhooks delivered through the proxy), and the
burst got exactly 10 sessions. Then come the attacks of scripts/load_attacks.py: a
flood of new e-mail addresses from one address, an unpublishing under load, and Stripe
stalled for 30 s. It prints the figures and exits non-zero on any miss.
"""

from __future__ import annotations

import argparse
import mailbox
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import django
import requests
from requests.adapters import HTTPAdapter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")
django.setup()

import load_attacks  # noqa: E402

from donations.models import Donation, DonationBox  # noqa: E402
from donations.ratelimits import counter  # noqa: E402
from donations.testmode.harness import RunError  # noqa: E402
from donations.testmode.visitor import Visitor  # noqa: E402
from jobs.worker import queue_idle  # noqa: E402
from stripe_testkit.cards import VISA  # noqa: E402
from stripe_testkit.testmode import TestModeStripe  # noqa: E402
from stripe_testkit.waiting import wait_until  # noqa: E402

BURST, BURST_LIMIT, PACE_SECONDS = 25, 10, 7.5


class FromAddress(HTTPAdapter):
    """Connections from one loopback address: a donor of its own to the proxy."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)  # type: ignore[arg-type]


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    journeys: int = 0
    sessions: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, session: str, seconds: float) -> None:
        with self.lock:
            self.journeys += 1
            self.sessions.append(session)
            self.latencies.append(seconds)

    def fail(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)


def visitor_from(site: str, address: str) -> Visitor:
    visitor = Visitor(site)
    visitor.http.mount("http://", FromAddress(address))
    return visitor


def donor(site: str, path: str, number: int, deadline: float, tally: Tally) -> None:
    visitor = visitor_from(site, f"127.0.0.{10 + number}")
    journey = 0
    while time.monotonic() < deadline:
        started = time.monotonic()
        journey += 1
        try:
            checkout = visitor.donate(
                path,
                amount="2000",
                first_name="Load",
                last_name=f"Donor {number}",
                email=f"donor{number}-{journey}@example.org",
            )
            thanks = visitor.pay(checkout, VISA)
            if thanks.status_code != 200 or "Thank you" not in thanks.text:
                tally.fail(f"donor {number}: thank-you page answered {thanks.status_code}")
                continue
            tally.add(checkout.session_id, time.monotonic() - started)
        except (RunError, requests.RequestException) as error:
            tally.fail(f"donor {number}: {error}")
        # Pace: at most 8 checkouts a minute from one address (the limit is 10).
        pause = PACE_SECONDS - (time.monotonic() - started)
        if pause > 0:
            time.sleep(min(pause, max(0.0, deadline - time.monotonic())))


def burst(site: str, path: str) -> tuple[list[int], set[str], list[str]]:
    """25 donate POSTs at once from one address, inside one rate-limit window."""
    address = "127.0.1.1"
    window_end = _window_end(f"ip:{address}", 60)  # donations.ratelimits.ip_key
    wait_until(lambda: window_end() - time.time() > 15, 60, "a fresh rate-limit window")
    visitor = visitor_from(site, address)
    page = visitor.http.get(site + path, timeout=30)
    token = page.cookies.get("csrftoken", "")
    statuses, upstreams, sessions = [], set(), []
    for number in range(BURST):
        response = visitor.http.post(
            f"{site}{path}donate/",
            data={
                "csrfmiddlewaretoken": token,
                "amount": "2000",
                "frequency": "one_time",
                "first_name": "Burst",
                "last_name": "Client",
                "email": f"burst-{number}@example.org",
            },
            headers={"Referer": site + path},
            allow_redirects=False,
            timeout=30,
        )
        statuses.append(response.status_code)
        upstreams.add(response.headers.get("X-Upstream", "?"))
        if response.status_code == 303:
            sessions.append(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    return statuses, upstreams, sessions


def _window_end(value: str, period: int):  # type: ignore[no-untyped-def]
    """When the site's current rate-limit window for `value` ends."""

    def end() -> int:
        now = int(time.time())
        return now + counter("", value, f"1/{period}s", now).ttl - 1

    return end


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", required=True, help="the front proxy, e.g. http://127.0.0.1:8080")
    parser.add_argument("--sandbox", required=True, help="the payments sandbox's address")
    parser.add_argument("--donors", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--sandbox-pid", type=int, required=True, help="stopped to stall it")
    args = parser.parse_args()
    if not 1 <= args.donors <= 200 or not 1 <= args.seconds <= 300:
        parser.error("at most 200 donors and 300 seconds")
    path = DonationBox.objects.open().first().article.get_absolute_url()
    tally = Tally()
    deadline = time.monotonic() + args.seconds
    threads = [
        threading.Thread(target=donor, args=(args.site, path, n, deadline, tally))
        for n in range(args.donors)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.seconds + 120)
    elapsed = time.monotonic() - started
    statuses, upstreams, burst_sessions = burst(args.site, path)
    stripe = TestModeStripe("sk_test_sandbox", api_base=args.sandbox)
    stripe.wait_for_webhooks(timeout=180)
    wait_until(queue_idle, 120, "the workers to apply the webhooks' events")
    status = report(tally, elapsed, statuses, upstreams, burst_sessions, stripe)
    status = receipts_delivered(tally.sessions) or status
    return attacks(args.site, path, args.sandbox_pid) or status


def receipts_delivered(sessions: list[str]) -> int:
    """Every paid donation's receipt, sent by the workers, in the SMTP server's mailbox
    once."""
    wait_until(queue_idle, 120, "the workers' queue")
    paid = Donation.objects.filter(stripe_checkout_session_id__in=sessions)
    wanted = sorted(paid.values_list("email", flat=True))
    box = mailbox.Maildir(os.environ["MAILBOX"], create=False)
    got = sorted(str(m["To"]) for m in box if str(m["Subject"]).startswith("Thank you"))
    print(f"receipts: {len(got)} in the SMTP server's mailbox for {len(wanted)} paid donations")
    if got != wanted:
        print(f"PROBLEM: receipts missing or twice: {sorted(set(wanted) ^ set(got))[:10]}")
        return 1
    return 0


def attacks(site: str, path: str, sandbox_pid: int) -> int:
    """The attacks, once the donors' records are checked (a stalled Checkout can still be
    created at Stripe once it resumes)."""
    window_end = _window_end("ip:127.0.2.1", 60)
    wait_until(lambda: window_end() - time.time() > 40, 60, "a fresh rate-limit window")
    make = lambda address: visitor_from(site, address)  # noqa: E731
    problems = []
    for found in (
        load_attacks.flood(make, site, path),
        load_attacks.unpublish(make, site, path),
        load_attacks.stall(make, site, path, sandbox_pid),
    ):
        for line in found.lines:
            print(line)
        problems += found.problems
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print(f"load_test attacks: {0 if problems else 1} passed, {1 if problems else 0} failed")
    return 1 if problems else 0


def report(tally, elapsed, statuses, upstreams, burst_sessions, stripe) -> int:  # type: ignore[no-untyped-def]
    problems = list(tally.errors)
    sessions = tally.sessions + burst_sessions
    at_stripe = stripe.checkout_session_ids()
    if len(set(sessions)) != len(sessions):
        problems.append("a Checkout Session was handed to two donations")
    if sorted(at_stripe) != sorted(sessions):
        problems.append(f"Stripe has {len(at_stripe)} sessions, visitors got {len(sessions)}")
    donations = Donation.objects.filter(stripe_checkout_session_id__in=sessions)
    if donations.count() != len(sessions):
        problems.append(f"{donations.count()} donations for {len(sessions)} sessions")
    paid = donations.filter(stripe_checkout_session_id__in=tally.sessions)
    not_recorded = [d.pk for d in paid if d.status != "paid" or d.paid_payment_count() != 1]
    if not_recorded:
        problems.append(f"{len(not_recorded)} paid donations not recorded as paid once")
    accepted = statuses.count(303)
    if accepted != BURST_LIMIT or statuses.count(429) != BURST - BURST_LIMIT:
        problems.append(f"the burst got {accepted} checkouts (limit {BURST_LIMIT}): {statuses}")
    if len(upstreams) < 2:
        problems.append(f"the burst reached only {upstreams}")
    latencies = tally.latencies
    print(
        f"donors: {len({s for s in tally.sessions})} journeys in {elapsed:.1f} s "
        f"({tally.journeys / elapsed:.1f} journeys/s); journey p50 "
        f"{statistics.median(latencies) * 1000 if latencies else 0:.0f} ms, p95 "
        f"{percentile(latencies, 0.95) * 1000:.0f} ms, max "
        f"{max(latencies, default=0) * 1000:.0f} ms"
    )
    print(
        f"errors: {len(tally.errors)}; Checkout Sessions at Stripe: {len(at_stripe)}, "
        f"donations with one: {donations.count()}, paid and recorded: "
        f"{paid.count() - len(not_recorded)} of {len(tally.sessions)}"
    )
    print(
        f"burst from one address: {accepted} opened Checkout, {statuses.count(429)} got 429, "
        f"served by {len(upstreams)} instances ({', '.join(sorted(upstreams))})"
    )
    for problem in problems[:20]:
        print(f"PROBLEM: {problem}")
    print(f"load_test: {0 if problems else 1} passed, {1 if problems else 0} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
