"""Simulation: the clock, the :class:`~k8snet.sim.cluster.Cluster` that wires API server and controllers,
the network graph, packet traces and traffic simulation.

Imports are lazy so that lower layers (the API server's store) can import :mod:`k8snet.sim.clock` without
pulling in the whole cluster.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Cluster", "SimClock"]

_LAZY = {"Cluster": "k8snet.sim.cluster", "SimClock": "k8snet.sim.clock"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'k8snet.sim' has no attribute {name!r}")
