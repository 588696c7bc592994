"""The dataplane: packets through netfilter (iptables rules, conntrack, NAT).

:class:`NetfilterHost` runs ``iptables-save`` text the proxy package writes; it does not import
:mod:`k8snet.proxy` (the two only share the text format in :mod:`k8snet.rules`).
"""

from k8snet.dataplane.conntrack import Conntrack, ConntrackEntry, ManualClock
from k8snet.dataplane.explain import ChainInfo, explain_iptables, render_explanation
from k8snet.dataplane.netfilter import DataplaneError, NetfilterHost, Step, TraceResult
from k8snet.dataplane.packet import Packet

__all__ = [
    "Packet",
    "NetfilterHost",
    "TraceResult",
    "Step",
    "DataplaneError",
    "Conntrack",
    "ConntrackEntry",
    "ManualClock",
    "ChainInfo",
    "explain_iptables",
    "render_explanation",
]
