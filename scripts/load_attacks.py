"""The attacks `scripts/load_test.py` runs against the production stack, after its donors.

- flood: one address posts the donation form FLOOD times, a new e-mail address each
  time, inside one rate-limit window: at most the per-IP limit may open Checkout;
- unpublish: readers fetch the article while it is unpublished (saved as the admin
  saves it, through the same PostgreSQL and Redis): no request that starts after the
  commit may get the article;
- stall: the payments sandbox is stopped (SIGSTOP) for STALL_SECONDS while STALLED_DONORS
  donors post the form, and readers fetch the article and /healthz: their p99 must stay
  under 200 ms.
Each returns its figures and the problems it found.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from articles.models import Article
from donations.testmode.visitor import Visitor

FLOOD, IP_LIMIT = 400, 10
STALL_SECONDS, STALLED_DONORS, PAGE_P99_MS = 30, 16, 200


@dataclass
class Findings:
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _post_form(visitor: Visitor, site: str, path: str, token: str, email: str, timeout: float):
    return visitor.http.post(
        f"{site}{path}donate/",
        data={"csrfmiddlewaretoken": token, "amount": "2000", "frequency": "one_time",
              "first_name": "Load", "last_name": "Attack", "email": email},
        headers={"Referer": site + path}, allow_redirects=False, timeout=timeout,
    )  # fmt: skip


def flood(make_visitor: Callable[[str], Visitor], site: str, path: str) -> Findings:
    visitor = make_visitor("127.0.2.1")
    token = visitor.http.get(site + path, timeout=30).cookies.get("csrftoken", "")
    statuses = [
        _post_form(visitor, site, path, token, f"flood-{n}@example.org", 30).status_code
        for n in range(FLOOD)
    ]
    found = Findings()
    opened = statuses.count(303)
    found.lines.append(
        f"flood from one address: {FLOOD} POSTs with new e-mails, {opened} opened Checkout, "
        f"{statuses.count(429)} got 429"
    )
    if opened > IP_LIMIT or opened + statuses.count(429) != FLOOD:
        found.problems.append(f"the flood opened {opened} checkouts (limit {IP_LIMIT})")
    return found


def _read(make_visitor, site, url, address, stop, seen, lock, pause=0.0) -> None:  # type: ignore[no-untyped-def]
    visitor = make_visitor(address)
    while not stop.is_set():
        started = time.monotonic()
        try:
            status = visitor.http.get(site + url, timeout=30).status_code
        except OSError as error:
            status = f"{type(error).__name__}"
        with lock:
            seen.append((url, started, time.monotonic() - started, status))
        if pause:
            stop.wait(pause)


def unpublish(make_visitor: Callable[[str], Visitor], site: str, path: str) -> Findings:
    article = Article.objects.get(slug=path.strip("/").rsplit("/", 1)[-1])
    stop, lock, seen = threading.Event(), threading.Lock(), []
    readers = [
        threading.Thread(
            target=_read, args=(make_visitor, site, path, f"127.0.3.{n}", stop, seen, lock)
        )
        for n in range(1, 9)
    ]
    for reader in readers:
        reader.start()
    time.sleep(3)  # readers under way, the page in every instance's page cache
    with transaction.atomic():  # as the admin saves it
        article.status = Article.Status.DRAFT
        article.save()
    committed = time.monotonic()
    time.sleep(5)
    stop.set()
    for reader in readers:
        reader.join()
    article.status = Article.Status.PUBLISHED
    article.save()
    before = [status for _, started, _, status in seen if started < committed]
    after = [status for _, started, _, status in seen if started > committed]
    found = Findings()
    found.lines.append(
        f"unpublish under load: {before.count(200)} pages served before the commit, "
        f"{after.count(200)} of {len(after)} after it"
    )
    if after.count(200) or set(after) != {404} or not before.count(200):
        found.problems.append(f"after the unpublishing: {sorted(set(map(str, after)))}")
    return found


def stall(
    make_visitor: Callable[[str], Visitor], site: str, path: str, sandbox_pid: int
) -> Findings:
    stop, lock, seen, answers = threading.Event(), threading.Lock(), [], []
    urls = [path, "/healthz", path, "/healthz"]
    readers = [
        threading.Thread(
            target=_read, args=(make_visitor, site, url, f"127.0.4.{n}", stop, seen, lock, 0.05)
        )
        for n, url in enumerate(urls, start=1)
    ]

    def donor(number: int) -> None:
        visitor = make_visitor(f"127.0.5.{number}")
        token = visitor.http.get(site + path, timeout=30).cookies.get("csrftoken", "")
        attempt = 0
        while not stop.is_set():
            attempt += 1
            started = time.monotonic()
            email = f"stalled-{number}-{attempt}@example.org"
            try:
                status = _post_form(visitor, site, path, token, email, 60).status_code
            except OSError as error:
                status = type(error).__name__
            with lock:
                answers.append((time.monotonic() - started, status))
            stop.wait(6)  # under the per-IP limit of 10 a minute

    donors = [threading.Thread(target=donor, args=(n,)) for n in range(1, STALLED_DONORS + 1)]
    os.kill(sandbox_pid, signal.SIGSTOP)
    try:
        for thread in [*readers, *donors]:
            thread.start()
        time.sleep(STALL_SECONDS)
    finally:
        stop.set()
        os.kill(sandbox_pid, signal.SIGCONT)
    for thread in [*readers, *donors]:
        thread.join()
    return _stall_findings(seen, answers)


def _stall_findings(seen, answers) -> Findings:  # type: ignore[no-untyped-def]
    found = Findings()
    for url in sorted({url for url, *_ in seen}):
        times = sorted(seconds for u, _, seconds, _ in seen if u == url)
        statuses = {status for u, _, _, status in seen if u == url}
        p99 = times[min(len(times) - 1, int(0.99 * len(times)))] * 1000
        found.lines.append(
            f"Stripe stalled {STALL_SECONDS} s, {STALLED_DONORS} donors posting: {url} "
            f"{len(times)} requests, p50 {times[len(times) // 2] * 1000:.0f} ms, "
            f"p99 {p99:.0f} ms, max {times[-1] * 1000:.0f} ms"
        )
        if p99 >= PAGE_P99_MS or statuses != {200}:
            found.problems.append(f"with Stripe stalled, {url}: p99 {p99:.0f} ms, {statuses}")
    fast = sum(1 for seconds, _ in answers if seconds < 1)
    found.lines.append(
        f"stalled donors: {len(answers)} answers ({fast} within 1 s), "
        f"statuses {sorted({str(status) for _, status in answers})}"
    )
    # 502: the form again, "could not reach our payment provider"; 303: a request still
    # waiting when Stripe resumed went on to Checkout.
    if any(status not in (502, 303) for _, status in answers):
        found.problems.append("a donor got something else than the form back with a message")
    return found
