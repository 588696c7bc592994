"""Work queues (k8snet.controllers.workqueue).

Cases transcribed from kubernetes/kubernetes staging/src/k8s.io/client-go/util/workqueue: queue_test.go (TestLen,
TestReinsert, adding while processing), delaying_queue_test.go (TestSimpleQueue, TestDeduping, TestAddTwoFireEarly,
TestCopyShifting; the fake clock is our SimClock) and default_rate_limiters_test.go
(TestItemExponentialFailureRateLimiter, ...OverFlow).
"""

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from k8snet.clock import SimClock
from k8snet.controllers.workqueue import (
    DelayingQueue,
    ItemExponentialFailureRateLimiter,
    Queue,
    RateLimitingQueue,
)


def test_len():
    # queue_test.go TestLen
    q = Queue()
    q.add("foo")
    assert len(q) == 1
    q.add("bar")
    assert len(q) == 2
    q.add("foo")  # already queued
    assert len(q) == 2


def test_reinsert():
    # queue_test.go TestReinsert: an item added while it is processing comes back once done
    q = Queue()
    q.add("foo")
    item = q.get()
    assert item == "foo"
    q.add(item)
    assert len(q) == 0  # not handed out twice at once
    q.done(item)
    assert q.get() == "foo"
    q.done("foo")
    assert len(q) == 0 and q.get() is None


def test_fifo_and_drain_sorted():
    q = Queue()
    for item in ("c", "a", "b", "a"):
        q.add(item)
    assert q.get() == "c"  # first in, first out
    q.done("c")
    assert q.drain() == ["a", "b"]
    q.add("a")  # while processing: waits for done
    assert len(q) == 0
    q.done("a")
    q.done("b")
    assert q.drain(key=lambda k: -ord(k)) == ["a"]


def test_simple_delaying_queue():
    # delaying_queue_test.go TestSimpleQueue
    clock = SimClock()
    q = DelayingQueue(clock)
    q.add_after("foo", 0.050)
    q.tick()
    assert len(q) == 0
    clock.advance(0.060)
    q.tick()
    assert len(q) == 1
    q.done(q.get())
    clock.advance(10)
    q.tick()
    assert len(q) == 0


def test_delaying_queue_dedupes_to_the_earlier_time():
    # delaying_queue_test.go TestDeduping
    clock = SimClock()
    q = DelayingQueue(clock)
    q.add_after("foo", 0.050)
    q.add_after("foo", 0.070)
    clock.advance(0.060)
    q.tick()
    assert len(q) == 1
    q.done(q.get())
    clock.advance(0.020)  # past the second add: it was merged into the first
    q.tick()
    assert len(q) == 0
    q.add_after("foo", 0.050)
    q.add_after("foo", 0.030)  # the earlier overrides
    clock.advance(0.040)
    q.tick()
    assert len(q) == 1
    q.done(q.get())
    clock.advance(0.020)
    q.tick()
    assert len(q) == 0


def test_add_two_fire_early():
    # delaying_queue_test.go TestAddTwoFireEarly
    clock = SimClock()
    q = DelayingQueue(clock)
    q.add_after("foo", 1)
    q.add_after("bar", 0.050)
    clock.advance(0.060)
    q.tick()
    assert q.get() == "bar"
    q.add_after("baz", 2)
    clock.advance(1)
    q.tick()
    assert q.get() == "foo"
    clock.advance(2)
    q.tick()
    assert q.get() == "baz"


def test_copy_shifting():
    # delaying_queue_test.go TestCopyShifting: ready items are queued in the order their time came
    clock = SimClock()
    q = DelayingQueue(clock)
    q.add_after("foo", 1)
    q.add_after("bar", 0.5)
    q.add_after("baz", 0.25)
    assert q.when_next() == clock.now() + timedelta(seconds=0.25)
    clock.advance(2)
    q.tick()
    assert [q.get(), q.get(), q.get()] == ["baz", "bar", "foo"]


def test_item_exponential_failure_rate_limiter():
    # default_rate_limiters_test.go TestItemExponentialFailureRateLimiter (1 ms base, 1 s max)
    limiter = ItemExponentialFailureRateLimiter(0.001, 1)
    assert [limiter.when("one") for _ in range(5)] == [0.001, 0.002, 0.004, 0.008, 0.016]
    assert limiter.num_requeues("one") == 5
    assert [limiter.when("two") for _ in range(2)] == [0.001, 0.002]
    assert limiter.num_requeues("two") == 2
    limiter.forget("one")
    assert limiter.num_requeues("one") == 0
    assert limiter.when("one") == 0.001


def test_item_exponential_failure_rate_limiter_overflow():
    # default_rate_limiters_test.go TestItemExponentialFailureRateLimiterOverFlow
    limiter = ItemExponentialFailureRateLimiter(0.001, 1000)
    for _ in range(5):
        limiter.when("one")
    assert limiter.when("one") == 0.032
    for _ in range(1000):
        limiter.when("overflow1")
    assert limiter.when("overflow1") == 1000
    limiter = ItemExponentialFailureRateLimiter(60, 1000 * 3600)
    for _ in range(2):
        limiter.when("two")
    assert limiter.when("two") == 240
    for _ in range(1000):
        limiter.when("overflow2")
    assert limiter.when("overflow2") == 1000 * 3600


def test_rate_limited_requeue_waits_on_the_clock():
    clock = SimClock()
    q = RateLimitingQueue(clock, ItemExponentialFailureRateLimiter(5, 300))
    q.add_rate_limited("svc")
    q.tick()
    assert len(q) == 0 and q.num_requeues("svc") == 1
    clock.advance(4.999)
    q.tick()
    assert len(q) == 0
    clock.advance(0.001)
    q.tick()
    assert q.drain() == ["svc"]
    q.done("svc")
    q.add_rate_limited("svc")  # second failure: 10 s
    clock.advance(9)
    q.tick()
    assert len(q) == 0
    q.forget("svc")
    assert q.num_requeues("svc") == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["add", "get", "done", "drain"]), st.integers(0, 4)), max_size=40))
def test_queue_invariants(ops):
    # every key is queued at most once and never handed out while it is being processed
    q = Queue()
    processing: set[int] = set()
    for op, key in ops:
        if op == "add":
            q.add(key)
        elif op == "get":
            item = q.get()
            if item is not None:
                assert item not in processing
                processing.add(item)
        elif op == "done" and key in processing:
            processing.discard(key)
            q.done(key)
        elif op == "drain":
            items = q.drain()
            assert not set(items) & processing
            assert items == sorted(set(items))
            processing.update(items)
        assert len(q._queue) == len(set(q._queue))
        assert not set(q._queue) & processing
