"""kube-proxy v1.34 as pure functions: Services + EndpointSlices + settings in, rule text out.

Layout follows kubernetes/kubernetes ``pkg/proxy``: :mod:`~k8snet.proxy.config` (the proxier's settings),
:mod:`~k8snet.proxy.serviceport` (``serviceport.go``: the per-node view of one Service port),
:mod:`~k8snet.proxy.endpoints` (``endpointslicecache.go``: endpoints per Service port),
:mod:`~k8snet.proxy.topology` (``topology.go``: ``CategorizeEndpoints``, shared by every mode) and one
renderer per mode (:mod:`~k8snet.proxy.iptables`). Nothing here talks to an API server: objects are rendered
as given, without defaulting or validation.
"""

from k8snet.proxy.config import ProxierSettings
from k8snet.proxy.iptables import chain_owners, render_iptables
from k8snet.proxy.ipvs import render_ipvs

__all__ = [
    "ProxierSettings",
    "render_iptables",
    "render_ipvs",
    "render_nftables",
    "render_nftables_listing",
    "NftablesProxier",
    "chain_owners",
]


def __getattr__(name: str):
    # nftables mode is imported on first use (its module is large and most lessons start in iptables mode)
    if name in ("render_nftables", "render_nftables_listing", "NftablesProxier"):
        from k8snet.proxy import nftables

        return getattr(nftables, name)
    raise AttributeError(f"module 'k8snet.proxy' has no attribute {name!r}")
