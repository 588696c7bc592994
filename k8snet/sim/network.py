"""The cluster's network as a graph: nodes, pod interfaces, the node network, load balancers, external clients.

Routing, tracing and the diagrams all read this one :class:`networkx.Graph`. It models what a kind cluster's
flat pod network gives (every node routes each other node's pod CIDR to that node's IP, as kindnet's routes
do): a packet for a pod IP goes to the node whose ``spec.podCIDR`` contains it, then over that node's veth to the
pod. Addresses that belong to nothing in the cluster are "external"; they are reached through the gateway.

A dual-stack cluster is the same graph with more addresses: a node's InternalIPs of both families, its
``spec.podCIDRs`` (one per family) and each pod's ``status.podIPs`` all lead to the same vertices, so a packet of
either family is routed the same way.

Simplifications: one flat L2 node network (no overlay, no encapsulation, MTU ignored); IPv4 and IPv6 share it
(no separate IPv6 routing, no neighbour discovery).

>>> from k8snet.api.core_v1 import Node, Pod
>>> n = Node(metadata={"name": "n1"}, spec={"podCIDR": "10.244.0.0/24"},
...          status={"addresses": [{"type": "InternalIP", "address": "172.18.0.2"}]})
>>> p = Pod(metadata={"name": "web", "namespace": "default"}, spec={"containers": [{"name": "c"}], "nodeName": "n1"},
...         status={"podIP": "10.244.0.5"})
>>> net = Network.build([n], [p])
>>> net.owner("10.244.0.5"), net.owner("172.18.0.2"), net.owner("8.8.8.8")
(('pod', 'default/web'), ('node', 'n1'), ('external', '8.8.8.8'))
>>> net.route("10.244.0.5")
('node', 'n1')
>>> [v for v in net.path(("external", "203.0.113.7"), ("pod", "default/web"))]
[('external', '203.0.113.7'), ('network', 'gateway'), ('network', 'node-network'), ('node', 'n1'), ('pod', 'default/web')]
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from ..api.core_v1 import Node, Pod

__all__ = ["Network", "Vertex", "NODE_NETWORK", "GATEWAY"]

Vertex = tuple[str, str]
NODE_NETWORK: Vertex = ("network", "node-network")
GATEWAY: Vertex = ("network", "gateway")


@dataclass
class Network:
    """The graph plus address indexes. Build it with :meth:`build`; never mutate ``graph`` by hand."""

    graph: nx.Graph
    ips: dict[str, Vertex] = field(default_factory=dict)
    pod_cidrs: list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str]] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        nodes: Iterable[Node],
        pods: Iterable[Pod] = (),
        load_balancers: Iterable[tuple[str, str]] = (),
        clients: Iterable[str] = (),
    ) -> Network:
        """Build the network of ``nodes`` and the ``pods`` on them.

        ``load_balancers`` are ``(name, ip)`` pairs (cloud load balancers sit between the gateway and the node
        network); ``clients`` are external addresses to show explicitly (any other address is external too).
        Pods with ``hostNetwork`` share their node's address and are not given a vertex of their own.
        """
        g = nx.Graph()
        net = cls(graph=g)
        g.add_node(NODE_NETWORK, kind="network", label="node network")
        g.add_node(GATEWAY, kind="network", label="gateway")
        g.add_edge(GATEWAY, NODE_NETWORK, kind="uplink")
        for node in sorted(nodes, key=lambda n: n.metadata.name or ""):
            name = node.metadata.name or ""
            v: Vertex = ("node", name)
            ip = node.address("InternalIP")
            cidr = node.spec.podCIDR if node.spec else None
            labels = node.metadata.labels or {}
            g.add_node(v, kind="node", ip=ip, pod_cidr=cidr, zone=labels.get("topology.kubernetes.io/zone"))
            g.add_edge(v, NODE_NETWORK, kind="eth0", ip=ip)
            if ip:
                net.ips[ip] = v
            # a dual-stack node's other InternalIP (the first one is ``ip``)
            for a in (node.status.addresses if node.status else None) or []:
                if a.type == "InternalIP" and a.address:
                    net.ips.setdefault(a.address, v)
            for c in dict.fromkeys([cidr, *((node.spec.podCIDRs if node.spec else None) or [])]):
                if c:
                    net.pod_cidrs.append((ipaddress.ip_network(c, strict=False), name))
        for pod in sorted(pods, key=lambda p: (p.metadata.namespace or "default", p.metadata.name or "")):
            ip = pod.status.podIP if pod.status else None
            node_name = pod.spec.nodeName if pod.spec else None
            if not ip or not node_name or (pod.spec and pod.spec.hostNetwork):
                continue
            v = ("pod", f"{pod.metadata.namespace or 'default'}/{pod.metadata.name}")
            g.add_node(v, kind="pod", ip=ip, node=node_name, labels=dict(pod.metadata.labels or {}))
            g.add_edge(v, ("node", node_name), kind="veth", ip=ip)
            net.ips[ip] = v
            for pip in (pod.status.podIPs if pod.status else None) or []:  # a dual-stack pod's other address
                if pip.ip:
                    net.ips.setdefault(pip.ip, v)
        for name, ip in load_balancers:
            v = ("lb", name)
            g.add_node(v, kind="lb", ip=ip)
            g.add_edge(v, GATEWAY, kind="uplink")
            g.add_edge(v, NODE_NETWORK, kind="backend")
            net.ips[ip] = v
        for ip in clients:
            net._add_external(ip)
        return net

    def _add_external(self, ip: str) -> Vertex:
        v: Vertex = ("external", ip)
        if v not in self.graph:
            self.graph.add_node(v, kind="external", ip=ip)
            self.graph.add_edge(v, GATEWAY, kind="uplink")
        return v

    def owner(self, ip: str) -> Vertex:
        """The vertex that owns ``ip``: a pod, a node, a load balancer, or ``("external", ip)``."""
        return self.ips.get(ip, ("external", ip))

    def node_for_pod_ip(self, ip: str) -> str | None:
        """The node whose pod CIDR contains ``ip`` (the route every node has to it), or ``None``."""
        addr = ipaddress.ip_address(ip)
        for cidr, name in self.pod_cidrs:
            if addr.version == cidr.version and addr in cidr:
                return name
        return None

    def route(self, dst_ip: str) -> Vertex:
        """Where a packet for ``dst_ip`` is delivered: the owning node (for node and pod IPs), a load balancer,
        or the gateway for anything external."""
        owner = self.ips.get(dst_ip)
        if owner is not None and owner[0] in ("node", "lb"):
            return owner
        if owner is not None and owner[0] == "pod":
            return ("node", self.graph.nodes[owner]["node"])
        node = self.node_for_pod_ip(dst_ip)
        if node is not None:
            return ("node", node)
        return GATEWAY

    def path(self, src: Vertex, dst: Vertex) -> list[Vertex]:
        """The vertices a packet crosses from ``src`` to ``dst`` (external vertices are added on demand)."""
        for v in (src, dst):
            if v[0] == "external":
                self._add_external(v[1])
        return nx.shortest_path(self.graph, src, dst)
