"""Mail servers on loopback for the tests: a real one (aiosmtpd) and one that accepts
connections and never answers (a mail server stalled)."""

from __future__ import annotations

import contextlib
import socket
import threading

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.received = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        self.received.set()
        return "250 OK"


def real_server(port: int) -> tuple[Inbox, Controller]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return inbox, controller


class StalledServer:
    """Accepts connections on `port` and never says a word (not even its greeting)."""

    def __init__(self, port: int) -> None:
        self.socket = socket.create_server(("127.0.0.1", port))
        self.connections: list[socket.socket] = []
        self.connected = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        try:
            while True:
                conn, _ = self.socket.accept()
                self.connections.append(conn)
                self.connected.set()
        except OSError:
            return  # closed

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.socket.shutdown(socket.SHUT_RDWR)  # wakes the accept() up
        self.socket.close()
        self.thread.join(timeout=5)
        for conn in self.connections:
            conn.close()
