"""python -m stripe_sandbox: run the payments sandbox until interrupted."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

from stripe_sandbox.server import SandboxServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stripe_sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111, help="0 picks a free port")
    parser.add_argument(
        "--webhook-url",
        default="http://127.0.0.1:8000/stripe/webhook/",
        help="where signed events are posted ('' to keep them)",
    )
    parser.add_argument(
        "--webhook-secret",
        default=os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
        help="whsec_… used to sign events (default: $STRIPE_WEBHOOK_SECRET)",
    )
    parser.add_argument("--port-file", help="write the port here once listening")
    parser.add_argument(
        "--chaos",
        type=int,
        metavar="SEED",
        help="deliver events as Stripe may: shuffled, some twice, some late (seeded)",
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="[sandbox] %(message)s"
    )
    if args.webhook_url and not args.webhook_secret:
        parser.error("--webhook-secret (or STRIPE_WEBHOOK_SECRET) is needed to sign webhooks")
    server = SandboxServer(args.host, args.port, args.webhook_url, args.webhook_secret)
    server.sandbox.webhooks.misbehave(args.chaos)
    if args.port_file:
        with open(args.port_file, "w") as port_file:
            port_file.write(str(server.server_address[1]))
    logging.info("Stripe sandbox at %s, webhooks to %s", server.url, args.webhook_url or "nowhere")
    stopped = threading.Event()
    # Ctrl-C and SIGTERM both stop it the same way: no KeyboardInterrupt lands in
    # the middle of a wait, which could leave the process hanging on a lock.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    server.start()
    stopped.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
