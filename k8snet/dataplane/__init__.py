"""The dataplane: packets through netfilter (iptables rules, conntrack, NAT), nftables and IPVS.

:class:`NetfilterHost` runs ``iptables-save`` text, :class:`NftHost` an nftables ruleset and :class:`IPVSHost`
IPVS virtual servers plus IPVS mode's iptables rules — the text the proxy package writes, or a real node's dump.
:class:`IPTables` and :class:`NFTables` are the node's rules as they change: ``iptables-restore --noflush`` and
``nft -f`` transactions applied with the kernel's rules, which a host built on them follows.
The dataplane does not import :mod:`k8snet.proxy` (the two only share the text formats in :mod:`k8snet.rules`).
"""

from k8snet.dataplane.conntrack import Conntrack, ConntrackEntry, ManualClock
from k8snet.dataplane.explain import ChainInfo, explain_iptables, render_explanation
from k8snet.dataplane.ipvs import IPVSHost, IPVSTraceResult
from k8snet.dataplane.netfilter import (
    DataplaneError,
    IPTables,
    IptablesRestoreError,
    NetfilterHost,
    Step,
    TraceResult,
)
from k8snet.dataplane.nft import NFTables, NftHost, NftTransactionError
from k8snet.dataplane.packet import Packet

__all__ = [
    "Packet",
    "NetfilterHost",
    "NftHost",
    "IPTables",
    "IptablesRestoreError",
    "NFTables",
    "NftTransactionError",
    "IPVSHost",
    "IPVSTraceResult",
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
