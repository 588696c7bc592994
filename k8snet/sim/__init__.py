"""Simulation: the :class:`~k8snet.sim.cluster.Cluster` that wires API server, controllers and every node's
kube-proxy, the network between the nodes, packet traces, traffic simulation and what-if questions.

``Cluster`` is imported on first use, so that a trace or simulation over plain objects (``k8snet trace -f``)
does not load the control plane. :class:`~k8snet.clock.SimClock` lives in :mod:`k8snet.clock`, below every
other layer; it is exported here too because a cluster's clock is where most readers meet it.
"""

from __future__ import annotations

import importlib
from typing import Any

from k8snet.clock import SimClock

__all__ = ["Cluster", "SimClock"]

_LAZY = {"Cluster": "k8snet.sim.cluster"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'k8snet.sim' has no attribute {name!r}")
