"""The sandbox's HTTP server: Stripe's API under /v1, the checkout page under /c/pay."""

from __future__ import annotations

import json
import logging
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from stripe_sandbox import checkout, portal
from stripe_sandbox.api import Sandbox
from stripe_sandbox.formdata import FormError, decode
from stripe_sandbox.page import checkout_page
from stripe_sandbox.store import StripeError

logger = logging.getLogger("stripe_sandbox")


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, webhook_url: str, webhook_secret: str) -> None:
        super().__init__((host, port), Handler)
        self.sandbox = Sandbox(
            base_url=f"http://{host}:{self.server_address[1]}",
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
        )
        self.running = threading.Event()
        self.running.set()

    def pause(self) -> None:
        """Stall every API request (as a slow or unreachable Stripe) until resume()."""
        self.running.clear()

    def resume(self) -> None:
        self.running.set()

    @property
    def url(self) -> str:
        return self.sandbox.base_url

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that stopped waiting (its read timeout, while the sandbox was paused)
        is no error of the sandbox's: logged in one line, not as a traceback."""
        error = sys.exc_info()[1]
        if isinstance(error, (BrokenPipeError, ConnectionResetError)):
            logger.info("%s went away before its answer: %s", client_address, error)
            return
        super().handle_error(request, client_address)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.resume()
        self.shutdown()
        self.server_close()
        self.sandbox.webhooks.stop()


class Handler(BaseHTTPRequestHandler):
    server: SandboxServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        if parts.path.startswith("/c/pay/"):
            return self._checkout_page(parts.path.removeprefix("/c/pay/"), body)
        if parts.path.startswith("/p/session/"):
            return self._portal_page(parts.path.removeprefix("/p/session/"), body)
        self.server.running.wait(timeout=120)
        headers: dict[str, str] = {}
        try:
            self._authenticate()
            params = decode(body if self.command == "POST" else parts.query)
            status, payload, headers = self.server.sandbox.handle(
                self.command, parts.path, params, self.headers.get("Idempotency-Key")
            )
        except FormError as error:
            status, payload = (
                400,
                {
                    "error": {
                        "type": "invalid_request_error",
                        "message": str(error),
                        "param": error.param,
                    }
                },
            )
        except StripeError as error:
            status, payload = error.status, {"error": error.body}
        except (KeyError, ValueError, TypeError) as error:
            status, payload = (
                400,
                {
                    "error": {
                        "type": "invalid_request_error",
                        "message": f"Invalid request: {error!r}",
                    }
                },
            )
        self._send(status, json.dumps(payload).encode(), "application/json", headers)

    def _authenticate(self) -> None:
        token = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not token:
            raise StripeError("You did not provide an API key.", status=401)
        if not token.startswith(("sk_test_", "rk_test_")):
            raise StripeError(
                "The payments sandbox only accepts test-mode keys (sk_test_…).", status=401
            )

    def _checkout_page(self, session_id: str, body: str) -> None:
        sandbox = self.server.sandbox
        try:
            with sandbox.store.lock:
                session = sandbox.store.get(session_id, "checkout.session")
        except StripeError:
            return self._send(404, b"<h1>No such checkout session</h1>", "text/html")
        if self.command != "POST":
            return self._send(200, checkout_page(session).encode(), "text/html")
        form = dict(parse_qsl(body))
        card = form.get("card_number", "")
        try:
            with sandbox.store.lock:
                paid = checkout.pay_session(sandbox, session_id, card, form.get("name", ""))
        except StripeError as error:
            page = checkout_page(session, error=str(error), card_number=card)
            return self._send(402, page.encode(), "text/html")
        self._redirect(paid["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id))

    def _portal_page(self, session_id: str, body: str) -> None:
        sandbox = self.server.sandbox
        try:
            with sandbox.store.lock:
                session = sandbox.store.get(session_id, portal.PORTAL)
        except StripeError:
            return self._send(404, b"<h1>No such portal session</h1>", "text/html")
        if self.command != "POST":
            return self._send(200, portal.portal_page(session).encode(), "text/html")
        card = dict(parse_qsl(body)).get("card_number", "")
        try:
            with sandbox.store.lock:
                portal.update_card(sandbox, session_id, card)
        except StripeError as error:
            return self._send(402, portal.portal_page(session, str(error)).encode(), "text/html")
        self._redirect(session["return_url"] or "/")

    def _redirect(self, location: str) -> None:
        self.send_response(303)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(
        self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Stripe-Version", "sandbox")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
