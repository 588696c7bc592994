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

__all__ = ["ProxierSettings", "render_iptables", "chain_owners"]
