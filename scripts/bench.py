"""`make bench`: the site as `make serve` runs it, measured against a static file.

Started by scripts/bench (which starts gunicorn with production settings and the
payments sandbox). Two interleaved rounds, each target 10 s with wrk at 50
connections: a static file of the article page's size (the reference, 1.0), the
article page, the home page, the feed. Then donate POSTs (server time beside the
Stripe call, from the Server-Timing header) and signed webhook events per second
(a mix of invoice.paid and types the site ignores, 8 concurrent senders). Prints
one table and writes it as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")

from stripe_testkit.cards import VISA
from stripe_testkit.signing import signature_header
from stripe_testkit.testmode import TestModeStripe

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, seconds: int, connections: int) -> dict[str, float]:
    out = subprocess.run(  # noqa: S603 - our own arguments
        ["/usr/bin/wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    latency = {p: _ms(m) for p, m in re.findall(r"\s(50|99)%\s+([\d.]+\w+)", out)}
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|timeout)\D+(\d+)", out))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return {"rps": rate, "p50": latency["50"], "p99": latency["99"], "errors": errors}


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * UNITS[unit]


def donate_posts(site: str, path: str, count: int) -> dict[str, float]:
    """Sequential donate POSTs: the server's own time and Stripe's, per request."""
    http = requests.Session()
    page = http.get(site + path, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    app, stripe, errors, started = [], [], 0, time.monotonic()
    for number in range(count):
        response = http.post(
            f"{site}{path}donate/",
            data={
                "csrfmiddlewaretoken": token,
                "amount": "2000",
                "frequency": "one_time",
                "first_name": "Bench",
                "last_name": "Mark",
                "email": f"bench-{number}@example.org",
            },
            headers={"Referer": site + path},
            allow_redirects=False,
            timeout=30,
        )
        if response.status_code != 303:
            errors += 1
            continue
        timing = dict(re.findall(r"(\w+);dur=([\d.]+)", response.headers.get("Server-Timing", "")))
        app.append(float(timing.get("app", "nan")))
        stripe.append(float(timing.get("stripe", "0")))
    elapsed = time.monotonic() - started
    return {
        "rps": count / elapsed,
        "p50": statistics.median(app),
        "p99": _p(app, 0.99),
        "errors": errors,
        "stripe_p50": statistics.median(stripe),
    }


def webhooks(site: str, sandbox: str, secret: str, seconds: float) -> dict[str, float]:
    """Signed events from 8 senders: invoice.paid of real sandbox invoices (the site
    fetches each invoice) and events of types the site ignores, one in two."""
    kit = TestModeStripe("sk_test_sandbox", api_base=sandbox)
    clock = kit.create_test_clock(frozen_time=int(time.time()), name="bench")
    customer = kit.create_customer(
        email="bench@example.org", test_clock=clock.id, payment_method=VISA.payment_method
    )
    product = kit.create_product("Bench").id
    subscription = kit.create_subscription(
        customer=customer.id, product=product, amount_cents=1000, interval="month", metadata={}
    )
    invoice = kit.list_invoices(subscription.id)[0].to_dict(for_json=True)
    ignored = {"id": "cus_bench", "object": "customer"}
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + seconds

    def send(sender: int) -> None:
        http, number = requests.Session(), 0
        while time.monotonic() < deadline:
            number += 1
            kind, obj = ("invoice.paid", invoice) if number % 2 else ("customer.created", ignored)
            body = json.dumps(
                {
                    "id": f"evt_bench_{sender}_{number}",
                    "object": "event",
                    "api_version": "2026-10-28.endive",
                    "created": int(time.time()),
                    "livemode": False,
                    "pending_webhooks": 1,
                    "type": kind,
                    "request": {"id": None, "idempotency_key": None},
                    "data": {"object": obj},
                }
            ).encode()
            started = time.perf_counter()
            response = http.post(
                f"{site}/stripe/webhook/",
                data=body,
                timeout=30,
                headers={
                    "Content-Type": "application/json",
                    "Stripe-Signature": signature_header(body, secret),
                },
            )
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                errors[0] += response.status_code != 200

    threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies),
        "p99": _p(latencies, 0.99),
        "errors": errors[0],
    }


def first_visit(site: str, path: str) -> dict[str, int]:
    """Bytes over the wire for a first visit to the article page: the page and every
    stylesheet, script and icon it names, as a browser asks for them (br, gzip)."""
    http = requests.Session()
    headers = {"Accept-Encoding": "br, gzip"}
    page = http.get(site + path, headers=headers, timeout=10, stream=True)
    sizes = {path: len(page.raw.read())}
    html = requests.get(site + path, timeout=10).text
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
        response = http.get(site + asset, headers=headers, timeout=10, stream=True)
        sizes[asset] = len(response.raw.read())
    return sizes


def _p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", required=True)
    parser.add_argument("--sandbox", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--reference", required=True, help="path of the static reference file")
    parser.add_argument("--article", required=True)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--json", type=Path, default=Path("artifacts/bench.json"))
    args = parser.parse_args()
    targets = {
        "static file (reference)": args.site + args.reference,
        "article page": args.site + args.article,
        "home page": args.site + "/",
        "feed": args.site + "/feed/",
    }
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
    for name, url in targets.items():  # warm up: every worker renders and connects once
        print(f"warm-up: {name}", file=sys.stderr, flush=True)
        wrk(url, 2, 50)
    for number in (1, 2):
        for name, url in targets.items():
            print(f"round {number}: {name}", file=sys.stderr, flush=True)
            rounds[name].append(wrk(url, args.seconds, 50))
    rows = {name: _best(results) for name, results in rounds.items()}
    print("donate POST", file=sys.stderr, flush=True)
    rows["donate POST (server time)"] = donate_posts(args.site, args.article, 200)
    print("webhooks", file=sys.stderr, flush=True)
    rows["webhooks (8 senders)"] = webhooks(args.site, args.sandbox, args.secret, args.seconds)
    reference = rows["static file (reference)"]["rps"]
    for row in rows.values():
        row["ratio"] = row["rps"] / reference
    visit = first_visit(args.site, args.article)
    print(table(rows))
    print(
        f"\nFirst visit to the article page: {sum(visit.values()) / 1024:.1f} KB compressed "
        f"({', '.join(f'{name} {size / 1024:.1f}' for name, size in visit.items())})"
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"rows": rows, "first_visit": visit}, indent=2) + "\n")
    return 0


def _best(results: list[dict[str, float]]) -> dict[str, float]:
    """Both rounds: the mean rate, the worse latencies, all errors."""
    return {
        "rps": statistics.mean(r["rps"] for r in results),
        "p50": max(r["p50"] for r in results),
        "p99": max(r["p99"] for r in results),
        "errors": sum(r["errors"] for r in results),
    }


def table(rows: dict[str, dict[str, float]]) -> str:
    lines = [
        "| target | req/s | p50 ms | p99 ms | errors | ratio to the static file |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in rows.items():
        extra = f" (Stripe {row['stripe_p50']:.1f} ms beside)" if "stripe_p50" in row else ""
        lines.append(
            f"| {name} | {row['rps']:.0f} | {row['p50']:.1f}{extra} | "
            f"{row['p99']:.1f} | {row['errors']:.0f} | {row['ratio']:.2f}× |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
