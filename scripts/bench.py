"""`make bench`: the site as `make serve` runs it, measured against a static file.

Started by scripts/bench (which starts gunicorn with production settings and the
payments sandbox). Two rounds, every target in each, so that each is measured
beside the reference: a static file of the article page's size (the reference,
1.0), the article page, the home page, the feed (each 10 s with wrk at 50
connections), 200 donate POSTs (server time beside the Stripe call, from the
Server-Timing header), and signed webhook events per second for 10 s (a mix of
invoice.paid and types the site ignores, from 1 and from 8 concurrent senders; the site
answers once it has stored each, and the worker's applying them is timed until the queue
is empty, before the next measurement). Then
Lighthouse (npm's, on Debian's Chromium, its default mobile settings) on the article
page: the four category scores and the bytes of CSS the page does not use. Prints one
table and the targets of README's Performance section, and writes it all as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")

from stripe_testkit.cards import VISA
from stripe_testkit.signing import signature_header
from stripe_testkit.testmode import TestModeStripe

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
LUA = Path(__file__).resolve().parent / "bench-webhooks.lua"
TARGETS_MISSED = 3  # exit status when the run worked but a target was not met


def wrk(
    url: str, seconds: int, connections: int, threads: int = 2, script: list[str] | None = None
) -> dict[str, float]:
    """wrk's rate, median and 99th percentile, and errors (non-2xx, socket errors);
    `script` is a Lua script and its arguments."""
    command = ["/usr/bin/wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", script[0], url, "--", *script[1:]]
    else:
        command.append(url)
    out = subprocess.run(  # noqa: S603 - our own arguments
        command, capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    if "EVENTS EXHAUSTED" in out:
        raise RuntimeError(f"wrk ran out of webhook events and sent some twice:\n{out}")
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


def donation_form(session: requests.Session, site: str, path: str, **changes: str) -> dict:
    """The form as a visitor's browser posts it from a page view of its own: its CSRF
    token and its form token (each page view's own, which makes a first submission)."""
    page = session.get(site + path, timeout=10)
    form = {
        name: re.search(rf'name="{name}" value="([^"]+)"', page.text)[1]
        for name in ("csrfmiddlewaretoken", "token")
    }
    form |= {"amount": "2000", "frequency": "one_time"}
    return {**form, "first_name": "Bench", "last_name": "Mark", **changes}


def donate(session: requests.Session, site: str, path: str, form: dict) -> requests.Response:
    return session.post(
        f"{site}{path}donate/",
        data=form,
        headers={"Referer": site + path},
        allow_redirects=False,
        timeout=30,
    )


def donate_posts(site: str, path: str, count: int) -> dict[str, float]:
    """Sequential donate POSTs, each from a page view of its own: the server's own time
    and Stripe's, per POST."""
    http = requests.Session()
    app, stripe, errors, started = [], [], 0, time.monotonic()
    for number in range(count):
        form = donation_form(http, site, path, email=f"bench-{number}@example.org")
        response = donate(http, site, path, form)
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


def monthly_donation_invoice(site: str, path: str, kit: TestModeStripe) -> dict:
    """A monthly donation of 12 made on the site and paid on the sandbox's checkout page,
    once its webhooks are in: the first invoice of its subscription."""
    http = requests.Session()
    form = donation_form(http, site, path, frequency="month", payment_count="12")
    checkout = donate(http, site, path, {**form, "email": "monthly@example.org"})
    if checkout.status_code != 303:
        raise RuntimeError(f"The monthly donation answered {checkout.status_code}")
    session_id = checkout.headers["Location"].rsplit("/", 1)[-1]
    http.post(checkout.headers["Location"], data={"card_number": VISA.number}, timeout=30)
    kit.wait_for_webhooks()
    subscription = kit.retrieve_checkout_session(session_id).subscription
    return kit.list_invoices(subscription)[0].to_dict(for_json=True)


def webhooks(
    site: str, invoice: dict, secret: str, seconds: int, senders: int, run: str
) -> dict[str, float]:
    """Signed events from `senders` connections at once (wrk, each event sent once: ids
    are unique to `run`), one in two an invoice.paid of a donation's subscription (the
    site asks the sandbox for the invoice's payments and checks the payment it recorded),
    the others of a type the site ignores."""
    ignored = {"id": "cus_bench", "object": "customer"}
    with tempfile.NamedTemporaryFile("w", suffix=".events") as events:
        # More than the site takes: 1,000 a second for each of wrk's two threads, twice
        # the most one has sent (bench raises if wrk runs out).
        for number in range(seconds * 2000):
            kind, obj = ("invoice.paid", invoice) if number % 2 else ("customer.created", ignored)
            body = json.dumps(
                {
                    "id": f"evt_bench_{run}_{senders}_{number}",
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
            events.write(f"{signature_header(body, secret)}\t{body.decode()}\n")
        events.flush()
        threads = min(senders, 2)
        script = [str(LUA), events.name, str(threads)]
        result = wrk(f"{site}/stripe/webhook/", seconds, senders, threads=threads, script=script)
    # The site answers once an event is stored; the worker applies it after. What it
    # still has to apply is applied before the next measurement, which it would slow.
    drained = drain_queue()
    return {
        **result,
        "applied_after_s": drained,
        "applied_rps": result["rps"] * seconds / (seconds + drained),
    }


def drain_queue(timeout: float = 900) -> float:
    """Seconds until the worker has run every task that is ready (the site's database,
    from the environment, as the site has it)."""
    import django

    django.setup()
    from jobs.worker import queue_idle

    started = time.monotonic()
    while not queue_idle():
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"the worker did not empty the queue in {timeout} s")
        time.sleep(0.2)
    return time.monotonic() - started


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


CHROMIUM_FLAGS = (  # headless as root, and no calls to Google's servers this machine cannot reach
    "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-sync"
    " --disable-background-networking --disable-component-update"
)


def lighthouse(url: str) -> dict[str, float]:
    """Lighthouse's four scores (0-100) for `url`, and the CSS bytes the page leaves
    unused: each stylesheet's length less the rules Chromium's coverage saw in use."""
    for attempt in (1, 2, 3):
        with tempfile.TemporaryDirectory() as run:
            finished = subprocess.run(  # noqa: S603 - our own arguments
                [
                    str(Path("node_modules/.bin/lighthouse").resolve()),
                    url,
                    "--quiet",
                    f"--chrome-flags={CHROMIUM_FLAGS}",
                    f"-GA={run}",
                    "--output=json",
                    f"--output-path={run}/report.json",
                ],
                stderr=subprocess.PIPE,
                text=True,
                timeout=180,
                env={**os.environ, "CHROME_PATH": os.environ.get("CHROMIUM", "/usr/bin/chromium")},
            )
            # Lighthouse sometimes fails to record Chromium's trace and says to run it again.
            if finished.returncode and "run Lighthouse again" in finished.stderr and attempt < 3:
                print(f"Lighthouse: {finished.stderr.strip()}; again", file=sys.stderr)
                continue
            if finished.returncode:
                raise RuntimeError(f"Lighthouse failed: {finished.stderr.strip()}")
            report = json.loads(Path(run, "report.json").read_text())
            artifacts = json.loads(Path(run, "artifacts.json").read_text())
            break
    scores = {name: round(c["score"] * 100) for name, c in report["categories"].items()}
    css_bytes = sum(len(sheet["content"]) for sheet in artifacts["Stylesheets"])
    used = sum(r["endOffset"] - r["startOffset"] for r in artifacts["CSSUsage"] if r["used"])
    return {**scores, "css_bytes": css_bytes, "unused_css_bytes": css_bytes - used}


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
    parser.add_argument("--article-es", required=True, help="the article's Spanish version")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--json", type=Path, default=Path("artifacts/bench.json"))
    parser.add_argument("--label", default="", help="the database measured, for the report")
    parser.add_argument("--no-lighthouse", dest="lighthouse", action="store_false")
    args = parser.parse_args()
    targets = {
        "static file (reference)": args.site + args.reference,
        "article page": args.site + args.article,
        "article page in Spanish": args.site + args.article_es,
        "article page from a tracked link": args.site + args.article + "?utm_source=newsletter",
        "campaign page (/donate/)": args.site + "/donate/",
        "home page": args.site + "/",
        "feed": args.site + "/feed/",
    }
    for name, url in targets.items():  # warm up: every worker renders and connects once
        print(f"warm-up: {name}", file=sys.stderr, flush=True)
        wrk(url, 2, 50)
    print("warm-up: donate POST", file=sys.stderr, flush=True)
    donate_posts(args.site, args.article, 40)  # every worker's first donation, and Stripe's
    kit = TestModeStripe("sk_test_sandbox", api_base=args.sandbox)
    invoice = monthly_donation_invoice(args.site, args.article, kit)
    # The worker's work from start-up (the catch-up on Stripe's events) and from that
    # donation is done before the first round, which it would slow.
    drain_queue()

    # Every target in each round, so that each is measured beside the reference.
    def page(url: str) -> Callable[[int], dict[str, float]]:
        return lambda _round: wrk(url, args.seconds, 50)

    def events(senders: int) -> Callable[[int], dict[str, float]]:
        return lambda number: webhooks(
            args.site, invoice, args.secret, args.seconds, senders, f"r{number}"
        )

    measures = {name: page(url) for name, url in targets.items()}
    measures["donate POST (server time)"] = lambda _round: donate_posts(
        args.site, args.article, 200
    )
    measures["webhooks (1 sender)"] = events(1)
    measures["webhooks (8 senders)"] = events(8)
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in measures}
    for number in (1, 2):
        for name, measure in measures.items():
            print(f"round {number}: {name}", file=sys.stderr, flush=True)
            rounds[name].append(measure(number))
            print(f"  {rounds[name][-1]['rps']:.0f}/s", file=sys.stderr, flush=True)
    rows = {name: _best(results) for name, results in rounds.items()}
    reference = rows["static file (reference)"]["rps"]
    for row in rows.values():
        row["ratio"] = row["rps"] / reference
    visit = first_visit(args.site, args.article)
    audit: dict[str, float] = {}
    if args.lighthouse:
        print("Lighthouse", file=sys.stderr, flush=True)
        audit = lighthouse(args.site + args.article)
    print(f"\n## {args.label or 'the site'}\n\n" + table(rows))
    print(
        "\nWebhook events answered, then applied by the worker: "
        + "; ".join(
            f"{senders}: the last applied {row['applied_after_s']:.1f} s after the last answer, "
            f"{row['applied_rps']:.0f} events/s from the first answer to the last applied"
            for senders, row in rows.items()
            if "applied_rps" in row
        )
    )
    print(
        f"\nFirst visit to the article page: {sum(visit.values()) / 1024:.1f} KB compressed "
        f"({', '.join(f'{name} {size / 1024:.1f}' for name, size in visit.items())})"
    )
    if audit:
        print(
            f"Lighthouse, article page: performance {audit['performance']}, accessibility "
            f"{audit['accessibility']}, best practices {audit['best-practices']}, SEO "
            f"{audit['seo']}; unused CSS {audit['unused_css_bytes'] / 1024:.1f} KB "
            f"of {audit['css_bytes'] / 1024:.1f} KB"
        )
    met = targets_met(rows, visit, audit)
    print(
        "\nTargets:\n" + "\n".join(f"  [{'x' if ok else ' '}] {name}" for name, ok in met.items())
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "rows": rows,
        "rounds": rounds,
        "first_visit": visit,
        "lighthouse": audit,
        "database": args.label,
        "targets": met,
    }
    args.json.write_text(json.dumps(document, indent=2) + "\n")
    return 0 if all(met.values()) else TARGETS_MISSED


def targets_met(rows: dict, visit: dict[str, int], audit: dict[str, float]) -> dict[str, bool]:
    """README's Performance targets, each met or not in this run."""
    article, webhooks = rows["article page"], rows["webhooks (8 senders)"]
    alone, static = rows["webhooks (1 sender)"], rows["static file (reference)"]
    spanish = rows["article page in Spanish"]
    met = {
        "article page >= 0.8x the static file, p99 <= 1.2x the static file's": (
            article["ratio"] >= 0.8 and article["p99"] <= 1.2 * static["p99"]
        ),
        "article page in Spanish: the same": (
            spanish["ratio"] >= 0.8 and spanish["p99"] <= 1.2 * static["p99"]
        ),
        "home page >= 0.9x the static file": rows["home page"]["ratio"] >= 0.9,
        "feed >= 0.5x the static file": rows["feed"]["ratio"] >= 0.5,
        "a tracked link's and /donate/ >= 0.9x the article page's rate": all(
            rows[name]["rps"] >= 0.9 * article["rps"]
            for name in ("article page from a tracked link", "campaign page (/donate/)")
        ),
        "webhooks (8 senders) >= 0.25x the static file's rate": webhooks["ratio"] >= 0.25,
        "webhooks: 8 senders no slower than 1": webhooks["rps"] >= alone["rps"],
        "donate POST <= 8 ms beside Stripe": rows["donate POST (server time)"]["p50"] <= 8,
        "first visit <= 40 KB compressed": sum(visit.values()) <= 40 * 1024,
    }
    if audit:
        met["Lighthouse 100 in all four categories"] = all(
            audit[name] == 100 for name in ("performance", "accessibility", "best-practices", "seo")
        )
        met["unused CSS <= 20 KB"] = audit["unused_css_bytes"] <= 20 * 1024
    return met


def _best(results: list[dict[str, float]]) -> dict[str, float]:
    """Both rounds: the mean rate, all errors, the worse of each latency."""
    row = {
        **{
            k: statistics.mean(r[k] for r in results)
            for k in ("rps", "applied_rps")
            if k in results[0]
        },
        "errors": sum(r["errors"] for r in results),
    }
    return {**row, **{k: max(r[k] for r in results) for k in results[0] if k not in row}}


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
