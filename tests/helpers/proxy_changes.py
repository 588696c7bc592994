"""The Services and EndpointSlices the proxiers' partial-sync property tests change at random (the iptables and
nftables proxiers are held to the same sequences: after any of them, a partial sync leaves what a full sync
would)."""

from __future__ import annotations

from hypothesis import strategies as st

from k8snet.api.core_v1 import Service
from k8snet.api.discovery_v1 import EndpointSlice

#: The three Services of the sequences, in namespace ``ns``, and their ClusterIPs.
NAMES = ["a", "b", "c"]
IPS = {"a": "172.30.0.1", "b": "172.30.0.2", "c": "172.30.0.3"}

#: One change: ("service", name, variant 0-3 or 4 = delete), ("slice", name, endpoints 0-4 (the count) ...,
#: the index of the one on this node, 0-5), ("sync", seconds that pass before it, 0-3).
CHANGES = st.one_of(
    st.tuples(st.just("service"), st.sampled_from(NAMES), st.integers(0, 4)),
    st.tuples(st.just("slice"), st.sampled_from(NAMES), st.integers(0, 4), st.integers(0, 5)),
    st.tuples(st.just("sync"), st.integers(0, 3)),
)


def service(name: str, variant: int) -> Service:
    """Service ``ns/<name>`` in one of four shapes: 0 ClusterIP, 1 NodePort, 2 NodePort with
    ``externalTrafficPolicy: Local``, 3 ClusterIP with ClientIP affinity and ``internalTrafficPolicy: Local``."""
    port: dict = {"name": "p", "port": 80, "protocol": "TCP"}
    spec: dict = {"clusterIP": IPS[name], "ports": [port]}
    if variant == 1:
        spec["type"] = "NodePort"
        port["nodePort"] = 30000 + ord(name)
    elif variant == 2:
        spec.update(type="NodePort", externalTrafficPolicy="Local")
        port["nodePort"] = 31000 + ord(name)
    elif variant == 3:
        spec.update(sessionAffinity="ClientIP", internalTrafficPolicy="Local")
    return Service.model_validate({"metadata": {"name": name, "namespace": "ns"}, "spec": spec})


def endpoint_slice(name: str, count: int, local: int) -> EndpointSlice:
    """The EndpointSlice of Service ``ns/<name>`` with ``count`` endpoints; the one at index ``local`` (if any)
    is on node ``test-node``."""
    return EndpointSlice.model_validate(
        {
            "metadata": {
                "name": f"{name}-1",
                "namespace": "ns",
                "labels": {"kubernetes.io/service-name": name},
            },
            "addressType": "IPv4",
            "endpoints": [
                {"addresses": [f"10.1.{ord(name)}.{i}"], **({"nodeName": "test-node"} if i == local else {})}
                for i in range(count)
            ],
            "ports": [{"name": "p", "port": 8080, "protocol": "TCP"}],
        }
    )


def replay(
    proxier, changes, advance=lambda seconds: None
) -> tuple[dict[str, Service], dict[str, EndpointSlice]]:
    """Feed ``changes`` (drawn from :data:`CHANGES`) to ``proxier``'s event handlers, syncing where a change says
    so (after ``advance(seconds)``; each sync must succeed), then sync once more. Returns the Services and
    EndpointSlices that exist at the end, by name."""
    services: dict[str, Service] = {}
    slices: dict[str, EndpointSlice] = {}
    proxier.sync()
    for change in changes:
        if change[0] == "service":
            _, name, variant = change
            old = services.get(name)
            if variant == 4:
                if old is not None:
                    proxier.on_service_delete(services.pop(name))
            else:
                new = services[name] = service(name, variant)
                proxier.on_service_update(old, new)
        elif change[0] == "slice":
            _, name, count, local = change
            old_slice = slices.get(name)
            if count == 4:
                if old_slice is not None:
                    proxier.on_endpointslice_delete(slices.pop(name))
            else:
                new_slice = slices[name] = endpoint_slice(name, count, local)
                proxier.on_endpointslice_update(old_slice, new_slice)
        else:
            advance(change[1])
            assert proxier.sync().success
    assert proxier.sync().success
    return services, slices
