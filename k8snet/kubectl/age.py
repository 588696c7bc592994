"""Human-readable ages, as kubectl prints them in the AGE column and in ``describe``.

A port of kubernetes/apimachinery ``pkg/util/duration/duration.go`` (``HumanDuration``,
``ShortHumanDuration``) and of ``translateTimestampSince`` in kubernetes/kubernetes
``pkg/printers/internalversion/printers.go``. Time never comes from the wall clock: the caller passes
``now`` (a simulated cluster passes ``cluster.clock.now()``).

>>> human_duration(190)
'3m10s'
>>> human_duration(49 * 3600)
'2d1h'
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

__all__ = ["human_duration", "short_human_duration", "translate_timestamp_since", "parse_time"]

_MINUTE = 60
_HOUR = 3600
_DAY = 24 * _HOUR


def _seconds(d: float | timedelta) -> float:
    return d.total_seconds() if isinstance(d, timedelta) else float(d)


def human_duration(d: float | timedelta) -> str:
    """``duration.HumanDuration``: about two or three significant figures (``7s``, ``3m10s``, ``70m``, ``2d1h``).

    ``d`` is a :class:`~datetime.timedelta` or a number of seconds. Go truncates toward zero when it converts a
    ``time.Duration`` to whole seconds/minutes/hours; so do we. Up to 2 seconds in the future counts as "now"
    (``0s``), further is ``<invalid>``.

    >>> [human_duration(s) for s in (1, 119.999, 120, 599, 600, 3 * 3600 + 60, 8 * 86400 + 23 * 3600)]
    ['1s', '119s', '2m', '9m59s', '10m', '3h1m', '8d']
    >>> human_duration(-2)
    '<invalid>'
    """
    total = _seconds(d)
    seconds = math.trunc(total)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 2 * _MINUTE:
        return f"{seconds}s"
    minutes = math.trunc(total / _MINUTE)
    if minutes < 10:
        s = seconds % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = math.trunc(total / _HOUR)
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def short_human_duration(d: float | timedelta) -> str:
    """``duration.ShortHumanDuration``: one unit only (``59s``, ``1m``, ``23h``, ``1d``, ``1y``).

    >>> short_human_duration(2 * 3600 - 0.001)
    '1h'
    """
    total = _seconds(d)
    seconds = math.trunc(total)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60:
        return f"{seconds}s"
    minutes = math.trunc(total / _MINUTE)
    if minutes < 60:
        return f"{minutes}m"
    hours = math.trunc(total / _HOUR)
    if hours < 24:
        return f"{hours}h"
    if hours < 24 * 365:
        return f"{hours // 24}d"
    return f"{math.trunc(total / _HOUR / 24 / 365)}y"


def parse_time(value: datetime | str | None) -> datetime | None:
    """An aware UTC datetime from a model field or an RFC 3339 string (``2026-01-01T00:00:00Z``)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value


def translate_timestamp_since(timestamp: datetime | str | None, now: datetime | None) -> str:
    """``translateTimestampSince``: ``<unknown>`` for a zero timestamp, else the age at ``now``.

    >>> t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> translate_timestamp_since(t0, t0 + timedelta(seconds=7)), translate_timestamp_since(None, t0)
    ('7s', '<unknown>')
    """
    ts = parse_time(timestamp)
    if ts is None:
        return "<unknown>"
    if now is None:
        raise ValueError("now is required to print an age (pass cluster.clock.now())")
    return human_duration(parse_time(now) - ts)
