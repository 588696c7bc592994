"""kube-proxy v1.34: Services + EndpointSlices + settings in, rule text out -- at once, or event by event.

Layout follows kubernetes/kubernetes ``pkg/proxy``: :mod:`~k8snet.proxy.config` (the proxier's settings),
:mod:`~k8snet.proxy.serviceport` (``serviceport.go``: the per-node view of one Service port),
:mod:`~k8snet.proxy.endpoints` (``endpointslicecache.go``: endpoints per Service port, and the slice cache),
:mod:`~k8snet.proxy.changetracker` (``servicechangetracker.go``, ``endpointschangetracker.go``: events in, the
changed Services out), :mod:`~k8snet.proxy.proxier` (the ``proxy.Provider`` handlers and full-sync bookkeeping
every mode shares), :mod:`~k8snet.proxy.topology` (``topology.go``: ``CategorizeEndpoints``, shared by every
mode), one module per mode (:mod:`~k8snet.proxy.iptables`, :mod:`~k8snet.proxy.ipvs`,
:mod:`~k8snet.proxy.nftables`: a pure renderer of one full sync, and a proxier that syncs over time, partially
where upstream does) and :mod:`~k8snet.proxy.healthcheck` (the health servers load balancers probe). Nothing
here talks to an API server: objects are rendered as given, without defaulting or validation.

:mod:`~k8snet.proxy.modes` puts the modes behind one contract (``proxy.Provider`` in ``pkg/proxy/types.go``):
:data:`PROXY_MODES` renders a node's rules in any mode and builds the node's dataplane executor from them, so
the simulator picks a mode by name without knowing how it works. :mod:`~k8snet.proxy.metaproxier` is the
dual-stack kube-proxy (``pkg/proxy/metaproxier``): one proxier per IP family, and a node's rules per family.
:mod:`~k8snet.proxy.cli` is
``k8snet kube-proxy`` and :func:`~k8snet.proxy.cli.add_kube_proxy_flags` gives any command kube-proxy's flags.

>>> sorted(PROXY_MODES)
['iptables', 'ipvs', 'nftables']
"""

from k8snet.proxy.config import ProxierSettings
from k8snet.proxy.iptables import IPTablesProxier, base_jump_rules, chain_owners, render_iptables
from k8snet.proxy.ipvs import IPVSProxier, render_ipvs
from k8snet.proxy.metaproxier import MetaProxier, new_dual_stack_proxier, render_families
from k8snet.proxy.modes import PROXY_MODES, ProxyMode, available_modes, proxy_mode

__all__ = [
    "ProxierSettings",
    "render_iptables",
    "render_ipvs",
    "render_nftables",
    "render_nftables_listing",
    "NftablesProxier",
    "IPTablesProxier",
    "IPVSProxier",
    "chain_owners",
    "base_jump_rules",
    "ProxyMode",
    "MetaProxier",
    "new_dual_stack_proxier",
    "render_families",
    "PROXY_MODES",
    "proxy_mode",
    "available_modes",
]


def __getattr__(name: str):
    # nftables mode is imported on first use (its module is large and most lessons start in iptables mode)
    if name in ("render_nftables", "render_nftables_listing", "NftablesProxier"):
        from k8snet.proxy import nftables

        return getattr(nftables, name)
    raise AttributeError(f"module 'k8snet.proxy' has no attribute {name!r}")
