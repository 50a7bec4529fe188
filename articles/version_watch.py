"""The page cache's content version as this process last read it, read again in the
background, so that a page cache hit need not ask the shared cache (Redis) for it.

Asking Redis on every hit was half of a hit's time (measured in process, before this
watch and the changes beside it: an article page hit 427 µs on Redis, 212 µs on SQLite's
database cache, where the version is read again only when the database changed). A
thread of each process reads it again every `every` seconds instead, and a hit uses
what was read while that read is fresh: started less than twice `every` ago. So:

- a change saved in this process is on its pages at once (`wrote`: the version it
  wrote is the one known, and a read started before it is dropped);
- a change saved on another machine is on this one's pages within 2 × `every`;
- when the thread cannot read the version (the cache is down or slow) or finds none,
  what it knew goes stale and every hit reads the version itself, as before.

The thread stops after IDLE seconds without a hit asking, and starts again with the
next one (the hit itself reads the version meanwhile).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)
IDLE = 60.0


class VersionWatch:
    def __init__(
        self,
        read: Callable[[], str | None],
        *,
        every: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read = read
        self.every = every
        self._clock = clock
        self._known: tuple[float, str] | None = None  # (when its read started, version)
        self._writes = 0  # versions this process wrote
        self._asked = clock()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._failing = False

    def fresh(self) -> str | None:
        """The version, if it was read less than 2 × `every` ago; else None (the caller
        reads it, and calls `keep_reading`)."""
        now = self._asked = self._clock()
        known = self._known
        if known is not None and now - known[0] < 2 * self.every:
            return known[1]
        return None

    def wrote(self, version: str | None) -> None:
        """This process set the version (None: it failed to, and what was read before
        may be stale)."""
        with self._lock:
            self._writes += 1
            self._known = None if version is None else (self._clock(), version)

    def forget(self) -> None:
        self.wrote(None)

    def read_now(self) -> None:
        """One read; what it found replaces what was known, unless this process wrote a
        version meanwhile (the read may have been answered before that write)."""
        started, writes = self._clock(), self._writes
        try:
            version = self._read()
        except Exception:
            if not self._failing:
                logger.warning("Page cache: the content version could not be read", exc_info=True)
            self._failing = True
            return
        self._failing = False
        with self._lock:
            if writes == self._writes:
                self._known = None if version is None else (started, version)

    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def keep_reading(self) -> None:
        """Start the thread that reads the version every `every` seconds, unless it runs."""
        with self._lock:
            if self.running:
                return
            self._thread = threading.Thread(target=self._run, name="content-version", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while self._clock() - self._asked < IDLE:
            self.read_now()
            time.sleep(self.every)
