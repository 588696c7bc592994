"""Work queues: what a controller must reconcile, by key (client-go ``util/workqueue``).

An informer's event handler does not reconcile anything itself: it puts the key of the object to reconcile on
the controller's queue, and the controller's ``sync(key)`` reconciles that one object later, from the cache. The
queue guarantees what makes this safe, as upstream's ``queue.go`` does:

* a key is queued at most once however many events name it (``dirty`` set), so ten pod updates of one
  Service cost one EndpointSlice sync;
* a key being processed is not handed out again until :meth:`Queue.done`; an ``add`` meanwhile re-queues it then.

:class:`DelayingQueue` adds ``AddAfter`` (``delaying_queue.go``) on the simulation clock: the key is queued once
:meth:`DelayingQueue.tick` sees the clock at or past its time. :class:`RateLimitingQueue` adds ``AddRateLimited``,
``Forget`` and ``NumRequeues`` (``rate_limiting_queue.go``) with an :class:`ItemExponentialFailureRateLimiter`
(``default_rate_limiters.go``: ``base * 2^failures``, capped).

Simplifications: one thread runs everything, so :meth:`Queue.drain` hands out every queued key at once, sorted
(the order of ``kubectl get``), instead of workers taking keys first-in first-out concurrently; that keeps the
order of writes, and so generated names and uids, reproducible. ``DefaultControllerRateLimiter`` is the
exponential limiter alone: its token bucket (10 qps, burst 100) never delays at simulated speed.

Example
-------
>>> from k8snet.clock import SimClock
>>> clock = SimClock()
>>> q = RateLimitingQueue(clock)
>>> for key in ("b", "a", "b"):
...     q.add(key)
>>> len(q), q.drain()
(2, ['a', 'b'])
>>> q.add("a")          # added while "a" is processing: queued again once done
>>> len(q), q.done("a"), len(q)
(0, None, 1)
>>> q.done("b"); q.drain(); q.done("a")
['a']
>>> q.add_rate_limited("a"); q.when_next()   # first failure: 5 ms later
datetime.datetime(2026, 1, 1, 0, 0, 0, 5000, tzinfo=datetime.timezone.utc)
>>> _ = clock.advance(0.005); q.tick(); len(q)
1
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from typing import Any

__all__ = ["Queue", "DelayingQueue", "RateLimitingQueue", "ItemExponentialFailureRateLimiter"]


class Queue:
    """``workqueue.Type``: a deduplicating FIFO with processing/dirty bookkeeping."""

    def __init__(self) -> None:
        self._queue: deque[Hashable] = deque()
        self._dirty: set[Hashable] = set()
        self._processing: set[Hashable] = set()

    def __len__(self) -> int:
        return len(self._queue)

    def add(self, item: Hashable) -> None:
        """``Add``: queue ``item`` unless it is queued already; if it is being processed, queue it when done."""
        if item in self._dirty:
            return
        self._dirty.add(item)
        if item in self._processing:
            return
        self._queue.append(item)

    def get(self) -> Hashable | None:
        """``Get``: the oldest queued item, now processing; None when the queue is empty (never blocks)."""
        if not self._queue:
            return None
        item = self._queue.popleft()
        self._processing.add(item)
        self._dirty.discard(item)
        return item

    def drain(self, key: Callable[[Any], Any] | None = None) -> list[Any]:
        """Every queued item at once, sorted (by ``key``), each now processing: call :meth:`done` for each."""
        items: list[Any] = sorted(self._queue, key=key)
        self._queue.clear()
        self._processing.update(items)
        self._dirty.difference_update(items)
        return items

    def done(self, item: Hashable) -> None:
        """``Done``: processing of ``item`` ended; an ``add`` that came meanwhile queues it now."""
        self._processing.discard(item)
        if item in self._dirty:
            self._queue.append(item)


class DelayingQueue(Queue):
    """``workqueue.DelayingInterface`` on the simulation clock: ``add_after`` queues an item later."""

    def __init__(self, clock: Any):
        super().__init__()
        self.clock = clock
        self._waiting: list[tuple[datetime, int, Hashable]] = []
        self._seq = itertools.count()
        self._ready_at: dict[Hashable, datetime] = {}

    def add_after(self, item: Hashable, seconds: float) -> None:
        """``AddAfter``: queue ``item`` once the clock reaches now + ``seconds`` (at once if not positive). An
        item already waiting keeps the earlier of its two times."""
        if seconds <= 0:
            self.add(item)
            return
        when = self.clock.now() + timedelta(seconds=seconds)
        prev = self._ready_at.get(item)
        if prev is not None and prev <= when:
            return
        self._ready_at[item] = when
        heapq.heappush(self._waiting, (when, next(self._seq), item))

    def tick(self) -> None:
        """Queue every waiting item whose time has come (the clock is read now)."""
        now = self.clock.now()
        while self._waiting and self._waiting[0][0] <= now:
            when, _, item = heapq.heappop(self._waiting)
            if self._ready_at.get(item) == when:
                del self._ready_at[item]
                self.add(item)

    def when_next(self) -> datetime | None:
        """When the next waiting item becomes ready, or None."""
        while self._waiting and self._ready_at.get(self._waiting[0][2]) != self._waiting[0][0]:
            heapq.heappop(self._waiting)
        return self._waiting[0][0] if self._waiting else None


class ItemExponentialFailureRateLimiter:
    """``workqueue.ItemExponentialFailureRateLimiter``: ``base * 2^(failures so far)``, at most ``max_delay``.

    >>> rl = ItemExponentialFailureRateLimiter(5.0, 300.0)
    >>> [rl.when("k") for _ in range(8)]
    [5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 300.0, 300.0]
    """

    def __init__(self, base_delay: float = 0.005, max_delay: float = 1000.0):
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.failures: dict[Hashable, int] = {}

    def when(self, item: Hashable) -> float:
        exp = self.failures.get(item, 0)
        self.failures[item] = exp + 1
        # upstream returns maxDelay once base * 2^exp would overflow an int64 of nanoseconds
        if exp >= 64:
            return self.max_delay
        return min(self.base_delay * (2.0**exp), self.max_delay)

    def forget(self, item: Hashable) -> None:
        self.failures.pop(item, None)

    def num_requeues(self, item: Hashable) -> int:
        return self.failures.get(item, 0)


class RateLimitingQueue(DelayingQueue):
    """``workqueue.RateLimitingInterface``: ``add_rate_limited`` waits as long as the limiter says.

    The default limiter is ``DefaultControllerRateLimiter``'s exponential part (5 ms doubling up to 1000 s).
    """

    def __init__(self, clock: Any, rate_limiter: ItemExponentialFailureRateLimiter | None = None):
        super().__init__(clock)
        self.rate_limiter = rate_limiter or ItemExponentialFailureRateLimiter()

    def add_rate_limited(self, item: Hashable) -> None:
        """``AddRateLimited``: queue ``item`` after the limiter's delay for it."""
        self.add_after(item, self.rate_limiter.when(item))

    def forget(self, item: Hashable) -> None:
        """``Forget``: the item succeeded; its failure count starts again."""
        self.rate_limiter.forget(item)

    def num_requeues(self, item: Hashable) -> int:
        return self.rate_limiter.num_requeues(item)
