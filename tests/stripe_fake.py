"""A loopback HTTP server standing in for api.stripe.com in tests.

It records every request the SDK sends (method, path, headers, form fields)
and answers each from a queue of canned JSON responses per (method, path).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]


@dataclass
class Stall:
    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.released.set()


@dataclass
class FakeStripe:
    requests: list[RecordedRequest] = field(default_factory=list)
    routes: dict[tuple[str, str], list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    url: str = ""
    stalled: dict[tuple[str, str], Stall] = field(default_factory=dict)

    def answer(self, method: str, path: str, body: dict[str, Any], status: int = 200) -> None:
        """Queue a response; the last one queued for a route is repeated. A path with a
        query (`/v1/invoice_payments?invoice=in_1`) answers the requests that have those
        parameters (among others), before the path alone does."""
        self.routes.setdefault((method, path), []).append((status, body))

    def stall(self, method: str, path: str) -> Stall:
        """Hold every request to this route until `release()` (or 30 s): Stripe stalled."""
        stall = self.stalled[(method, path)] = Stall()
        return stall

    def calls(self, method: str, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def _route(self, method: str, path: str, query: str) -> tuple[str, str]:
        asked = set(parse_qsl(query, keep_blank_values=True))
        for route_method, route in self.routes:
            route_path, _, route_query = route.partition("?")
            wanted = set(parse_qsl(route_query, keep_blank_values=True))
            if (route_method, route_path) == (method, path) and wanted and wanted <= asked:
                return route_method, route
        return method, path

    def _respond(self, method: str, path: str, query: str = "") -> tuple[int, dict[str, Any]]:
        queue = self.routes.get(self._route(method, path, query))
        if not queue:
            return 404, {"error": {"type": "invalid_request_error", "message": f"No {path}"}}
        return queue.pop(0) if len(queue) > 1 else queue[0]

    def serve(self) -> tuple[ThreadingHTTPServer, str]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                path, _, query = self.path.partition("?")
                form = dict(parse_qsl(body or query, keep_blank_values=True))
                fake.requests.append(
                    RecordedRequest(self.command, path, dict(self.headers.items()), form)
                )
                stall = fake.stalled.get((self.command, path))
                if stall is not None:
                    stall.arrived.set()
                    stall.released.wait(timeout=30)
                status, payload = fake._respond(self.command, path, query)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        return server, self.url
