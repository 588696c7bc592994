"""How the cost of a new connection grows with the number of Services, per proxy mode (KEP-3866's motivation),
and a whole cluster at Kubernetes' published scalability thresholds (:func:`threshold_cluster`).

One source for the book's kube-proxy chapter and ``benchmarks/proxy_scaling.py``: ``n`` ClusterIP Services
``bench/svc00000``... (172.30.0.1..., port 80 → 8080), each with ``endpoints`` endpoints on another node, are
rendered for the node ``bench-node`` (192.168.0.2, ``--cluster-cidr 10.0.0.0/8``) by that mode's renderer, and a
pod's first packet is run through that mode's executor, which counts every rule the kernel would test
(``rules_evaluated``). iptables walks ``KUBE-SERVICES`` rule by rule, so the last Service costs about one rule
per Service; nftables looks the destination up in the ``service-ips`` verdict map and IPVS in its table of
virtual servers, one step whatever the number of Services.

Names are zero-padded because the renderers order Services by name: ``svc00000`` is first, the last index last.

>>> first, last = rules_traversed("iptables", 10)
>>> rules_traversed("iptables", 100)[1] - last
90
>>> rules_traversed("nftables", 10) == rules_traversed("nftables", 100)
True
"""

from __future__ import annotations

import ipaddress
from typing import Any

from k8snet.proxy.modes import PROXY_MODES

__all__ = [
    "THRESHOLDS",
    "threshold_objects",
    "threshold_cluster",
    "scaling_objects",
    "scaling_world",
    "rules_traversed",
    "scaling_table",
    "POD_IP",
    "SERVICE_BASE",
]

SERVICE_BASE = ipaddress.ip_address("172.30.0.0")
POD_BASE = ipaddress.ip_address("10.128.0.0")
#: The client pod the packets come from (inside ``--cluster-cidr``, so not masqueraded).
POD_IP = "10.0.0.2"


def scaling_objects(n: int, endpoints: int = 1) -> tuple[list, list, Any]:
    """``(services, endpoint_slices, node)`` for ``n`` Services with ``endpoints`` endpoints each."""
    from k8snet.api.core_v1 import Node, Service
    from k8snet.api.discovery_v1 import EndpointSlice

    node = Node.model_validate(
        {
            "metadata": {"name": "bench-node"},
            "status": {"addresses": [{"type": "InternalIP", "address": "192.168.0.2"}]},
        }
    )
    services, slices = [], []
    for i in range(n):
        name = f"svc{i:05d}"
        services.append(
            Service.model_validate(
                {
                    "metadata": {"name": name, "namespace": "bench"},
                    "spec": {
                        "clusterIP": str(SERVICE_BASE + 1 + i),
                        "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}],
                    },
                }
            )
        )
        slices.append(
            EndpointSlice.model_validate(
                {
                    "metadata": {
                        "name": f"{name}-1",
                        "namespace": "bench",
                        "labels": {"kubernetes.io/service-name": name},
                    },
                    "addressType": "IPv4",
                    "endpoints": [
                        {"addresses": [str(POD_BASE + i * endpoints + j)], "nodeName": "other"}
                        for j in range(endpoints)
                    ],
                    "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
                }
            )
        )
    return services, slices, node


def scaling_world(mode: str, n: int, endpoints: int = 1) -> Any:
    """The :class:`~k8snet.sim.trace.World` (rules and executors per node) for :func:`scaling_objects`."""
    from k8snet.sim.trace import World

    services, slices, node = scaling_objects(n, endpoints)
    return World(
        [node], [], services, slices, mode=mode, cluster_cidr="10.0.0.0/8", service_cidrs=["172.30.0.0/16"]
    )


def rules_traversed(mode: str, services: int, endpoints: int = 1) -> tuple[int, int]:
    """Rules tested for the first packet of a new connection from a pod to the *first* and to the *last* of
    ``services`` Services."""
    from k8snet.dataplane.packet import Packet

    host = scaling_world(mode, services, endpoints).host("bench-node")
    out = []
    for ip in (SERVICE_BASE + 1, SERVICE_BASE + services):
        results = host.enumerate(Packet(POD_IP, str(ip), dst_port=80, in_interface="veth0"), record=False)
        out.append(max(r.rules_evaluated for r in results))
    return out[0], out[1]


