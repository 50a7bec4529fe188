"""A function run in several threads at once, as concurrent requests or workers run."""

import threading
from collections.abc import Callable

from django.db import connection


def at_once(function: Callable[[], object], count: int) -> None:
    """Call `function` in `count` threads released together, each closing its own
    database connection, and wait for all of them."""
    start = threading.Barrier(count)

    def run() -> None:
        try:
            start.wait()
            function()
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
