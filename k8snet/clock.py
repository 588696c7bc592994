"""The simulation clock: the only source of time in k8snet.

Nothing in k8snet reads the wall clock. Timestamps (``creationTimestamp``, condition transition times, event
times), graceful termination and session-affinity timeouts all come from one :class:`SimClock`, so a notebook
prints the same ``AGE`` column and the same rules every time it runs.

The clock sits on the ground floor of the package (beside :mod:`k8snet.errors`), so every layer can be handed
one: the API server's store stamps objects with it, controllers and the dataplane read it, and
:class:`~k8snet.sim.cluster.Cluster` owns the one instance and advances it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from .errors import ConfigError

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
        if not isinstance(start, datetime):
            raise ConfigError(
                f"SimClock(start={start!r}): give a datetime, e.g. datetime(2026, 1, 1, tzinfo=timezone.utc)"
            )
        if start.tzinfo is None:
            start = start.replace(tzinfo=timezone.utc)
        try:
            self._now = start.astimezone(timezone.utc)
        except OverflowError:
            raise ConfigError(f"SimClock(start={start!r}): the instant is outside {_RANGE}") from None
        self.on_advance: list[Callable[[], None]] = []

    def now(self) -> datetime:
        """The current instant (aware UTC datetime)."""
        return self._now

    def advance(self, seconds: float = 0.0, **kwargs: float) -> datetime:
        """Move time forward by ``seconds`` (or ``timedelta`` keyword arguments) and return the new time.

        A keyword naming what the wait is for is accepted for readability, e.g.
        ``clock.advance(terminationGracePeriodSeconds=30)``; every keyword's value is added in seconds unless
        it is a :class:`datetime.timedelta` keyword (``minutes=``, ``hours=``, ``days=``).

        Raises :class:`~k8snet.errors.ConfigError` for a negative, non-numeric, NaN or infinite step, or one
        that would carry the clock past the last instant a timestamp can hold (year 9999); the clock is then
        unchanged.

        >>> SimClock().advance(days=10**7)
        Traceback (most recent call last):
        ...
        k8snet.errors.ConfigError: clock.advance(days=10000000): the simulation clock cannot go past 9999-12-31T23:59:59Z
        """
        shown = ", ".join([*([repr(seconds)] if seconds else []), *(f"{k}={v!r}" for k, v in kwargs.items())])
        try:
            delta = timedelta(seconds=_number(seconds))
            for key, value in kwargs.items():
                if key in ("weeks", "days", "hours", "minutes", "seconds", "milliseconds", "microseconds"):
                    delta += timedelta(**{key: _number(value)})
                else:
                    delta += timedelta(seconds=_number(value))
        except (TypeError, ValueError):
            raise ConfigError(
                f"clock.advance({shown}): a step of time is a finite number (seconds, or days=, hours=, ...)"
            ) from None
        except OverflowError:
            delta = timedelta.max
        if delta < timedelta(0):
            raise ConfigError(f"clock.advance({shown}): the simulation clock cannot go backwards")
        try:
            after = self._now + delta
        except OverflowError:
            raise ConfigError(
                f"clock.advance({shown}): the simulation clock cannot go past 9999-12-31T23:59:59Z"
            ) from None
        self._now = after
        for callback in list(self.on_advance):
            callback()
        return self._now


_RANGE = "years 1-9999"


def _number(value: object) -> float:
    """A finite int or float (bools and strings are refused, as ``timedelta`` would take a bool)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(value)
    return value
