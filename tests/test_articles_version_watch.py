"""The content version read in the background (articles.version_watch): used while its
read is fresh, never a read answered before this process's own change, and read
again by a thread of its own."""

import pytest

from articles.version_watch import IDLE, VersionWatch
from stripe_testkit.waiting import wait_until


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class Store:
    """The shared cache as another machine sees it."""

    def __init__(self, version="v1"):
        self.version = version
        self.reads = 0
        self.down = False

    def read(self):
        self.reads += 1
        if self.down:
            raise ConnectionError("the cache does not answer")
        return self.version


@pytest.fixture
def clock():
    return Clock()


def test_a_version_is_used_while_its_read_is_fresh_and_not_after(clock):
    store = Store()
    watch = VersionWatch(store.read, every=0.05, clock=clock)
    assert watch.fresh() is None  # nothing read yet: the hit reads it itself
    watch.read_now()
    assert watch.fresh() == "v1"
    clock.now += 0.099
    assert watch.fresh() == "v1"
    store.version = "v2"  # another machine's change
    clock.now += 0.002  # the read is now 0.101 s old: more than twice `every`
    assert watch.fresh() is None
    watch.read_now()
    assert watch.fresh() == "v2"


def test_a_read_answered_before_this_process_wrote_is_dropped(clock):
    def read_crossing_a_write():
        watch.wrote("mine")  # saved here while the read was on its way
        return "old"

    watch = VersionWatch(read_crossing_a_write, every=0.05, clock=clock)
    watch.read_now()
    assert watch.fresh() == "mine"


def test_a_version_this_process_wrote_is_used_at_once(clock):
    watch = VersionWatch(Store().read, every=0.05, clock=clock)
    watch.read_now()
    watch.wrote("v9")
    assert watch.fresh() == "v9"
    watch.forget()  # a write that failed, or settings changed: nothing known is trusted
    assert watch.fresh() is None


def test_a_cache_that_fails_or_lost_the_version_is_read_by_each_hit(clock):
    store = Store()
    watch = VersionWatch(store.read, every=0.05, clock=clock)
    watch.read_now()
    store.down = True
    watch.read_now()
    assert watch.fresh() == "v1"  # read 0 s ago, still within its time
    clock.now += 0.1
    assert watch.fresh() is None  # and no later read confirmed it
    store.down, store.version = False, None  # back, empty (Redis restarted)
    watch.read_now()
    assert watch.fresh() is None  # the hit adds a new version itself


def test_the_thread_reads_another_machines_change_and_stops_when_nobody_asks(clock):
    store = Store()
    watch = VersionWatch(store.read, every=0.01, clock=clock)
    watch.keep_reading()
    wait_until(lambda: watch.fresh() == "v1", 10, "the first read")
    store.version = "v2"
    wait_until(lambda: watch.fresh() == "v2", 10, "the other machine's version")
    clock.now += IDLE  # a minute without a page cache hit asking
    wait_until(lambda: not watch.running, 10, "the thread to stop")
    reads = store.reads
    watch.fresh()  # the next hit asks, and starts it again
    watch.keep_reading()
    wait_until(lambda: store.reads > reads + 2, 10, "reads again")
    clock.now += IDLE
    wait_until(lambda: not watch.running, 10, "the thread to stop again")
