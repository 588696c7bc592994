"""The simulation clock: the only source of time in k8snet.

Nothing in k8snet reads the wall clock. Timestamps (``creationTimestamp``, condition transition times, event
times), graceful termination and session-affinity timeouts all come from one :class:`SimClock`, so a notebook
prints the same ``AGE`` column and the same rules every time it runs.

The clock sits on the ground floor of the package (beside :mod:`k8snet.errors`), so every layer can be handed
one: the API server's store stamps objects with it, controllers and the dataplane read it, and
:class:`~k8snet.sim.cluster.Cluster` owns the one instance and advances it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

__all__ = ["SimClock", "DEFAULT_START"]

#: When a lesson starts, unless told otherwise.
DEFAULT_START = datetime(2026, 1, 1, tzinfo=timezone.utc)


class SimClock:
    """A manual clock.

    Parameters
    ----------
    start : datetime
        The first instant (aware; a naive value is taken as UTC).

    Notes
    -----
    ``on_advance`` holds callables run after every :meth:`advance`; the :class:`~k8snet.sim.cluster.Cluster`
    registers itself there so that pods whose grace period has run out are removed when time passes.

    Examples
    --------
    >>> clock = SimClock()
    >>> clock.now().isoformat()
    '2026-01-01T00:00:00+00:00'
    >>> clock.advance(90).isoformat()
    '2026-01-01T00:01:30+00:00'
    """

    def __init__(self, start: datetime = DEFAULT_START):
        if start.tzinfo is None:
            start = start.replace(tzinfo=timezone.utc)
        self._now = start.astimezone(timezone.utc)
        self.on_advance: list[Callable[[], None]] = []

    def now(self) -> datetime:
        """The current instant (aware UTC datetime)."""
        return self._now

    def advance(self, seconds: float = 0.0, **kwargs: float) -> datetime:
        """Move time forward by ``seconds`` (or ``timedelta`` keyword arguments) and return the new time.

        A keyword naming what the wait is for is accepted for readability, e.g.
        ``clock.advance(terminationGracePeriodSeconds=30)``; every keyword's value is added in seconds unless
        it is a :class:`datetime.timedelta` keyword (``minutes=``, ``hours=``, ``days=``).
        """
        delta = timedelta(seconds=seconds)
        for key, value in kwargs.items():
            if key in ("weeks", "days", "hours", "minutes", "seconds", "milliseconds", "microseconds"):
                delta += timedelta(**{key: value})
            else:
                delta += timedelta(seconds=value)
        if delta < timedelta(0):
            raise ValueError("the simulation clock cannot go backwards")
        self._now = self._now + delta
        for callback in list(self.on_advance):
            callback()
        return self._now