def scaling_table(
    sizes: tuple[int, ...] = (10, 100, 300, 1000), modes: tuple[str, ...] = tuple(PROXY_MODES)
) -> dict:
    """``{mode: [(services, rules for the first Service, rules for the last Service), ...]}``."""
    return {mode: [(n, *rules_traversed(mode, n)) for n in sizes] for mode in modes}


#: Kubernetes' published scalability thresholds: at most 5,000 nodes, 150,000 Pods and 110 Pods per node
#: (kubernetes.io "Considerations for large clusters", website ``content/en/docs/setup/best-practices/cluster-large.md``)
#: and 10,000 Services (kubernetes/community ``sig-scalability/configs-and-limits/thresholds.md``).
THRESHOLDS = {"nodes": 5000, "pods": 150_000, "services": 10_000, "pods_per_node": 110}


def threshold_objects(services: int, replicas: int) -> list:
    """``services`` Deployments ``app00000``... of ``replicas`` Pods each, and a ClusterIP Service of the same name
    selecting each (port 80 → 80), in that order.

    >>> [o.kind + "/" + o.metadata.name for o in threshold_objects(2, 3)]
    ['Deployment/app00000', 'Service/app00000', 'Deployment/app00001', 'Service/app00001']
    """
    from k8snet.api.apps_v1 import Deployment
    from k8snet.api.core_v1 import Service

    out: list = []
    for i in range(services):
        name = f"app{i:05d}"
        out.append(
            Deployment.model_validate(
                {
                    "metadata": {"name": name},
                    "spec": {
                        "replicas": replicas,
                        "selector": {"matchLabels": {"app": name}},
                        "template": {
                            "metadata": {"labels": {"app": name}},
                            "spec": {
                                "containers": [
                                    {"name": "web", "image": "nginx", "ports": [{"containerPort": 80}]}
                                ]
                            },
                        },
                    },
                }
            )
        )
        out.append(
            Service.model_validate(
                {"metadata": {"name": name}, "spec": {"selector": {"app": name}, "ports": [{"port": 80}]}}
            )
        )
    return out


def threshold_cluster(
    nodes: int = THRESHOLDS["nodes"],
    services: int = THRESHOLDS["services"],
    replicas: int = THRESHOLDS["pods"] // THRESHOLDS["services"],
    batch: int = 500,
    seed: int = 0,
    progress: Any = None,
) -> Any:
    """A :class:`~k8snet.sim.cluster.Cluster` at Kubernetes' scalability thresholds, built in memory: ``nodes``
    nodes (kind's layout: one control plane, the rest workers; ``--cluster-cidr 100.64.0.0/10`` so every node gets
    its /24), ``services`` Deployments of ``replicas`` Pods each and a ClusterIP Service selecting each
    (:func:`threshold_objects`): 5,000 nodes, 150,000 Pods and 10,000 Services by default.

    Everything goes through the API server and the controllers, as ``kubectl create`` of ``batch`` objects at a
    time would: the Pods are scheduled (at most ``ceil(pods / workers)`` per node, 31 by default, under the 110
    Pods per node of :data:`THRESHOLDS`), get addresses and are ready; every Service has its EndpointSlice and
    Endpoints. ``progress(done, total)`` is called after each batch. ``benchmarks/control_plane.py`` reports the
    time and peak memory.

    >>> c = threshold_cluster(nodes=3, services=2, replicas=3)
    >>> len(c.nodes()), len(c.pods("default")), len(c.services("default"))
    (3, 6, 3)
    >>> sorted(len(sl.endpoints) for sl in c.endpoint_slices("default") if sl.endpoints)
    [1, 3, 3]
    """
    import math

    from k8snet.errors import ConfigError
    from k8snet.sim.cluster import Cluster

    workers = nodes - 1
    if workers < 1:
        raise ConfigError(f"threshold_cluster(nodes={nodes}): needs a control plane and at least one worker")
    per_node = math.ceil(services * replicas / workers)
    if per_node > THRESHOLDS["pods_per_node"]:
        raise ConfigError(
            f"threshold_cluster: {services * replicas} Pods on {workers} workers is {per_node} per node, over "
            f"the {THRESHOLDS['pods_per_node']} Pods per node a node allows"
        )
    cluster = Cluster(preset="kind", nodes=nodes, cluster_cidr="100.64.0.0/10", seed=seed)
    objs = threshold_objects(services, replicas)
    for start in range(0, len(objs), batch):
        cluster.create(objs[start : start + batch])
        if progress is not None:
            progress(min(start + batch, len(objs)), len(objs))
    return cluster
